package controls

import (
	"github.com/labsecure/labsecure/constructs/cfn"
)

// StackUnit is one stack under evaluation with its parsed settings.
type StackUnit struct {
	Name     string
	Stack    *cfn.Stack
	Settings Settings
}

// Environment is the set of stacks sharing one Environment name, with indexes that resolve
// references across them (Fn::ImportValue through Outputs.Export.Name).
type Environment struct {
	Name   string
	Stacks []*StackUnit

	owner   map[*cfn.Resource]*StackUnit
	exports map[string]exportRef
	outputs map[string]exportRef // stack name + "\x00" + output logical ID
	tiers   map[*cfn.Resource]string
	byType  map[string][]*cfn.Resource
}

type exportRef struct {
	unit  *StackUnit
	value any
}

func newEnvironment(name string, units []*StackUnit) *Environment {
	e := &Environment{Name: name, Stacks: units, owner: map[*cfn.Resource]*StackUnit{},
		exports: map[string]exportRef{}, outputs: map[string]exportRef{}, tiers: map[*cfn.Resource]string{},
		byType: map[string][]*cfn.Resource{}}
	for _, u := range units {
		t := u.Stack.Template
		for _, r := range t.Sorted() {
			e.owner[r] = u
			e.byType[r.Type] = append(e.byType[r.Type], r)
		}
		for oid, o := range t.Outputs {
			om, ok := o.(map[string]any)
			if !ok {
				continue
			}
			e.outputs[u.Stack.StackName+"\x00"+oid] = exportRef{unit: u, value: om["Value"]}
			name, ok := cfn.Lookup(om, "Export", "Name")
			if !ok {
				continue
			}
			if s, ok := name.(string); ok {
				e.exports[s] = exportRef{unit: u, value: om["Value"]}
			}
		}
	}
	return e
}

// Owner returns the stack unit that defines r, nil when r is not in this environment.
func (e *Environment) Owner(r *cfn.Resource) *StackUnit { return e.owner[r] }

// OfType returns the resources of the given types across every stack of the environment,
// ordered by stack then logical ID.
func (e *Environment) OfType(types ...string) []*cfn.Resource {
	var out []*cfn.Resource
	if len(types) == 1 {
		return e.byType[types[0]]
	}
	for _, u := range e.Stacks {
		out = append(out, u.Stack.Template.OfType(types...)...)
	}
	return out
}

// Resolve returns the resource a value points at: {"Ref"}, {"Fn::GetAtt"} in the template
// of from, {"Fn::ImportValue": "name"} through the exports of the environment's stacks, or
// {"Fn::GetStackOutput": {"StackName", "OutputName"}} through their outputs.
// It returns nil for literals and references it cannot follow.
func (e *Environment) Resolve(from *cfn.Resource, v any) *cfn.Resource {
	u := e.owner[from]
	if u == nil {
		return nil
	}
	return e.resolveIn(u, v, 0)
}

func (e *Environment) resolveIn(u *StackUnit, v any, depth int) *cfn.Resource {
	if depth > 4 {
		return nil
	}
	if r := u.Stack.Template.Resolve(v); r != nil {
		return r
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil
	}
	if so, ok := m["Fn::GetStackOutput"].(map[string]any); ok {
		stack, _ := so["StackName"].(string)
		out, _ := so["OutputName"].(string)
		if o, ok := e.outputs[stack+"\x00"+out]; ok {
			return e.resolveIn(o.unit, o.value, depth+1)
		}
		return nil
	}
	name, ok := m["Fn::ImportValue"].(string)
	if !ok {
		return nil
	}
	ex, ok := e.exports[name]
	if !ok {
		return nil
	}
	return e.resolveIn(ex.unit, ex.value, depth+1)
}

// Refers reports whether any reference inside v (Ref, GetAtt, ImportValue) resolves to
// target.
func (e *Environment) Refers(from *cfn.Resource, v any, target *cfn.Resource) bool {
	u := e.owner[from]
	if u == nil {
		return false
	}
	found := false
	cfn.Walk(v, func(x any) {
		if !found && e.resolveIn(u, x, 0) == target {
			found = true
		}
	})
	return found
}

// Referrers returns the resources of the given types whose properties refer to target.
func (e *Environment) Referrers(target *cfn.Resource, types ...string) []*cfn.Resource {
	var out []*cfn.Resource
	for _, r := range e.OfType(types...) {
		if e.Refers(r, r.Properties, target) {
			out = append(out, r)
		}
	}
	return out
}
