package platformtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/appcontext"
	"github.com/labsecure/labsecure/constructs/cfn"
)

// stackName holds every construct under test; clientStackName holds a client in another
// stack (as the application stack is to the database stack).
const (
	stackName       = "platformtest"
	clientStackName = "platformtest-client"
)

// tpl is the synthesized template of the test stack; raw is the same file as a generic map
// (for sections cfn.Template does not model, such as Transform).
var (
	tpl       *cfn.Template
	clientTpl *cfn.Template
	raw       map[string]any
	// ids maps a fixture name (e.g. "dataKey") to the logical ID it got in the template.
	ids       = map[string]string{}
	recordErr error
	// synthTime is how long building and synthesizing the app took.
	synthTime time.Duration
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	// PLATFORMTEST_OUT keeps the cloud assembly in that directory for inspection.
	dir := os.Getenv("PLATFORMTEST_OUT")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "platformtest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "platformtest: temp dir:", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	defer func() {
		if lambdaAssetDir != "" {
			os.RemoveAll(lambdaAssetDir)
		}
	}()
	start := time.Now()
	if err := synth(dir); err != nil {
		fmt.Fprintln(os.Stderr, "platformtest: synth:", err)
		return 1
	}
	synthTime = time.Since(start)
	fmt.Fprintf(os.Stderr, "platformtest: build+synth %.2fs, %d resources\n", synthTime.Seconds(), len(tpl.Resources))
	return m.Run()
}

// synth builds the one test app, synthesizes it into dir and loads the template.
func synth(dir string) error {
	app := appcontext.NewApp(dir)
	stack := awscdk.NewStack(app, jsii.String(stackName), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")},
	})
	client := awscdk.NewStack(app, jsii.String(clientStackName), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")},
	})
	if err := build(stack); err != nil {
		return err
	}
	if err := buildClient(client); err != nil {
		return err
	}
	if recordErr != nil {
		return recordErr
	}
	stacks, _, err := appcontext.Synth(app)
	if err != nil {
		return err
	}
	for _, s := range stacks {
		for _, msg := range s.Messages {
			if msg.Level == "error" {
				return fmt.Errorf("synth error at %s: %s", msg.Path, msg.Text)
			}
		}
		switch s.StackName {
		case clientStackName:
			clientTpl = s.Template
		case stackName:
			tpl = s.Template
			data, err := os.ReadFile(s.Template.Path)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(data, &raw); err != nil {
				return err
			}
		}
	}
	if tpl == nil || clientTpl == nil {
		return fmt.Errorf("stacks %s / %s not in the assembly %s", stackName, clientStackName, filepath.Clean(dir))
	}
	return nil
}

// record remembers the logical ID of a construct's CloudFormation resource.
func record(name string, c constructs.IConstruct) {
	child := c.Node().DefaultChild()
	el, ok := child.(awscdk.CfnElement)
	if !ok {
		recordErr = fmt.Errorf("record %s: %s has no CloudFormation default child", name, *c.Node().Path())
		return
	}
	ids[name] = *awscdk.Stack_Of(c).GetLogicalId(el)
}

