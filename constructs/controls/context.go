package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// Context is what a check sees: the environment, the stack under evaluation (nil for
// environment-scoped controls) and its settings. Checks mark every resource they judged
// with Examine or Fail, so that a control with nothing in scope reports SKIP, not PASS.
type Context struct {
	Env      *Environment
	Unit     *StackUnit
	Settings Settings

	control  *Control
	examined []*cfn.Resource
	seen     map[*cfn.Resource]bool
	skip     string
}

// Resources returns the resources of the given types in scope: the stack's for
// stack-scoped controls, the whole environment's otherwise.
func (c *Context) Resources(types ...string) []*cfn.Resource {
	if c.Unit == nil {
		return c.Env.OfType(types...)
	}
	return c.Unit.Stack.Template.OfType(types...)
}

// Examine records that the check judged r.
func (c *Context) Examine(r *cfn.Resource) {
	if c.seen[r] {
		return
	}
	if c.seen == nil {
		c.seen = map[*cfn.Resource]bool{}
	}
	c.seen[r] = true
	c.examined = append(c.examined, r)
}

// Fail records that r was judged and returns a finding about it.
func (c *Context) Fail(r *cfn.Resource, format string, args ...any) Finding {
	c.Examine(r)
	f := Finding{ControlID: c.control.ID, Environment: c.Env.Name, LogicalID: r.LogicalID,
		Path: r.Path(), Message: fmt.Sprintf(format, args...)}
	if u := c.Env.Owner(r); u != nil {
		f.Stack = u.Name
		f.TemplateFile = u.Stack.TemplateFile
	}
	return f
}

// Missing returns a finding about something absent from the whole environment (for
// environment-scoped controls), such as "no GuardDuty detector".
func (c *Context) Missing(format string, args ...any) Finding {
	return Finding{ControlID: c.control.ID, Environment: c.Env.Name, Stack: "*",
		Path: "(environment " + c.Env.Name + ")", Message: fmt.Sprintf(format, args...)}
}

// Skip sets the reason reported when nothing was examined.
func (c *Context) Skip(reason string) { c.skip = reason }

// Resolve follows a reference held by from (see Environment.Resolve).
func (c *Context) Resolve(from *cfn.Resource, v any) *cfn.Resource { return c.Env.Resolve(from, v) }

// Prop resolves the property at path of r to a resource.
func (c *Context) Prop(r *cfn.Resource, path ...string) *cfn.Resource {
	v, ok := r.Get(path...)
	if !ok {
		return nil
	}
	return c.Env.Resolve(r, v)
}

func (c *Context) skipReason() string {
	if c.skip != "" {
		return c.skip
	}
	where := "this stack"
	if c.Unit == nil {
		where = "environment " + c.Env.Name
	}
	return fmt.Sprintf("no %s in %s", strings.Join(c.control.ResourceTypes, " / "), where)
}
