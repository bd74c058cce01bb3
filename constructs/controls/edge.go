package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

const (
	distType     = "AWS::CloudFront::Distribution"
	webACLType   = "AWS::WAFv2::WebACL"
	webACLAssoc  = "AWS::WAFv2::WebACLAssociation"
	restStage    = "AWS::ApiGateway::Stage"
	sentWAFRules = "AWS Managed Rule: Core Rule Set (OWASP Top 10) - AWS Managed Rule: SQL Injection Rule Set"
)

// cloudFrontTLS are the viewer security policies that require TLS 1.2 with modern ciphers.
var cloudFrontTLS = map[string]bool{"TLSv1.2_2021": true, "TLSv1.2_2025": true, "TLSv1.3_2025": true}

func edgeControls() []Control {
	return []Control{cfTLS(), cfHTTPS(), cfOriginTLS(), cfOriginAccess(), cfCompression(),
		wafManagedRules(), wafRateLimit(), wafAssociated()}
}

// behaviors returns the default and the ordered cache behaviors of a distribution.
func behaviors(d *cfn.Resource) []any {
	var out []any
	if b, ok := d.Get("DistributionConfig", "DefaultCacheBehavior"); ok {
		out = append(out, b)
	}
	return append(out, d.List("DistributionConfig", "CacheBehaviors")...)
}

// cfTLS
//
//	Rule Identifier: LS-CF-001
//	Description:     CloudFront viewers need TLS 1.2+ (MinimumProtocolVersion TLSv1.2_2021 or newer).
//	Reports on:      AWS::CloudFront::Distribution
//	Scenarios:
//	  SKIP: no distribution.
//	  PASS: ViewerCertificate with an ACM certificate and MinimumProtocolVersion TLSv1.2_2021 / TLSv1.2_2025 / TLSv1.3_2025.
//	  FAIL: the default *.cloudfront.net certificate (TLSv1 fixed) or an older policy.
func cfTLS() Control {
	types := []string{distType}
	return Control{
		ID: "LS-CF-001", Title: "CloudFront requires TLS 1.2 (TLSv1.2_2021+)", Severity: High,
		Seed: seedMenoTime, Sentence: "Security: Restrict to TLS 1.2+", ResourceTypes: types,
		Remediation: "Give the distribution an ACM certificate (us-east-1) and MinimumProtocolVersion: SecurityPolicyProtocol_TLS_V1_2_2021.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			vc := r.Map("DistributionConfig", "ViewerCertificate")
			if vc == nil || vc["CloudFrontDefaultCertificate"] == true {
				return "uses the default *.cloudfront.net certificate, which allows TLSv1: configure a domain certificate"
			}
			v, _ := vc["MinimumProtocolVersion"].(string)
			if !cloudFrontTLS[v] {
				return fmt.Sprintf("MinimumProtocolVersion %q, want TLSv1.2_2021 or newer", v)
			}
			return ""
		}),
	}
}

