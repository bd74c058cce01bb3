package controls

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

const (
	listenerType    = "AWS::ElasticLoadBalancingV2::Listener"
	targetGroupType = "AWS::ElasticLoadBalancingV2::TargetGroup"
)

// tls12Policy matches the ELB security policies that refuse TLS 1.0 and 1.1.
var tls12Policy = regexp.MustCompile(`^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)`)

func albControls() []Control {
	return []Control{albTLSPolicy(), albRedirect(), albHTTPSOnly(), albAccessLogs(), albHealthCheck()}
}

// albTLSPolicy
//
//	Rule Identifier: LS-ALB-001
//	Description:     HTTPS / TLS listeners use a security policy that refuses TLS below 1.2.
//	Reports on:      AWS::ElasticLoadBalancingV2::Listener
//	Scenarios:
//	  SKIP: no HTTPS or TLS listener.
//	  PASS: SslPolicy is an ELBSecurityPolicy-TLS13-1-2/1-3, TLS-1-2 or FS-1-2 policy.
//	  FAIL: SslPolicy absent (ELBSecurityPolicy-2016-08 allows TLS 1.0) or a legacy policy.
func albTLSPolicy() Control {
	types := []string{listenerType}
	return Control{
		ID: "LS-ALB-001", Title: "HTTPS listeners require TLS 1.2 or higher", Severity: High,
		Seed: seedLablogs, Sentence: sentTLS, ResourceTypes: types,
		Remediation: "Set SslPolicy: awselasticloadbalancingv2.SslPolicy_RECOMMENDED_TLS (ELBSecurityPolicy-TLS13-1-2-2021-06).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			p, _ := r.String("Protocol")
			if p != "HTTPS" && p != "TLS" {
				return outOfScope
			}
			pol, ok := r.String("SslPolicy")
			if !ok {
				return "no SslPolicy: the default ELBSecurityPolicy-2016-08 accepts TLS 1.0"
			}
			if !tls12Policy.MatchString(pol) {
				return fmt.Sprintf("SslPolicy %s accepts TLS below 1.2", pol)
			}
			return ""
		}),
	}
}

// redirectsToHTTPS reports whether the listener's default action is a 301 redirect to HTTPS 443.
func redirectsToHTTPS(l *cfn.Resource) bool {
	for _, a := range l.List("DefaultActions") {
		if mapGet(a, "Type") != "redirect" {
			continue
		}
		rc := mapGet(a, "RedirectConfig")
		port := fmt.Sprint(mapGet(rc, "Port"))
		if mapGet(rc, "Protocol") == "HTTPS" && mapGet(rc, "StatusCode") == "HTTP_301" && (port == "443" || port == "<nil>" || port == "#{port}") {
			return true
		}
	}
	return false
}

// albRedirect
//
//	Rule Identifier: LS-ALB-002
//	Description:     Plain-HTTP listeners (port 80) redirect to HTTPS with 301.
//	Reports on:      AWS::ElasticLoadBalancingV2::Listener
//	Scenarios:
//	  SKIP: no HTTP listener.
//	  PASS: the default action is a redirect to HTTPS, StatusCode HTTP_301.
//	  FAIL: forward / fixed-response, or a 302 redirect.
func albRedirect() Control {
	types := []string{listenerType}
	return Control{
		ID: "LS-ALB-002", Title: "HTTP listeners redirect to HTTPS with 301", Severity: High,
		Seed: seedMenoTime, Sentence: "Port 80: Redirect to HTTPS (301)", ResourceTypes: types,
		Remediation: "lb.AddRedirect(&awselasticloadbalancingv2.ApplicationLoadBalancerRedirectConfig{SourcePort: 80, TargetPort: 443}).",
		Check: func(c *Context) []Finding {
			c.Skip("no HTTP listener in this stack")
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				if p, _ := r.String("Protocol"); p != "HTTP" {
					return outOfScope
				}
				if !redirectsToHTTPS(r) {
					return "HTTP listener does not redirect to HTTPS with a 301"
				}
				return ""
			})(c)
		},
	}
}

