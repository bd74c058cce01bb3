package controls

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// outOfScope is returned by a judge for a resource the control does not apply to.
const outOfScope = "\x00out-of-scope"

// perResource builds a check that judges each resource of the control's ResourceTypes on
// its own: judge returns "" when compliant, outOfScope when the resource is not in scope,
// or the problem.
func perResource(types []string, judge func(c *Context, r *cfn.Resource) string) func(*Context) []Finding {
	return func(c *Context) []Finding {
		var out []Finding
		skipped := 0
		for _, r := range c.Resources(types...) {
			if isCDKFramework(r) {
				continue
			}
			msg := judge(c, r)
			switch msg {
			case outOfScope:
				skipped++
			case "":
				c.Examine(r)
			default:
				out = append(out, c.Fail(r, "%s", msg))
			}
		}
		if skipped > 0 && c.skip == "" {
			c.Skip(fmt.Sprintf("%d %s in this stack, none in the scope of this control", skipped, strings.Join(types, " / ")))
		}
		return out
	}
}

// problems joins non-empty messages; "" when there are none.
func problems(msgs ...string) string {
	var keep []string
	for _, m := range msgs {
		if m != "" {
			keep = append(keep, m)
		}
	}
	return strings.Join(keep, "; ")
}

// cdkFrameworkPrefixes are logical-ID prefixes of singleton resources aws-cdk-lib adds on its
// own (custom-resource providers, log retention, bucket notifications). They are not
// application components: they are not taggable L1s, they run outside the VPC by design,
// and their permissions are fixed by aws-cdk-lib.
var cdkFrameworkPrefixes = []string{
	"CustomVpcRestrictDefaultSGCustomResourceProvider",
	"CustomS3AutoDeleteObjectsCustomResourceProvider",
	"CustomCDKBucketDeployment",
	"CustomCrossRegion",
	"CustomAWSCDK",
	"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
	"AWS679f53fac002430cb0da5b7982bd2287",
	"BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
}

// isCDKFramework reports whether r is one of the framework singletons above.
func isCDKFramework(r *cfn.Resource) bool {
	for _, p := range cdkFrameworkPrefixes {
		if strings.HasPrefix(r.LogicalID, p) {
			return true
		}
	}
	if strings.HasPrefix(r.Type, "Custom::") || r.Type == "AWS::CloudFormation::CustomResource" || r.Type == "AWS::CDK::Metadata" {
		return true
	}
	return false
}