// cfHTTPS
//
//	Rule Identifier: LS-CF-002
//	Description:     Every cache behavior enforces HTTPS (redirect-to-https or https-only).
//	Reports on:      AWS::CloudFront::Distribution
//	Scenarios:
//	  SKIP: no distribution.
//	  PASS: ViewerProtocolPolicy redirect-to-https or https-only on all behaviors.
//	  FAIL: allow-all on any behavior.
func cfHTTPS() Control {
	types := []string{distType}
	return Control{
		ID: "LS-CF-002", Title: "CloudFront enforces HTTPS for viewers", Severity: High,
		Seed: seedMenoTime, Sentence: "HTTPS Only: Enforce HTTPS for all connections", ResourceTypes: types,
		Remediation: "Set ViewerProtocolPolicy: ViewerProtocolPolicy_REDIRECT_TO_HTTPS on every behavior.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for i, b := range behaviors(r) {
				if p := mapGet(b, "ViewerProtocolPolicy"); p != "redirect-to-https" && p != "https-only" {
					bad = append(bad, fmt.Sprintf("behavior %d allows %v", i, p))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// cfOriginTLS
//
//	Rule Identifier: LS-CF-003
//	Description:     Custom origins (the ALB) are reached over HTTPS with TLS 1.2 only.
//	Reports on:      AWS::CloudFront::Distribution
//	Scenarios:
//	  SKIP: no distribution with a custom origin.
//	  PASS: OriginProtocolPolicy https-only and OriginSSLProtocols exactly [TLSv1.2].
//	  FAIL: http-only / match-viewer, or SSLv3 / TLSv1 / TLSv1.1 allowed.
func cfOriginTLS() Control {
	types := []string{distType}
	return Control{
		ID: "LS-CF-003", Title: "CloudFront reaches custom origins over TLS 1.2", Severity: Medium,
		Seed: seedMenoTime, Sentence: "CloudFront ALB HTTPS 443 Backend routing", ResourceTypes: types,
		Remediation: "Use origins.NewLoadBalancerV2Origin(lb, &LoadBalancerV2OriginProps{ProtocolPolicy: OriginProtocolPolicy_HTTPS_ONLY, OriginSslProtocols: [TLS_V1_2]}).",
		Check: func(c *Context) []Finding {
			c.Skip("no distribution with a custom origin in this stack")
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				var bad []string
				custom := false
				for _, o := range r.List("DistributionConfig", "Origins") {
					co := mapGet(o, "CustomOriginConfig")
					if co == nil {
						continue
					}
					custom = true
					if p := mapGet(co, "OriginProtocolPolicy"); p != "https-only" {
						bad = append(bad, fmt.Sprintf("origin %v uses %v", mapGet(o, "Id"), p))
					}
					protos := strs(mapGet(co, "OriginSSLProtocols"))
					if len(protos) != 1 || protos[0] != "TLSv1.2" {
						bad = append(bad, fmt.Sprintf("origin %v allows %v", mapGet(o, "Id"), protos))
					}
				}
				if !custom {
					return outOfScope
				}
				return strings.Join(bad, "; ")
			})(c)
		},
	}
}

// cfOriginAccess
//
//	Rule Identifier: LS-CF-004
//	Description:     S3 origins are private and reached through origin access control (or identity).
//	Reports on:      AWS::CloudFront::Distribution
//	Scenarios:
//	  SKIP: no distribution with an S3 origin.
//	  PASS: every S3 origin has OriginAccessControlId or a non-empty S3OriginConfig.OriginAccessIdentity.
//	  FAIL: an S3 origin without either.
func cfOriginAccess() Control {
	types := []string{distType}
	return Control{
		ID: "LS-CF-004", Title: "CloudFront reaches S3 through origin access control", Severity: High,
		Seed: seedMenoTime, Sentence: "ACL: Private (CloudFront access via OAI)", ResourceTypes: types,
		Remediation: "Use origins.S3BucketOrigin_WithOriginAccessControl(bucket).",
		Check: func(c *Context) []Finding {
			c.Skip("no distribution with an S3 origin in this stack")
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				var bad []string
				s3 := false
				for _, o := range r.List("DistributionConfig", "Origins") {
					so := mapGet(o, "S3OriginConfig")
					if so == nil {
						continue
					}
					s3 = true
					oac := mapGet(o, "OriginAccessControlId")
					oai, _ := mapGet(so, "OriginAccessIdentity").(string)
					if oac == nil && oai == "" {
						bad = append(bad, fmt.Sprintf("S3 origin %v has neither origin access control nor identity", mapGet(o, "Id")))
					}
				}
				if !s3 {
					return outOfScope
				}
				return strings.Join(bad, "; ")
			})(c)
		},
	}
}

// cfCompression
//
//	Rule Identifier: LS-CF-005
//	Description:     Every cache behavior compresses (gzip and brotli).
//	Reports on:      AWS::CloudFront::Distribution
//	Scenarios:
//	  SKIP: no distribution.
//	  PASS: Compress true on all behaviors.
//	  FAIL: a behavior without compression.
func cfCompression() Control {
	types := []string{distType}
	return Control{
		ID: "LS-CF-005", Title: "CloudFront compresses responses", Severity: Low,
		Seed: seedLablogs, Sentence: "Compression using both Gzip and Brotli is enabled to reduce bandwidth usage and improve load times.", ResourceTypes: types,
		Remediation: "Set Compress: jsii.Bool(true) (the CDK default) and a cache policy with EnableAcceptEncodingGzip and Brotli.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for i, b := range behaviors(r) {
				if on, _ := cfn.AsBool(mapGet(b, "Compress")); !on {
					bad = append(bad, fmt.Sprintf("behavior %d does not compress", i))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// managedGroups returns the AWS managed rule group names of a web ACL.
func managedGroups(acl *cfn.Resource) map[string]bool {
	out := map[string]bool{}
	for _, rule := range acl.List("Rules") {
		if n, ok := cfn.Lookup(rule, "Statement", "ManagedRuleGroupStatement", "Name"); ok {
			if v, _ := cfn.Lookup(rule, "Statement", "ManagedRuleGroupStatement", "VendorName"); v == "AWS" {
				out[fmt.Sprint(n)] = true
			}
		}
	}
	return out
}

// wafManagedRules
//
//	Rule Identifier: LS-WAF-001
//	Description:     Web ACLs include AWSManagedRulesCommonRuleSet and AWSManagedRulesSQLiRuleSet.
//	Reports on:      AWS::WAFv2::WebACL
//	Scenarios:
//	  SKIP: no web ACL.
//	  PASS: both AWS managed rule groups present.
//	  FAIL: either missing.
func wafManagedRules() Control {
	types := []string{webACLType}
	return Control{
		ID: "LS-WAF-001", Title: "WAF uses the core and SQL-injection managed rule sets", Severity: High,
		Seed: seedMenoTime, Sentence: sentWAFRules, ResourceTypes: types,
		Remediation: "Use constructs/edge's web ACL (AWSManagedRulesCommonRuleSet, AWSManagedRulesSQLiRuleSet, KnownBadInputs).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			g := managedGroups(r)
			var missing []string
			for _, n := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"} {
				if !g[n] {
					missing = append(missing, n)
				}
			}
			if len(missing) > 0 {
				return "missing managed rule groups: " + strings.Join(missing, ", ")
			}
			return ""
		}),
	}
}

