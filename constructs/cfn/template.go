// Package cfn reads synthesized CloudFormation templates and cloud assemblies as plain Go
// values, so that checks over them (controls, tests, reports) need no jsii runtime.
package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Template is one synthesized CloudFormation template.
type Template struct {
	// Path is the file the template was read from; empty for templates parsed from memory.
	Path        string
	Description string
	Metadata    map[string]any
	Parameters  map[string]any
	Conditions  map[string]any
	Outputs     map[string]any
	Resources   map[string]*Resource
}

// Resource is one entry of a template's Resources section.
type Resource struct {
	LogicalID           string
	Type                string
	Properties          map[string]any
	Metadata            map[string]any
	DependsOn           []string
	Condition           string
	DeletionPolicy      string
	UpdateReplacePolicy string
}

type rawTemplate struct {
	Description string                     `json:"Description"`
	Metadata    map[string]any             `json:"Metadata"`
	Parameters  map[string]any             `json:"Parameters"`
	Conditions  map[string]any             `json:"Conditions"`
	Outputs     map[string]any             `json:"Outputs"`
	Resources   map[string]json.RawMessage `json:"Resources"`
}

type rawResource struct {
	Type                string          `json:"Type"`
	Properties          map[string]any  `json:"Properties"`
	Metadata            map[string]any  `json:"Metadata"`
	DependsOn           json.RawMessage `json:"DependsOn"`
	Condition           string          `json:"Condition"`
	DeletionPolicy      string          `json:"DeletionPolicy"`
	UpdateReplacePolicy string          `json:"UpdateReplacePolicy"`
}

// Parse decodes a CloudFormation template in JSON form.
func Parse(data []byte) (*Template, error) {
	var raw rawTemplate
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t := &Template{
		Description: raw.Description,
		Metadata:    raw.Metadata,
		Parameters:  raw.Parameters,
		Conditions:  raw.Conditions,
		Outputs:     raw.Outputs,
		Resources:   make(map[string]*Resource, len(raw.Resources)),
	}
	for id, body := range raw.Resources {
		var rr rawResource
		if err := json.Unmarshal(body, &rr); err != nil {
			return nil, fmt.Errorf("parse template: resource %q: %w", id, err)
		}
		if rr.Type == "" {
			return nil, fmt.Errorf("parse template: resource %q has no Type", id)
		}
		r := &Resource{
			LogicalID:           id,
			Type:                rr.Type,
			Properties:          rr.Properties,
			Metadata:            rr.Metadata,
			Condition:           rr.Condition,
			DeletionPolicy:      rr.DeletionPolicy,
			UpdateReplacePolicy: rr.UpdateReplacePolicy,
		}
		if r.Properties == nil {
			r.Properties = map[string]any{}
		}
		if len(rr.DependsOn) > 0 {
			var one string
			if json.Unmarshal(rr.DependsOn, &one) == nil {
				r.DependsOn = []string{one}
			} else if err := json.Unmarshal(rr.DependsOn, &r.DependsOn); err != nil {
				return nil, fmt.Errorf("parse template: resource %q DependsOn: %w", id, err)
			}
		}
		t.Resources[id] = r
	}
	return t, nil
}

// Load reads and parses the template file at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.Path = path
	return t, nil
}

