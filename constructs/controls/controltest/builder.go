// Package controltest holds a compliant four-stack environment built in code and, for every
// control of the catalog, a Breaker that makes exactly that control fail. The control tests
// (constructs/controls) and the Terratest suite (test/controls) share them, so that no check
// can pass silently: each must flag its broken fixture and accept the compliant one.
package controltest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// M and L shorten template literals.
type (
	M = map[string]any
	L = []any
)

// Fixture is a set of templates in map form, mutable before Stacks() parses them.
type Fixture struct {
	order  []string
	stacks map[string]M
}

// Stack names of the compliant fixture.
const (
	Foundation = "prod-foundation"
	Data       = "prod-data"
	App        = "prod-app"
	Edge       = "prod-edge"
)

func newFixture() *Fixture { return &Fixture{stacks: map[string]M{}} }

func (f *Fixture) stack(name string, meta M) M {
	t := M{"Resources": M{}, "Outputs": M{}, "Metadata": M{"Labsecure": meta}}
	f.order = append(f.order, name)
	f.stacks[name] = t
	return t
}

// Template returns the template of a stack (map form).
func (f *Fixture) Template(stack string) M { return f.stacks[stack] }

// Resource returns the whole resource entry (Type, Properties, ...); it panics on a typo in
// a fixture, which is a test-authoring error.
func (f *Fixture) Resource(stack, id string) M {
	r, ok := f.stacks[stack]["Resources"].(M)[id].(M)
	if !ok {
		panic(fmt.Sprintf("controltest: no resource %s in stack %s", id, stack))
	}
	return r
}

// Props returns the Properties of a resource.
func (f *Fixture) Props(stack, id string) M {
	r := f.Resource(stack, id)
	if r["Properties"] == nil {
		r["Properties"] = M{}
	}
	return r["Properties"].(M)
}

// Add puts a resource into a stack with the mandatory tags when tagged is true.
func (f *Fixture) Add(stack, id, typ string, props M) {
	f.add(stack, id, typ, props, false)
}

// Remove deletes a resource.
func (f *Fixture) Remove(stack, id string) {
	delete(f.stacks[stack]["Resources"].(M), id)
}

func (f *Fixture) add(stack, id, typ string, props M, tagged bool) {
	if props == nil {
		props = M{}
	}
	if tagged {
		if typ == "AWS::Cognito::UserPool" {
			m := M{}
			for _, kv := range mandatoryTags(stack) {
				m[kv.(M)["Key"].(string)] = kv.(M)["Value"]
			}
			props["UserPoolTags"] = m
		} else {
			props["Tags"] = mandatoryTags(stack)
		}
	}
	f.stacks[stack]["Resources"].(M)[id] = M{
		"Type": typ, "Properties": props,
		"Metadata": M{"aws:cdk:path": stack + "/" + id + "/Resource"},
	}
}

// tag adds a tagged resource.
func (f *Fixture) tag(stack, id, typ string, props M) { f.add(stack, id, typ, props, true) }

func (f *Fixture) export(stack, name string, value any) {
	f.stacks[stack]["Outputs"].(M)["Export"+strings.ReplaceAll(name, ":", "")] = M{
		"Value": value, "Export": M{"Name": name},
	}
}

func mandatoryTags(stack string) L {
	component := strings.TrimPrefix(stack, "prod-")
	kv := [][2]string{{"Environment", "prod"}, {"Application", "labsecure"}, {"Component", component},
		{"CostCenter", "engineering"}, {"Owner", "platform@labsecure.example"}, {"Compliance", "hipaa,audit-required"},
		{"Backup", "daily"}, {"Encryption", "kms"}}
	out := L{}
	for _, p := range kv {
		out = append(out, M{"Key": p[0], "Value": p[1]})
	}
	return out
}

// Stacks serializes and parses the fixture into cfn stacks (template files are named
// <stack>.template.json but not written).
func (f *Fixture) Stacks() ([]*cfn.Stack, error) {
	names := append([]string(nil), f.order...)
	sort.Strings(names)
	var out []*cfn.Stack
	for _, n := range names {
		data, err := json.Marshal(f.stacks[n])
		if err != nil {
			return nil, fmt.Errorf("fixture %s: %w", n, err)
		}
		t, err := cfn.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("fixture %s: %w", n, err)
		}
		t.Path = n + ".template.json"
		out = append(out, &cfn.Stack{ArtifactID: n, StackName: n, TemplateFile: t.Path, Template: t})
	}
	return out, nil
}

// JSON returns one stack's template as indented JSON (to write an assembly to disk).
func (f *Fixture) JSON(stack string) ([]byte, error) {
	return json.MarshalIndent(f.stacks[stack], "", " ")
}

// Names returns the stack names in order.
func (f *Fixture) Names() []string {
	names := append([]string(nil), f.order...)
	sort.Strings(names)
	return names
}

func ref(id string) M             { return M{"Ref": id} }
func att(id, a string) M          { return M{"Fn::GetAtt": L{id, a}} }
func imp(name string) M           { return M{"Fn::ImportValue": name} }
func az(i int) M                  { return M{"Fn::Select": L{fmt.Sprint(i), M{"Fn::GetAZs": ""}}} }
func join(parts ...any) M         { return M{"Fn::Join": L{"", L(parts)}} }
func doc(statements ...any) M     { return M{"Version": "2012-10-17", "Statement": L(statements)} }
func allow(action any, res any) M { return M{"Effect": "Allow", "Action": action, "Resource": res} }