// wafRateLimit
//
//	Rule Identifier: LS-WAF-002
//	Description:     Web ACLs rate-limit each IP to 2000 requests per 5 minutes.
//	Reports on:      AWS::WAFv2::WebACL
//	Scenarios:
//	  SKIP: no web ACL.
//	  PASS: a blocking RateBasedStatement with Limit <= 2000, AggregateKeyType IP, EvaluationWindowSec 300 (or unset).
//	  FAIL: none, a higher limit, a count-only action, or another window / key.
func wafRateLimit() Control {
	types := []string{webACLType}
	return Control{
		ID: "LS-WAF-002", Title: "WAF rate-limits 2000 requests per 5 minutes per IP", Severity: High,
		Seed: seedMenoTime, Sentence: "AWS Managed Rule: Rate-Based Rule (e.g., 2000 requests/5 min per IP)", ResourceTypes: types,
		Remediation: "Add a RateBasedStatement {Limit: 2000, AggregateKeyType: IP, EvaluationWindowSec: 300} with Action Block.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			for _, rule := range r.List("Rules") {
				rb, ok := cfn.Lookup(rule, "Statement", "RateBasedStatement")
				if !ok {
					continue
				}
				limit, _ := cfn.AsInt(mapGet(rb, "Limit"))
				win := 300
				if w, ok := cfn.AsInt(mapGet(rb, "EvaluationWindowSec")); ok {
					win = w
				}
				_, block := cfn.Lookup(rule, "Action", "Block")
				if limit > 0 && limit <= 2000 && win == 300 && mapGet(rb, "AggregateKeyType") == "IP" && block {
					return ""
				}
			}
			return "no blocking rate-based rule of at most 2000 requests per 300 s per IP"
		}),
	}
}

// wafAssociated
//
//	Rule Identifier: LS-WAF-003
//	Description:     A web ACL protects every internet-facing ALB, every REST API stage and every
//	                 CloudFront distribution.
//	Reports on:      AWS::ElasticLoadBalancingV2::LoadBalancer, AWS::ApiGateway::Stage,
//	                 AWS::CloudFront::Distribution, AWS::WAFv2::WebACLAssociation
//	Scenarios:
//	  SKIP: none of those resources in the stack.
//	  PASS: a WebACLAssociation whose ResourceArn refers to the ALB / the stage; WebACLId set on the distribution.
//	  FAIL: an unprotected internet-facing ALB, stage or distribution.
func wafAssociated() Control {
	types := []string{lbType, restStage, distType}
	return Control{
		ID: "LS-WAF-003", Title: "WAF protects every public ALB, API stage and distribution", Severity: High,
		Seed: seedMenoTime, Sentence: "Association: Attach to ALB", ResourceTypes: append(types, webACLAssoc),
		Remediation: "awswafv2.NewCfnWebACLAssociation(..., {ResourceArn: lb.LoadBalancerArn / stage.StageArn, WebAclArn}); WebAclId on the distribution.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			switch r.Type {
			case lbType:
				if !internetFacing(r) {
					return outOfScope
				}
				if t, _ := r.String("Type"); t == "network" || t == "gateway" {
					return outOfScope
				}
			case distType:
				if _, ok := r.Get("DistributionConfig", "WebACLId"); !ok {
					return "distribution has no WebACLId"
				}
				return ""
			}
			for _, a := range c.Env.OfType(webACLAssoc) {
				v, ok := a.Get("ResourceArn")
				if ok && c.Env.Refers(a, v, r) {
					return ""
				}
			}
			return "no WAF web ACL association refers to it"
		}),
	}
}