// OfType returns the resources of the given types, ordered by logical ID.
func (t *Template) OfType(types ...string) []*Resource {
	var out []*Resource
	for _, r := range t.Resources {
		for _, ty := range types {
			if r.Type == ty {
				out = append(out, r)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// Sorted returns every resource ordered by logical ID.
func (t *Template) Sorted() []*Resource {
	out := make([]*Resource, 0, len(t.Resources))
	for _, r := range t.Resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// Resolve returns the resource a {"Ref": ...} or {"Fn::GetAtt": ...} value points at in
// this template, or nil when v is not such a reference or points elsewhere.
func (t *Template) Resolve(v any) *Resource {
	if id, ok := RefTarget(v); ok {
		return t.Resources[id]
	}
	if id, _, ok := GetAttTarget(v); ok {
		return t.Resources[id]
	}
	return nil
}

// ReferencesTo reports whether v (any property value) contains a Ref or GetAtt naming the
// logical ID id anywhere inside it.
func ReferencesTo(v any, id string) bool {
	found := false
	Walk(v, func(x any) {
		if found {
			return
		}
		if ref, ok := RefTarget(x); ok && ref == id {
			found = true
		}
		if ref, _, ok := GetAttTarget(x); ok && ref == id {
			found = true
		}
	})
	return found
}

// Walk calls fn for v and every value nested inside it, depth first.
func Walk(v any, fn func(any)) {
	fn(v)
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			Walk(x[k], fn)
		}
	case []any:
		for _, e := range x {
			Walk(e, fn)
		}
	}
}

// RefTarget returns X for {"Ref": "X"}.
func RefTarget(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m["Ref"].(string)
	return s, ok
}

// GetAttTarget returns (X, Attr) for {"Fn::GetAtt": ["X", "Attr"]} or {"Fn::GetAtt": "X.Attr"}.
func GetAttTarget(v any) (string, string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", "", false
	}
	switch g := m["Fn::GetAtt"].(type) {
	case []any:
		if len(g) == 2 {
			id, ok1 := g[0].(string)
			attr, ok2 := g[1].(string)
			return id, attr, ok1 && ok2
		}
	case string:
		if id, attr, ok := strings.Cut(g, "."); ok {
			return id, attr, true
		}
	}
	return "", "", false
}

// Path returns the construct path CDK recorded in the resource metadata (aws:cdk:path), or
// the logical ID when there is none.
func (r *Resource) Path() string {
	if p, ok := r.Metadata["aws:cdk:path"].(string); ok && p != "" {
		return p
	}
	return r.LogicalID
}

// Get walks the properties along path. A path element that is a decimal number indexes a
// list. It reports false when any step is missing.
func (r *Resource) Get(path ...string) (any, bool) {
	return Lookup(r.Properties, path...)
}

// Lookup walks v along path (map keys, or decimal indexes into lists).
func Lookup(v any, path ...string) (any, bool) {
	cur := v
	for _, p := range path {
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[p]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// String returns the property at path when it is a literal string.
func (r *Resource) String(path ...string) (string, bool) {
	v, ok := r.Get(path...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// Bool returns the property at path when it is a literal boolean (true/false or the strings
// "true"/"false", as CloudFormation accepts both).
func (r *Resource) Bool(path ...string) (bool, bool) {
	v, ok := r.Get(path...)
	if !ok {
		return false, false
	}
	return AsBool(v)
}

// Int returns the property at path when it is a literal number or numeric string.
func (r *Resource) Int(path ...string) (int, bool) {
	v, ok := r.Get(path...)
	if !ok {
		return 0, false
	}
	return AsInt(v)
}

// List returns the property at path when it is a list, else nil.
func (r *Resource) List(path ...string) []any {
	v, _ := r.Get(path...)
	l, _ := v.([]any)
	return l
}

// Map returns the property at path when it is an object, else nil.
func (r *Resource) Map(path ...string) map[string]any {
	v, _ := r.Get(path...)
	m, _ := v.(map[string]any)
	return m
}

// Has reports whether the property at path is present and not null.
func (r *Resource) Has(path ...string) bool {
	v, ok := r.Get(path...)
	return ok && v != nil
}

// AsBool converts a literal boolean or "true"/"false" string.
func AsBool(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch strings.ToLower(b) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// AsInt converts a literal JSON number or a numeric string.
func AsInt(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n != float64(int(n)) {
			return 0, false
		}
		return int(n), true
	case int:
		return n, true
	case string:
		i, err := strconv.Atoi(n)
		return i, err == nil
	}
	return 0, false
}

// Tags returns the literal Key/Value tags of a resource, whichever of the CloudFormation tag
// shapes it uses (a list of {Key, Value}, or a map as on some resource types).
func (r *Resource) Tags() map[string]string {
	out := map[string]string{}
	for _, key := range []string{"Tags", "TagSpecifications", "UserPoolTags", "FileSystemTags", "HostedZoneTags"} {
		v, ok := r.Properties[key]
		if !ok {
			continue
		}
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				m, ok := e.(map[string]any)
				if !ok {
					continue
				}
				if inner, ok := m["Tags"].([]any); ok { // TagSpecifications
					for _, ie := range inner {
						if im, ok := ie.(map[string]any); ok {
							addTag(out, im)
						}
					}
					continue
				}
				addTag(out, m)
			}
		case map[string]any:
			for k, val := range t {
				if s, ok := val.(string); ok {
					out[k] = s
				}
			}
		}
	}
	return out
}

func addTag(out map[string]string, m map[string]any) {
	k, ok1 := m["Key"].(string)
	v, ok2 := m["Value"].(string)
	if ok1 && ok2 {
		out[k] = v
	}
}
