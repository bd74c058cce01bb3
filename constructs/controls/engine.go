package controls

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// Status is the outcome of one control on one stack (or environment).
type Status string

// Statuses.
const (
	Pass          Status = "PASS"
	Fail          Status = "FAIL"
	Skip          Status = "SKIP"
	Acknowledged  Status = "ACKNOWLEDGED"
	NotApplicable Status = "NOT_APPLICABLE"
)

// Result is the outcome of one control on one stack, or on one environment for
// environment-scoped controls (Stack "*").
type Result struct {
	Control      *Control
	Environment  string
	Stack        string
	TemplateFile string
	Status       Status
	// Reason explains SKIP and NOT_APPLICABLE.
	Reason string
	// Resources are the resources the control judged.
	Resources []ResourceRef
	// Findings are open (unacknowledged) violations; Acknowledged are covered ones.
	Findings     []Finding
	Acknowledged []Finding
}

// AckUse reports how one acknowledgement of the register was used.
type AckUse struct {
	Ack     Acknowledgement
	Matches int
	Expired bool
	// Invalid is the validation error, empty when valid. Invalid acknowledgements cover
	// nothing.
	Invalid string
}

// NagMessage is a cdk-nag (or other) error annotation of a stack.
type NagMessage struct {
	Environment string
	Stack       string
	cfn.Message
	Ack *Acknowledgement
}

// Report is the outcome of one evaluation.
type Report struct {
	Generated        time.Time
	Environments     []string
	Results          []Result
	Acknowledgements []AckUse
	// NagErrors are the error-level annotations of the assembly (cdk-nag), acknowledged or not.
	NagErrors []NagMessage
}

// Options tune Evaluate. The zero value runs the whole catalog with no acknowledgements at
// the current time.
type Options struct {
	// Controls to run; nil means Catalog().
	Controls []Control
	// Acks is the acknowledgement register (infra/acks.Register).
	Acks []Acknowledgement
	// Now is the evaluation time for acknowledgement expiry; zero means time.Now().
	Now time.Time
	// Environments restricts the evaluation to these environment names; empty means all.
	Environments []string
}