// albHTTPSOnly
//
//	Rule Identifier: LS-ALB-003
//	Description:     Load balancers serve traffic only over HTTPS on 443 with an ACM certificate;
//	                 any other listener only redirects.
//	Reports on:      AWS::ElasticLoadBalancingV2::Listener
//	Scenarios:
//	  SKIP: no listener.
//	  PASS: HTTPS on 443 with a certificate, or a listener that only redirects to HTTPS.
//	  FAIL: HTTPS on another port, HTTPS without certificate, or plain HTTP forwarding.
func albHTTPSOnly() Control {
	types := []string{listenerType}
	return Control{
		ID: "LS-ALB-003", Title: "Load balancers accept only HTTPS on 443 with an ACM certificate", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "Our Application Load Balancers are configured to accept only HTTPS traffic on port 443, with valid SSL certificates managed through AWS Certificate Manager.",
		ResourceTypes: types,
		Remediation:   "Listen on 443 with Certificates from ACM (constructs/compute); redirect 80 to 443.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			p, _ := r.String("Protocol")
			port, _ := r.Int("Port")
			if p == "HTTPS" {
				var bad []string
				if port != 443 {
					bad = append(bad, fmt.Sprintf("HTTPS listener on port %d, want 443", port))
				}
				certs := r.List("Certificates")
				if len(certs) == 0 {
					bad = append(bad, "HTTPS listener has no certificate")
				}
				for _, cert := range certs {
					arn := mapGet(cert, "CertificateArn")
					if s, ok := arn.(string); ok && strings.Contains(s, ":iam::") {
						bad = append(bad, "certificate is an IAM server certificate, not ACM")
					}
				}
				return strings.Join(bad, "; ")
			}
			if redirectsToHTTPS(r) {
				return ""
			}
			return fmt.Sprintf("%s listener on port %d serves traffic without TLS", p, port)
		}),
	}
}

// albAccessLogs
//
//	Rule Identifier: LS-ALB-004
//	Description:     Load balancers write access logs to S3.
//	Reports on:      AWS::ElasticLoadBalancingV2::LoadBalancer
//	Scenarios:
//	  SKIP: no load balancer.
//	  PASS: LoadBalancerAttributes access_logs.s3.enabled "true" with an access_logs.s3.bucket.
//	  FAIL: otherwise.
func albAccessLogs() Control {
	types := []string{lbType}
	return Control{
		ID: "LS-ALB-004", Title: "Load balancers write access logs", Severity: Medium,
		Seed:          seedContember,
		Sentence:      "Load Balancer Access Logs: These logs provide detailed records of all requests made to our load balancers.",
		ResourceTypes: types,
		Remediation:   "lb.LogAccessLogs(logBucket, prefix) with the SSE-S3 log bucket.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			attrs := map[string]any{}
			for _, a := range r.List("LoadBalancerAttributes") {
				if k, ok := mapGet(a, "Key").(string); ok {
					attrs[k] = mapGet(a, "Value")
				}
			}
			if on, _ := cfn.AsBool(attrs["access_logs.s3.enabled"]); !on || attrs["access_logs.s3.bucket"] == nil {
				return "access logs are off (access_logs.s3.enabled / access_logs.s3.bucket)"
			}
			return ""
		}),
	}
}

// albHealthCheck
//
//	Rule Identifier: LS-ALB-005
//	Description:     Target groups check /health every 30 s, healthy 2, unhealthy 3, timeout 5 s.
//	Reports on:      AWS::ElasticLoadBalancingV2::TargetGroup
//	Scenarios:
//	  SKIP: no target group (or only Lambda target groups).
//	  PASS: HealthCheckPath /health, HealthCheckIntervalSeconds 30, HealthyThresholdCount 2,
//	        UnhealthyThresholdCount 3, HealthCheckTimeoutSeconds 5.
//	  FAIL: any other value or missing.
func albHealthCheck() Control {
	types := []string{targetGroupType}
	return Control{
		ID: "LS-ALB-005", Title: "Target group health check is /health 30 s / 2 / 3 / 5 s", Severity: Low,
		Seed: seedMenoTime, Sentence: "Health Check Path: /health", ResourceTypes: types,
		Remediation: "Set HealthCheck: &awselasticloadbalancingv2.HealthCheck{Path: \"/health\", Interval: 30 s, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3, Timeout: 5 s}.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if t, _ := r.String("TargetType"); t == "lambda" {
				return outOfScope
			}
			var bad []string
			if p, _ := r.String("HealthCheckPath"); p != "/health" {
				bad = append(bad, fmt.Sprintf("path %q, want /health", p))
			}
			for _, w := range []struct {
				k string
				v int
			}{{"HealthCheckIntervalSeconds", 30}, {"HealthyThresholdCount", 2}, {"UnhealthyThresholdCount", 3}, {"HealthCheckTimeoutSeconds", 5}} {
				if n, ok := r.Int(w.k); !ok || n != w.v {
					bad = append(bad, fmt.Sprintf("%s %s, want %d", w.k, intText(n, ok), w.v))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

func intText(n int, ok bool) string {
	if !ok {
		return "unset"
	}
	return fmt.Sprint(n)
}
