package servicestest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/edge"
)

const albArn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/labsecure-test/0123456789abcdef"

var regionalACL *edge.WebACL

func buildEdge(f *fixture) []badCase {
	regionalACL = must(edge.NewWebACL(f.defaults, "WebACL", &edge.WebACLProps{Name: "labsecure-test-regional", LogKey: f.logsKey, LogRetentionDays: 90}))
	must(edge.Associate(f.defaults, "WebACLAlb", regionalACL, jsii.String(albArn)))
	cfACL := must(edge.NewWebACL(f.variations, "WebACLCF", &edge.WebACLProps{
		Name: "labsecure-test-cf", Scope: edge.ScopeCloudFront, RateLimit: 500, RateLimitWindow: 10 * time.Minute,
		BlockedCountries: []string{"KP", "IR"}, CountOnlyCommonRules: []string{"SizeRestrictions_BODY"},
		LogKey: f.logsKey, LogRetentionDays: 365, Retain: true,
	}))
	must(edge.NewDistribution(f.defaults, "Site", &edge.DistributionProps{
		Name: "labsecure-test-site", DataKey: f.dataKey, LogBucket: f.logBucket,
		WebACLArn:       "arn:aws:wafv2:us-east-1:111111111111:global/webacl/labsecure-test-cf/0123",
		APIOriginDomain: "api.labsecure.example",
		CertificateArn:  "arn:aws:acm:us-east-1:111111111111:certificate/site-1234", DomainNames: []string{"site.labsecure.example"},
	}))
	must(edge.NewDistribution(f.variations, "Preview", &edge.DistributionProps{
		Name: "labsecure-test-preview", DataKey: f.dataKey, LogBucket: f.logBucket, WebACLArn: *cfACL.Arn,
		InsecureDefaultCertificate: true,
	}))
	must(edge.NewDistribution(f.variations, "Portal", &edge.DistributionProps{
		Name: "labsecure-test-portal", DataKey: f.dataKey, LogBucket: f.logBucket, WebACLArn: *cfACL.Arn,
		APIOriginDomain: "alb.labsecure.example", APICacheTTL: 30 * time.Second, StaticTTL: 14 * 24 * time.Hour,
		CertificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/abcd-1234",
		DomainNames:    []string{"portal.labsecure.example", "www.labsecure.example"},
		HostedZoneID:   "Z0123456789ABCDEFGHIJ", HostedZoneName: "labsecure.example",
		GeoAllowCountries: []string{"US", "CA"},
	}))

	w := func(mod func(p *edge.WebACLProps)) func() error {
		return func() error {
			p := &edge.WebACLProps{Name: "x", LogKey: f.logsKey, LogRetentionDays: 30}
			mod(p)
			_, err := edge.NewWebACL(f.bad, "W", p)
			return err
		}
	}
	d := func(mod func(p *edge.DistributionProps)) func() error {
		return func() error {
			p := &edge.DistributionProps{Name: "x", DataKey: f.dataKey, LogBucket: f.logBucket, WebACLArn: "arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1", InsecureDefaultCertificate: true}
			mod(p)
			_, err := edge.NewDistribution(f.bad, "D", p)
			return err
		}
	}
	cert := "arn:aws:acm:us-east-1:111111111111:certificate/abcd"
	return []badCase{
		{"waf nil", "props are required", func() error { _, err := edge.NewWebACL(f.bad, "W", nil); return err }},
		{"waf name", "Name", w(func(p *edge.WebACLProps) { p.Name = "bad name" })},
		{"waf scope", "Scope", w(func(p *edge.WebACLProps) { p.Scope = "GLOBAL" })},
		{"waf rate", "RateLimit", w(func(p *edge.WebACLProps) { p.RateLimit = 5 })},
		{"waf window", "RateLimitWindow", w(func(p *edge.WebACLProps) { p.RateLimitWindow = 3 * time.Minute })},
		{"waf country", "BlockedCountries", w(func(p *edge.WebACLProps) { p.BlockedCountries = []string{"north korea"} })},
		{"waf count rule", "CountOnlyCommonRules", w(func(p *edge.WebACLProps) { p.CountOnlyCommonRules = []string{"a b"} })},
		{"waf log key", "LogKey", w(func(p *edge.WebACLProps) { p.LogKey = nil })},
		{"waf log retention", "LogRetentionDays", w(func(p *edge.WebACLProps) { p.LogRetentionDays = 0 })},
		{"waf cloudfront region", "us-east-1", func() error {
			_, err := edge.NewWebACL(f.badEU, "W", &edge.WebACLProps{Name: "x", Scope: edge.ScopeCloudFront, LogKey: f.logsKey, LogRetentionDays: 30})
			return err
		}},
		{"associate cloudfront acl", "Scope", func() error {
			_, err := edge.Associate(f.bad, "A", &edge.WebACL{Scope: edge.ScopeCloudFront}, jsii.String(albArn))
			return err
		}},
		{"associate arn", "resourceArn", func() error {
			_, err := edge.Associate(f.bad, "A", regionalACL, jsii.String("arn:aws:s3:::bucket"))
			return err
		}},
		{"associate nil", "acl is nil", func() error { _, err := edge.Associate(f.bad, "A", nil, jsii.String(albArn)); return err }},
		{"dist nil", "props are required", func() error { _, err := edge.NewDistribution(f.bad, "D", nil); return err }},
		{"dist name", "Name", d(func(p *edge.DistributionProps) { p.Name = "a_b" })},
		{"dist key", "DataKey", d(func(p *edge.DistributionProps) { p.DataKey = nil })},
		{"dist log bucket", "LogBucket", d(func(p *edge.DistributionProps) { p.LogBucket = nil })},
		{"dist waf", "WebACLArn", d(func(p *edge.DistributionProps) { p.WebACLArn = "" })},
		{"dist waf regional", "WebACLArn", d(func(p *edge.DistributionProps) {
			p.WebACLArn = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1"
		})},
		{"dist api ttl", "APICacheTTL", d(func(p *edge.DistributionProps) { p.APICacheTTL = 5 * time.Minute })},
		{"dist static ttl", "StaticTTL", d(func(p *edge.DistributionProps) { p.StaticTTL = time.Hour })},
		{"dist default ttl", "DefaultTTL", d(func(p *edge.DistributionProps) { p.DefaultTTL = 30 * 24 * time.Hour })},
		{"dist pattern", "StaticPathPatterns", d(func(p *edge.DistributionProps) { p.StaticPathPatterns = []string{"*"} })},
		{"dist api pattern", "APIPathPattern", d(func(p *edge.DistributionProps) { p.APIPathPattern = "/api /*" })},
		{"dist cert region", "CertificateArn", d(func(p *edge.DistributionProps) {
			p.CertificateArn, p.InsecureDefaultCertificate = "arn:aws:acm:eu-west-1:111111111111:certificate/abcd", false
			p.DomainNames = []string{"a.example.com"}
		})},
		{"dist cert no domains", "DomainNames", d(func(p *edge.DistributionProps) { p.CertificateArn, p.InsecureDefaultCertificate = cert, false })},
		{"dist no cert", "CertificateArn", d(func(p *edge.DistributionProps) { p.InsecureDefaultCertificate = false })},
		{"dist cert and insecure", "InsecureDefaultCertificate", d(func(p *edge.DistributionProps) { p.CertificateArn, p.DomainNames = cert, []string{"a.example.com"} })},
		{"dist domains no cert", "CertificateArn", d(func(p *edge.DistributionProps) {
			p.DomainNames, p.InsecureDefaultCertificate = []string{"a.example.com"}, false
		})},
		{"dist domain case", "DomainNames", d(func(p *edge.DistributionProps) {
			p.CertificateArn, p.InsecureDefaultCertificate, p.DomainNames = cert, false, []string{"A.Example.com"}
		})},
		{"dist zone half", "HostedZoneName", d(func(p *edge.DistributionProps) { p.HostedZoneID = "Z123" })},
		{"dist zone id", "HostedZoneID", d(func(p *edge.DistributionProps) {
			p.CertificateArn, p.InsecureDefaultCertificate, p.DomainNames, p.HostedZoneID, p.HostedZoneName = cert, false, []string{"a.example.com"}, "zone-1", "example.com"
		})},
		{"dist zone outside", "HostedZoneName", d(func(p *edge.DistributionProps) {
			p.CertificateArn, p.InsecureDefaultCertificate, p.DomainNames, p.HostedZoneID, p.HostedZoneName = cert, false, []string{"a.other.com"}, "Z123", "example.com"
		})},
		{"dist region", "us-east-1", func() error {
			_, err := edge.NewDistribution(f.badEU, "D", &edge.DistributionProps{Name: "x", DataKey: f.dataKey, LogBucket: f.logBucket, WebACLArn: "arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1"})
			return err
		}},
		{"dist geo", "GeoAllowCountries", d(func(p *edge.DistributionProps) { p.GeoAllowCountries = []string{"usa"} })},
	}
}