// StacksFromTemplates wraps plain template files (as the synth gate receives them) as
// stacks. The stack name comes from the manifest.json next to the template when there is one
// (cross-stack Fn::GetStackOutput references name stacks), else from the file name.
func StacksFromTemplates(paths []string) ([]*cfn.Stack, error) {
	names := map[string]string{}
	for _, p := range paths {
		dir := filepath.Dir(p)
		if _, done := names[dir]; done {
			continue
		}
		names[dir] = ""
		data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err != nil {
			continue
		}
		var m struct {
			Artifacts map[string]struct {
				Properties struct {
					TemplateFile string `json:"templateFile"`
					StackName    string `json:"stackName"`
				} `json:"properties"`
			} `json:"artifacts"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		for _, a := range m.Artifacts {
			if a.Properties.TemplateFile != "" && a.Properties.StackName != "" {
				names[filepath.Join(dir, a.Properties.TemplateFile)] = a.Properties.StackName
			}
		}
	}
	var out []*cfn.Stack
	for _, p := range paths {
		t, err := cfn.Load(p)
		if err != nil {
			return nil, fmt.Errorf("load template for controls: %w", err)
		}
		id := strings.TrimSuffix(filepath.Base(p), ".template.json")
		name := names[filepath.Clean(p)]
		if name == "" {
			name = id
		}
		out = append(out, &cfn.Stack{ArtifactID: id, StackName: name, TemplateFile: p, Template: t})
	}
	return out, nil
}

// Evaluate runs the controls over the stacks. It fails only on bad input (invalid
// metadata); findings are data in the report.
func Evaluate(stacks []*cfn.Stack, opts Options) (*Report, error) {
	ctrls := opts.Controls
	if ctrls == nil {
		ctrls = Catalog()
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	known := map[string]bool{}
	for _, c := range Catalog() {
		known[c.ID] = true
	}
	for _, c := range ctrls {
		known[c.ID] = true
	}
	wanted := map[string]bool{}
	for _, e := range opts.Environments {
		wanted[e] = true
	}

	groups := map[string][]*StackUnit{}
	for _, s := range stacks {
		if s == nil || s.Template == nil {
			continue
		}
		set, err := ParseSettings(s.Template, known)
		if err != nil {
			return nil, fmt.Errorf("stack %s (%s): %w", s.StackName, s.TemplateFile, err)
		}
		if len(wanted) > 0 && !wanted[set.Environment] {
			continue
		}
		groups[set.Environment] = append(groups[set.Environment], &StackUnit{Name: s.StackName, Stack: s, Settings: set})
	}

	rep := &Report{Generated: now}
	uses := make([]AckUse, len(opts.Acks))
	for i, a := range opts.Acks {
		uses[i] = AckUse{Ack: a, Expired: a.Expired(now)}
		if err := a.Validate(now, known); err != nil {
			uses[i].Invalid = err.Error()
		}
	}
	for name := range groups {
		rep.Environments = append(rep.Environments, name)
	}
	sort.Strings(rep.Environments)

	for _, envName := range rep.Environments {
		env := newEnvironment(envName, groups[envName])
		for ci := range ctrls {
			c := &ctrls[ci]
			if c.Scope == ScopeEnvironment {
				rep.Results = append(rep.Results, runControl(c, env, nil, uses))
				continue
			}
			for _, u := range env.Stacks {
				rep.Results = append(rep.Results, runControl(c, env, u, uses))
			}
		}
		for _, u := range env.Stacks {
			for _, m := range u.Stack.Messages {
				if m.Level != "error" {
					continue
				}
				nm := NagMessage{Environment: envName, Stack: u.Name, Message: m}
				for i := range uses {
					a := &uses[i]
					if a.Invalid == "" && !a.Expired && nagCovers(a.Ack, envName, m) {
						nm.Ack = &uses[i].Ack
						a.Matches++
						break
					}
				}
				rep.NagErrors = append(rep.NagErrors, nm)
			}
		}
	}
	rep.Acknowledgements = uses
	return rep, nil
}

func nagCovers(a Acknowledgement, env string, m cfn.Message) bool {
	if strings.HasPrefix(a.ControlID, "LS-") {
		return false
	}
	if !strings.HasPrefix(m.Text, a.ControlID+"[") && !strings.HasPrefix(m.Text, a.ControlID+":") {
		return false
	}
	return a.Covers(a.ControlID, env, m.Path)
}

func runControl(c *Control, env *Environment, u *StackUnit, uses []AckUse) Result {
	res := Result{Control: c, Environment: env.Name, Stack: "*"}
	ctx := &Context{Env: env, Unit: u, control: c}
	if u != nil {
		res.Stack = u.Name
		res.TemplateFile = u.Stack.TemplateFile
		ctx.Settings = u.Settings
		if reason, ok := u.Settings.NotApplicable[c.ID]; ok {
			res.Status, res.Reason = NotApplicable, reason
			return res
		}
	} else {
		ctx.Settings = DefaultSettings()
		if len(env.Stacks) > 0 {
			ctx.Settings = env.Stacks[0].Settings
		}
		for _, s := range env.Stacks {
			if reason, ok := s.Settings.NotApplicable[c.ID]; ok {
				res.Status, res.Reason = NotApplicable, reason+" (declared by stack "+s.Name+")"
				return res
			}
		}
	}
	findings := c.Check(ctx)
	for _, r := range ctx.examined {
		stack := res.Stack
		if o := env.Owner(r); o != nil {
			stack = o.Name
		}
		res.Resources = append(res.Resources, refOf(stack, r))
	}
	for _, f := range findings {
		f.ControlID = c.ID
		covered := false
		for i := range uses {
			a := &uses[i]
			if !a.Ack.Covers(c.ID, env.Name, f.Path) {
				continue
			}
			if a.Invalid != "" {
				f.Message += " (acknowledgement ignored: invalid)"
				continue
			}
			if a.Expired {
				f.Message += fmt.Sprintf(" (acknowledgement by %s expired on %s)", a.Ack.Owner, a.Ack.Expires.Format("2006-01-02"))
				continue
			}
			f.Ack = &uses[i].Ack
			a.Matches++
			covered = true
			break
		}
		if covered {
			res.Acknowledged = append(res.Acknowledged, f)
		} else {
			res.Findings = append(res.Findings, f)
		}
	}
	switch {
	case len(res.Findings) > 0:
		res.Status = Fail
	case len(res.Acknowledged) > 0:
		res.Status = Acknowledged
	case len(res.Resources) > 0:
		res.Status = Pass
	default:
		res.Status = Skip
		res.Reason = ctx.skipReason()
	}
	return res
}

// Failed returns the results with open findings.
func (r *Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == Fail {
			out = append(out, res)
		}
	}
	return out
}

// OpenNagErrors returns the error annotations no acknowledgement covers.
func (r *Report) OpenNagErrors() []NagMessage {
	var out []NagMessage
	for _, m := range r.NagErrors {
		if m.Ack == nil {
			out = append(out, m)
		}
	}
	return out
}

// OK reports whether the evaluation passes the gate: no open finding, no open error
// annotation.
func (r *Report) OK() bool { return len(r.Failed()) == 0 && len(r.OpenNagErrors()) == 0 }

// Counts tallies the results per status.
func (r *Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, res := range r.Results {
		out[res.Status]++
	}
	return out
}