// strs returns the literal strings of a string or list-of-strings value.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// canon renders any value as canonical JSON (map keys sorted), to compare references.
func canon(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// keyProblem checks that the key value v (KMSMasterKeyID, KmsKeyId, ...) held by from is a
// customer-managed KMS key defined in the app with rotation on. what names the property.
func keyProblem(c *Context, from *cfn.Resource, v any, what string) string {
	if v == nil {
		return what + " is not set: the data is not encrypted with a customer-managed KMS key"
	}
	if s, ok := v.(string); ok {
		if strings.Contains(s, "alias/aws/") {
			return fmt.Sprintf("%s is the AWS-managed key %q: use a customer-managed key with rotation", what, s)
		}
		return fmt.Sprintf("%s is the literal %q: reference a KMS key defined in this app so that rotation can be verified", what, s)
	}
	k := c.Resolve(from, v)
	if k == nil {
		return fmt.Sprintf("%s %s does not resolve to a KMS key of this environment: rotation cannot be verified", what, canon(v))
	}
	if k.Type != "AWS::KMS::Key" {
		return fmt.Sprintf("%s refers to %s (%s), not to an AWS::KMS::Key", what, k.LogicalID, k.Type)
	}
	if on, _ := k.Bool("EnableKeyRotation"); !on {
		return fmt.Sprintf("%s is key %s whose automatic rotation is off", what, k.Path())
	}
	return ""
}

// statements returns the statements of a policy document value.
func statements(doc any) []map[string]any {
	st, _ := cfn.Lookup(doc, "Statement")
	switch x := st.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// deniesInsecureTransport reports whether the policy document denies every request made
// without TLS (Effect Deny, Condition Bool aws:SecureTransport false, principal *).
func deniesInsecureTransport(doc any) bool {
	for _, s := range statements(doc) {
		if s["Effect"] != "Deny" {
			continue
		}
		v, ok := cfn.Lookup(s, "Condition", "Bool", "aws:SecureTransport")
		if !ok {
			continue
		}
		if b, ok := cfn.AsBool(v); !ok || b {
			continue
		}
		if anyPrincipal(s["Principal"]) {
			return true
		}
	}
	return false
}

func anyPrincipal(p any) bool {
	if s, ok := p.(string); ok {
		return s == "*"
	}
	if m, ok := p.(map[string]any); ok {
		for _, a := range strs(m["AWS"]) {
			if a == "*" {
				return true
			}
		}
	}
	return false
}

// policiesFor returns the documents of the resource policies of kind (e.g.
// AWS::S3::BucketPolicy) whose property prop refers to target.
func policiesFor(c *Context, target *cfn.Resource, kind, prop, docProp string) []any {
	var out []any
	for _, p := range c.Env.OfType(kind) {
		v, ok := p.Get(prop)
		if !ok {
			continue
		}
		if c.Env.Refers(p, v, target) {
			out = append(out, p.Properties[docProp])
		}
	}
	return out
}

// subnet tiers
const (
	tierPublic   = "public"
	tierPrivate  = "private"
	tierIsolated = "isolated"
	tierUnknown  = "unknown"
)

// subnetTier classifies the subnet referenced by v (held by from) from the routes of its
// route table: public (default route to an internet gateway), private (default route to a
// NAT gateway or other egress), isolated (no default route). Unknown when the subnet is not
// defined in this environment.
func subnetTier(c *Context, from *cfn.Resource, v any) (string, *cfn.Resource) {
	sn := c.Resolve(from, v)
	if sn == nil || sn.Type != "AWS::EC2::Subnet" {
		return tierUnknown, nil
	}
	if t, ok := c.Env.tiers[sn]; ok {
		return t, sn
	}
	tier := tierIsolated
	for _, assoc := range c.Env.OfType("AWS::EC2::SubnetRouteTableAssociation") {
		if c.Resolve(assoc, assoc.Properties["SubnetId"]) != sn {
			continue
		}
		rt := c.Resolve(assoc, assoc.Properties["RouteTableId"])
		if rt == nil {
			continue
		}
		for _, route := range c.Env.OfType("AWS::EC2::Route") {
			if c.Resolve(route, route.Properties["RouteTableId"]) != rt {
				continue
			}
			dst, _ := route.String("DestinationCidrBlock")
			dst6, _ := route.String("DestinationIpv6CidrBlock")
			if dst != "0.0.0.0/0" && dst6 != "::/0" {
				continue
			}
			if gw := c.Resolve(route, route.Properties["GatewayId"]); gw != nil && gw.Type == "AWS::EC2::InternetGateway" {
				tier = tierPublic
			} else if s, ok := route.String("GatewayId"); ok && strings.HasPrefix(s, "igw-") {
				tier = tierPublic
			} else if tier != tierPublic {
				tier = tierPrivate
			}
		}
	}
	c.Env.tiers[sn] = tier
	return tier, sn
}

// subnetsOf returns the subnet values of a list property.
func subnetsOf(r *cfn.Resource, path ...string) []any {
	return r.List(path...)
}

// azOf returns a canonical form of the subnet's AvailabilityZone.
func azOf(sn *cfn.Resource) string {
	if sn == nil {
		return ""
	}
	return canon(sn.Properties["AvailabilityZone"])
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// securityGroupsOf resolves the security group list property of r.
func securityGroupsOf(c *Context, r *cfn.Resource, path ...string) []*cfn.Resource {
	var out []*cfn.Resource
	for _, v := range r.List(path...) {
		if sg := c.Resolve(r, v); sg != nil && sg.Type == "AWS::EC2::SecurityGroup" {
			out = append(out, sg)
		}
	}
	return out
}

// ingressRule is one ingress rule of a security group, inline or standalone.
type ingressRule struct {
	holder *cfn.Resource // the SecurityGroup or SecurityGroupIngress resource
	rule   map[string]any
}

// ingressRules returns every ingress rule of sg across the environment.
func ingressRules(c *Context, sg *cfn.Resource) []ingressRule {
	var out []ingressRule
	for _, e := range sg.List("SecurityGroupIngress") {
		if m, ok := e.(map[string]any); ok {
			out = append(out, ingressRule{holder: sg, rule: m})
		}
	}
	for _, ing := range c.Env.OfType("AWS::EC2::SecurityGroupIngress") {
		if c.Resolve(ing, ing.Properties["GroupId"]) == sg {
			out = append(out, ingressRule{holder: ing, rule: ing.Properties})
		}
	}
	return out
}

// egressRules returns every egress rule of sg across the environment.
func egressRules(c *Context, sg *cfn.Resource) []ingressRule {
	var out []ingressRule
	for _, e := range sg.List("SecurityGroupEgress") {
		if m, ok := e.(map[string]any); ok {
			out = append(out, ingressRule{holder: sg, rule: m})
		}
	}
	for _, eg := range c.Env.OfType("AWS::EC2::SecurityGroupEgress") {
		if c.Resolve(eg, eg.Properties["GroupId"]) == sg {
			out = append(out, ingressRule{holder: eg, rule: eg.Properties})
		}
	}
	return out
}

func ruleCIDR(rule map[string]any) string {
	for _, k := range []string{"CidrIp", "CidrIpv6", "SourcePrefixListId", "DestinationPrefixListId"} {
		if s, ok := rule[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func rulePorts(rule map[string]any) (int, int) {
	from, ok1 := cfn.AsInt(rule["FromPort"])
	to, ok2 := cfn.AsInt(rule["ToPort"])
	if !ok1 || !ok2 {
		return -1, -1
	}
	return from, to
}

// functionRole etc. share this: the canonical value of a role reference.
func roleKey(c *Context, from *cfn.Resource, v any) string {
	if r := c.Resolve(from, v); r != nil {
		if u := c.Env.Owner(r); u != nil {
			return u.Name + "/" + r.LogicalID
		}
	}
	return canon(v)
}