// under returns the resources whose construct path starts with stackName/prefix/, of the
// given types (all types when none), ordered by logical ID.
func under(prefix string, types ...string) []*cfn.Resource {
	var out []*cfn.Resource
	p := stackName + "/" + prefix + "/"
	for _, r := range tpl.Sorted() {
		if !strings.HasPrefix(r.Path(), p) {
			continue
		}
		if len(types) == 0 {
			out = append(out, r)
			continue
		}
		for _, ty := range types {
			if r.Type == ty {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// one returns the single resource of type ty under prefix, failing the test otherwise.
func one(t *testing.T, prefix, ty string) *cfn.Resource {
	t.Helper()
	rs := under(prefix, ty)
	if len(rs) != 1 {
		t.Fatalf("%s: want exactly one %s, got %d", prefix, ty, len(rs))
	}
	return rs[0]
}

// check is one table row: a name and a condition that must hold.
type check struct {
	name string
	ok   bool
	got  any
}

func runChecks(t *testing.T, what string, checks []check) {
	t.Helper()
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %s does not hold (got %v)", what, c.name, c.got)
		}
	}
}

// refs reports whether v references the fixture named name.
func refs(v any, name string) bool {
	id, ok := ids[name]
	if !ok {
		return false
	}
	return cfn.ReferencesTo(v, id)
}

func get(r *cfn.Resource, path ...string) any {
	v, _ := r.Get(path...)
	return v
}

func str(r *cfn.Resource, path ...string) string {
	s, _ := r.String(path...)
	return s
}

func num(r *cfn.Resource, path ...string) int {
	n, ok := r.Int(path...)
	if !ok {
		return -1
	}
	return n
}

func boolean(r *cfn.Resource, path ...string) bool {
	b, _ := r.Bool(path...)
	return b
}

// strs returns the literal strings of a list property, sorted.
func strs(r *cfn.Resource, path ...string) []string {
	var out []string
	for _, e := range r.List(path...) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func join(s []string) string { return strings.Join(s, ",") }

// resolveAll returns the resources that the Refs / GetAtts inside v point at.
func resolveAll(v any) []*cfn.Resource {
	var out []*cfn.Resource
	cfn.Walk(v, func(x any) {
		if r := tpl.Resolve(x); r != nil {
			out = append(out, r)
		}
	})
	return out
}

// isolatedSubnetRefs reports whether every entry of a subnet-ID list is a Ref to a subnet of
// the VPC's isolated tier (the tier CDK tags aws-cdk:subnet-type=Isolated), and that there
// is at least one.
func isolatedSubnetRefs(list []any) bool {
	if len(list) == 0 {
		return false
	}
	for _, e := range list {
		r := tpl.Resolve(e)
		if r == nil || r.Type != "AWS::EC2::Subnet" || r.Tags()["aws-cdk:subnet-type"] != "Isolated" {
			return false
		}
	}
	return true
}

// publicSubnetRefs is isolatedSubnetRefs for the public tier.
func publicSubnetRefs(list []any) bool {
	if len(list) == 0 {
		return false
	}
	for _, e := range list {
		r := tpl.Resolve(e)
		if r == nil || r.Type != "AWS::EC2::Subnet" || r.Tags()["aws-cdk:subnet-type"] != "Public" {
			return false
		}
	}
	return true
}

// privateSubnetRefs is isolatedSubnetRefs for the private (NAT egress) tier.
func privateSubnetRefs(list []any) bool {
	if len(list) == 0 {
		return false
	}
	for _, e := range list {
		r := tpl.Resolve(e)
		if r == nil || r.Type != "AWS::EC2::Subnet" || r.Tags()["aws-cdk:subnet-type"] != "Private" {
			return false
		}
	}
	return true
}

// ingressInto returns the standalone ingress rules whose GroupId points at the group sgID,
// plus its inline ingress rules.
func ingressInto(sgID string) []map[string]any {
	var out []map[string]any
	if sg := tpl.Resources[sgID]; sg != nil {
		for _, e := range sg.List("SecurityGroupIngress") {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	for _, r := range tpl.OfType("AWS::EC2::SecurityGroupIngress") {
		if cfn.ReferencesTo(get(r, "GroupId"), sgID) {
			out = append(out, r.Properties)
		}
	}
	return out
}

// egressFrom is ingressInto for egress rules.
func egressFrom(sgID string) []map[string]any {
	var out []map[string]any
	if sg := tpl.Resources[sgID]; sg != nil {
		for _, e := range sg.List("SecurityGroupEgress") {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	for _, r := range tpl.OfType("AWS::EC2::SecurityGroupEgress") {
		if cfn.ReferencesTo(get(r, "GroupId"), sgID) {
			out = append(out, r.Properties)
		}
	}
	return out
}

// onlyFromGroups checks that every ingress rule into sgID comes from a security group among
// the allowed logical IDs, on port, and that there is at least one rule from each allowed
// group. It returns a description of the first violation, or "".
func onlyFromGroups(sgID string, port int, allowed ...string) string {
	rules := ingressInto(sgID)
	seen := map[string]bool{}
	for _, rule := range rules {
		if _, ok := rule["CidrIp"]; ok {
			return fmt.Sprintf("CIDR ingress %v", rule["CidrIp"])
		}
		if _, ok := rule["CidrIpv6"]; ok {
			return fmt.Sprintf("CIDR ingress %v", rule["CidrIpv6"])
		}
		from, _ := cfn.AsInt(rule["FromPort"])
		to, _ := cfn.AsInt(rule["ToPort"])
		if from != port || to != port {
			return fmt.Sprintf("ingress on ports %d-%d, want %d", from, to, port)
		}
		src := tpl.Resolve(rule["SourceSecurityGroupId"])
		if src == nil {
			return fmt.Sprintf("ingress from %v, not a security group of this template", rule["SourceSecurityGroupId"])
		}
		found := false
		for _, a := range allowed {
			if src.LogicalID == a {
				found = true
				seen[a] = true
			}
		}
		if !found {
			return "ingress from unexpected group " + src.LogicalID
		}
	}
	for _, a := range allowed {
		if !seen[a] {
			return "no ingress rule from " + a
		}
	}
	return ""
}

// noOpenEgress reports whether none of the egress rules of sgID is all protocols to
// 0.0.0.0/0.
func noOpenEgress(sgID string) bool {
	for _, rule := range egressFrom(sgID) {
		if rule["CidrIp"] == "0.0.0.0/0" && fmt.Sprint(rule["IpProtocol"]) == "-1" {
			return false
		}
	}
	return true
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func toMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func toJSONValue(l []any) any { return l }