// wafRules returns the rules of the web ACL by name.
func wafRules(acl *cfn.Resource) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range acl.List("Rules") {
		m := r.(map[string]any)
		out[m["Name"].(string)] = m
	}
	return out
}

func TestWebACLRules(t *testing.T) {
	for _, c := range []struct {
		stack       *cfn.Stack
		frag, scope string
		limit, win  int
		geo         []any
		countRules  []any
	}{
		{defaults, "WebACL/Resource", "REGIONAL", 2000, 300, nil, nil},
		{variations, "WebACLCF/Resource", "CLOUDFRONT", 500, 600, []any{"KP", "IR"}, []any{map[string]any{"ActionToUse": map[string]any{"Count": map[string]any{}}, "Name": "SizeRestrictions_BODY"}}},
	} {
		acl := byPath(t, c.stack, "AWS::WAFv2::WebACL", c.frag)
		eq(t, acl, c.scope, "Scope")
		eq(t, acl, map[string]any{"Allow": map[string]any{}}, "DefaultAction")
		eq(t, acl, true, "VisibilityConfig", "CloudWatchMetricsEnabled")
		eq(t, acl, true, "VisibilityConfig", "SampledRequestsEnabled")
		rules := wafRules(acl)
		for _, g := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"} {
			r, ok := rules[g]
			if !ok {
				t.Errorf("%s: managed rule group %s missing", acl.Path(), g)
				continue
			}
			if js(r["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)["VendorName"]) != `"AWS"` {
				t.Errorf("%s: %s is not the AWS vendor group", acl.Path(), g)
			}
			if js(r["OverrideAction"]) != `{"None":{}}` {
				t.Errorf("%s: %s override action %s, want None (group actions apply)", acl.Path(), g, js(r["OverrideAction"]))
			}
		}
		common := rules["AWSManagedRulesCommonRuleSet"]["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)
		if js(common["RuleActionOverrides"]) != js(c.countRules) {
			t.Errorf("%s: common rule overrides %s, want %s", acl.Path(), js(common["RuleActionOverrides"]), js(c.countRules))
		}
		rate := rules["RateLimitPerIP"]
		if rate == nil {
			t.Fatalf("%s: no rate rule", acl.Path())
		}
		if got := js(rate["Statement"]); got != js(map[string]any{"RateBasedStatement": map[string]any{"AggregateKeyType": "IP", "EvaluationWindowSec": c.win, "Limit": c.limit}}) {
			t.Errorf("%s: rate rule %s, want %d per %d s per IP", acl.Path(), got, c.limit, c.win)
		}
		if js(rate["Action"]) != `{"Block":{}}` {
			t.Errorf("%s: rate rule action %s", acl.Path(), js(rate["Action"]))
		}
		geo, hasGeo := rules["GeoBlock"]
		if c.geo == nil && hasGeo || c.geo != nil && !hasGeo {
			t.Errorf("%s: geo block present=%v, want %v", acl.Path(), hasGeo, c.geo != nil)
		}
		if hasGeo {
			if js(geo["Statement"]) != js(map[string]any{"GeoMatchStatement": map[string]any{"CountryCodes": c.geo}}) || js(geo["Action"]) != `{"Block":{}}` {
				t.Errorf("%s: geo rule %s", acl.Path(), js(geo))
			}
		}
		var prios []int
		for name, r := range rules {
			p, _ := cfn.AsInt(r["Priority"])
			prios = append(prios, p)
			vc := r["VisibilityConfig"].(map[string]any)
			if vc["CloudWatchMetricsEnabled"] != true || vc["SampledRequestsEnabled"] != true || vc["MetricName"] == "" {
				t.Errorf("%s: rule %s visibility %s", acl.Path(), name, js(vc))
			}
		}
		slices.Sort(prios)
		if len(prios) != len(slices.Compact(slices.Clone(prios))) {
			t.Errorf("%s: duplicate rule priorities %v", acl.Path(), prios)
		}
		want := 5 // four managed groups + the rate rule
		if c.geo != nil {
			want++
		}
		if len(rules) != want {
			t.Errorf("%s: %d rules, want %d", acl.Path(), len(rules), want)
		}
	}
}

func TestWebACLLogging(t *testing.T) {
	for _, c := range []struct {
		stack     *cfn.Stack
		frag, lg  string
		retention int
	}{
		{defaults, "WebACL/", "aws-waf-logs-labsecure-test-regional", 90},
		{variations, "WebACLCF/", "aws-waf-logs-labsecure-test-cf", 365},
	} {
		acl := byPath(t, c.stack, "AWS::WAFv2::WebACL", c.frag)
		group := byPath(t, c.stack, "AWS::Logs::LogGroup", c.frag)
		eq(t, group, c.lg, "LogGroupName")
		eq(t, group, c.retention, "RetentionInDays")
		if k, _ := group.Get("KmsKeyId"); !strings.Contains(js(k), "LogsKey") {
			t.Errorf("%s: log group key %s is not the logs key", group.Path(), js(k))
		}
		lc := byPath(t, c.stack, "AWS::WAFv2::LoggingConfiguration", c.frag)
		if v, _ := lc.Get("ResourceArn"); !cfn.ReferencesTo(v, acl.LogicalID) {
			t.Errorf("%s: logging configuration for %s", lc.Path(), js(v))
		}
		dest := js(lc.List("LogDestinationConfigs"))
		if !strings.Contains(dest, ":log-group:") || !cfn.ReferencesTo(lc.List("LogDestinationConfigs"), group.LogicalID) || strings.Contains(dest, ":*") {
			t.Errorf("%s: log destination %s is not the log group ARN without :*", lc.Path(), dest)
		}
		if red := js(lc.List("RedactedFields")); red != `[{"SingleHeader":{"Name":"authorization"}},{"SingleHeader":{"Name":"cookie"}},{"QueryString":{}}]` {
			t.Errorf("%s: redacted fields %s, want authorization, cookie and the query string", lc.Path(), red)
		}
	}
	assoc := byPath(t, defaults, "AWS::WAFv2::WebACLAssociation", "WebACLAlb")
	eq(t, assoc, albArn, "ResourceArn")
	if v, _ := assoc.Get("WebACLArn"); !cfn.ReferencesTo(v, byPath(t, defaults, "AWS::WAFv2::WebACL", "WebACL/").LogicalID) {
		t.Errorf("association web ACL %s", js(v))
	}
}

func behaviorFor(dc map[string]any, pattern string) map[string]any {
	for _, b := range dc["CacheBehaviors"].([]any) {
		m := b.(map[string]any)
		if m["PathPattern"] == pattern {
			return m
		}
	}
	return nil
}

func TestDistribution(t *testing.T) {
	for _, c := range []struct {
		stack     *cfn.Stack
		frag      string
		cert      bool
		staticTTL int
		apiCached bool
		geo       []any
		aliases   int
	}{
		{defaults, "Site/", true, 7 * 86400, false, nil, 0},
		{variations, "Portal/", true, 14 * 86400, true, []any{"US", "CA"}, 2},
	} {
		d := byPath(t, c.stack, "AWS::CloudFront::Distribution", c.frag)
		dc := d.Map("DistributionConfig")
		if dc == nil {
			t.Fatalf("%s: no DistributionConfig", d.Path())
		}
		eq(t, d, "http2and3", "DistributionConfig", "HttpVersion")
		eq(t, d, true, "DistributionConfig", "IPV6Enabled")
		if v := js(dc["WebACLId"]); v == "null" || v == `""` {
			t.Errorf("%s: no web ACL", d.Path())
		}
		if _, ok := dc["Logging"]; ok {
			t.Errorf("%s: legacy logging configured (needs ACLs on the log bucket)", d.Path())
		}
		vc, _ := dc["ViewerCertificate"].(map[string]any)
		if c.cert {
			if vc["MinimumProtocolVersion"] != "TLSv1.2_2021" || vc["SslSupportMethod"] != "sni-only" || vc["AcmCertificateArn"] == nil {
				t.Errorf("%s: viewer certificate %s", d.Path(), js(vc))
			}
			if a := js(dc["Aliases"]); a != `["portal.labsecure.example","www.labsecure.example"]` && a != `["site.labsecure.example"]` {
				t.Errorf("%s: aliases %s", d.Path(), a)
			}
		}
		def := dc["DefaultCacheBehavior"].(map[string]any)
		if def["ViewerProtocolPolicy"] != "redirect-to-https" || def["Compress"] != true {
			t.Errorf("%s: default behaviour %s", d.Path(), js(def))
		}
		// Default behaviour: S3 origin with OAC.
		var s3Origin, apiOrigin map[string]any
		for _, o := range dc["Origins"].([]any) {
			m := o.(map[string]any)
			if _, ok := m["S3OriginConfig"]; ok {
				s3Origin = m
			}
			if _, ok := m["CustomOriginConfig"]; ok {
				apiOrigin = m
			}
		}
		if s3Origin == nil || s3Origin["OriginAccessControlId"] == nil || js(s3Origin["S3OriginConfig"]) != `{"OriginAccessIdentity":""}` {
			t.Errorf("%s: S3 origin without OAC: %s", d.Path(), js(s3Origin))
		}
		if def["TargetOriginId"] != s3Origin["Id"] {
			t.Errorf("%s: default behaviour targets %v, not the S3 origin", d.Path(), def["TargetOriginId"])
		}
		if apiOrigin == nil {
			t.Fatalf("%s: no API origin", d.Path())
		}
		coc := apiOrigin["CustomOriginConfig"].(map[string]any)
		if coc["OriginProtocolPolicy"] != "https-only" || js(coc["OriginSSLProtocols"]) != `["TLSv1.2"]` {
			t.Errorf("%s: API origin %s", d.Path(), js(coc))
		}
		api := behaviorFor(dc, "/api/*")
		if api == nil {
			t.Fatalf("%s: no /api/* behaviour", d.Path())
		}
		if api["TargetOriginId"] != apiOrigin["Id"] || api["ViewerProtocolPolicy"] != "https-only" || api["Compress"] != true {
			t.Errorf("%s: /api/* behaviour %s", d.Path(), js(api))
		}
		const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
		if c.apiCached == (api["CachePolicyId"] == cachingDisabled) {
			t.Errorf("%s: API cache policy %v, cached=%v expected", d.Path(), api["CachePolicyId"], c.apiCached)
		}
		if c.apiCached {
			p := c.stack.Template.Resolve(api["CachePolicyId"])
			if p == nil {
				t.Fatalf("%s: API cache policy not in the template", d.Path())
			}
			eq(t, p, 30, "CachePolicyConfig", "DefaultTTL")
			eq(t, p, 30, "CachePolicyConfig", "MaxTTL")
			eq(t, p, []any{"Authorization"}, "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig", "Headers")
		}
		static := behaviorFor(dc, "/assets/*")
		if static == nil || static["ViewerProtocolPolicy"] != "redirect-to-https" || static["Compress"] != true {
			t.Fatalf("%s: /assets/* behaviour %s", d.Path(), js(static))
		}
		for _, pc := range []struct {
			ref any
			ttl int
		}{{static["CachePolicyId"], c.staticTTL}, {def["CachePolicyId"], 86400}} {
			p := c.stack.Template.Resolve(pc.ref)
			if p == nil {
				t.Errorf("%s: cache policy %s not in the template", d.Path(), js(pc.ref))
				continue
			}
			eq(t, p, pc.ttl, "CachePolicyConfig", "DefaultTTL")
			eq(t, p, true, "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "EnableAcceptEncodingGzip")
			eq(t, p, true, "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "EnableAcceptEncodingBrotli")
		}
		hp := c.stack.Template.Resolve(def["ResponseHeadersPolicyId"])
		if hp == nil {
			t.Fatalf("%s: no response headers policy", d.Path())
		}
		eq(t, hp, map[string]any{"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": true, "Override": true, "Preload": true},
			"ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "StrictTransportSecurity")
		eq(t, hp, "DENY", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "FrameOptions", "FrameOption")
		eq(t, hp, true, "ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "ContentTypeOptions", "Override")
		if csp, _ := hp.String("ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "ContentSecurityPolicy", "ContentSecurityPolicy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", hp.Path(), csp)
		}
		if c.geo != nil {
			eq(t, d, map[string]any{"GeoRestriction": map[string]any{"Locations": c.geo, "RestrictionType": "whitelist"}}, "DistributionConfig", "Restrictions")
		}
		// Static bucket: SSE-KMS with the data key, readable only by this distribution.
		bucket := byPath(t, c.stack, "AWS::S3::Bucket", c.frag+"StaticBucket")
		if enc := js(bucket.Properties["BucketEncryption"]); !strings.Contains(enc, "aws:kms") || !strings.Contains(enc, "DataKey") {
			t.Errorf("%s: encryption %s", bucket.Path(), enc)
		}
		pol := byPath(t, c.stack, "AWS::S3::BucketPolicy", c.frag+"StaticBucket")
		found := false
		for _, st := range pol.List("PolicyDocument", "Statement") {
			m := st.(map[string]any)
			if m["Effect"] == "Allow" && js(m["Principal"]) == `{"Service":"cloudfront.amazonaws.com"}` && cfn.ReferencesTo(m["Condition"], d.LogicalID) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no OAC statement limited to the distribution", pol.Path())
		}
		// v2 access logs to the log bucket.
		src := byPath(t, c.stack, "AWS::Logs::DeliverySource", c.frag)
		eq(t, src, "ACCESS_LOGS", "LogType")
		if v, _ := src.Get("ResourceArn"); !cfn.ReferencesTo(v, d.LogicalID) {
			t.Errorf("%s: delivery source %s", src.Path(), js(v))
		}
		dst := byPath(t, c.stack, "AWS::Logs::DeliveryDestination", c.frag)
		if v := js(dst.Properties["DestinationResourceArn"]); !strings.Contains(v, "LogBucket") {
			t.Errorf("%s: destination %s is not the log bucket", dst.Path(), v)
		}
		byPath(t, c.stack, "AWS::Logs::Delivery", c.frag)
		if n := len(allByPath(c.stack, "AWS::Route53::RecordSet", c.frag)); n != 2*c.aliases {
			t.Errorf("%s: %d alias records, want %d", d.Path(), n, 2*c.aliases)
		}
	}
	for _, r := range allByPath(variations, "AWS::Route53::RecordSet", "Portal/") {
		if !slices.Contains([]any{"A", "AAAA"}, r.Properties["Type"]) || r.Properties["AliasTarget"] == nil {
			t.Errorf("%s: %s", r.Path(), js(r.Properties))
		}
		eq(t, r, "Z0123456789ABCDEFGHIJ", "HostedZoneId")
	}
	// The preview opted into the default certificate: no aliases, CloudFront's certificate.
	preview := byPath(t, variations, "AWS::CloudFront::Distribution", "Preview/")
	if vc := preview.Map("DistributionConfig", "ViewerCertificate"); vc != nil && vc["AcmCertificateArn"] != nil || preview.Has("DistributionConfig", "Aliases") {
		t.Errorf("%s: preview has a certificate or aliases: %s", preview.Path(), js(preview.Properties))
	}
	// The data key admits CloudFront for this account's distributions (OAC + SSE-KMS).
	key := byPath(t, defaults, "AWS::KMS::Key", "DataKey")
	ok := false
	for _, st := range key.List("KeyPolicy", "Statement") {
		m := st.(map[string]any)
		if js(m["Principal"]) == `{"Service":"cloudfront.amazonaws.com"}` && strings.Contains(js(m["Action"]), "kms:Decrypt") && strings.Contains(js(m["Condition"]), "AWS:SourceArn") {
			ok = true
		}
	}
	if !ok {
		t.Errorf("data key policy does not admit cloudfront.amazonaws.com by source ARN")
	}
}
