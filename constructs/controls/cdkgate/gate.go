// Package cdkgate runs the labsecure control catalog inside `cdk synth` as an aws-cdk-lib
// policy validation plugin: every unacknowledged finding becomes a violation naming the
// control, the construct path, the seed sentence and the fix.
//
//	gate := cdkgate.New(acks.Register)
//	awscdk.Validations_Of(app).AddPlugins(gate)
//	app.Synth(nil)          // panics with the report when a control fails (see below)
//	if !gate.OK() { ... }   // always check: in "process" app mode synth does not throw
//
// What aws-cdk-lib 2.270 does with a failing report (core/lib/private/synthesis-validation):
// it writes validation-report.json into the assembly, prints the report to stderr and then,
// depending on the app mode (context "@aws-cdk/core:appMode" or env CDK_APP_MODE):
//   - "inmemory" (also NODE_ENV=test): Synth throws an error whose message holds the report;
//   - unset ("unknown", a Go app run directly): Synth throws "Validation failed. A copy of
//     this report can be found in: ..." with the report on stderr;
//   - "process" (under the cdk CLI): Synth does not throw; only the Node child's exit code is
//     set, which a Go app never sees.
//
// Context "@aws-cdk/core:failSynthOnValidationErrors": false turns throwing off entirely. The
// plugin therefore keeps its last evaluation (Report, OK) so that the app can exit non-zero
// itself.
package cdkgate

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/controls"
)

// Options tune the gate. The zero value runs the whole catalog with no acknowledgements.
type Options struct {
	// Acks is the acknowledgement register (infra/acks.Register).
	Acks []controls.Acknowledgement
	// Controls to run; nil means the whole catalog.
	Controls []controls.Control
	// Now is the time acknowledgement expiry is judged at; zero means time.Now().
	Now time.Time
}

// Plugin is the validation plugin. Use pointers: jsii rejects value receivers.
type Plugin struct {
	opts Options
	last *controls.Report
	err  error
}

// New returns a gate over the whole catalog with the given acknowledgements.
func New(acks []controls.Acknowledgement) *Plugin {
	return NewWithOptions(Options{Acks: acks})
}

// NewWithOptions returns a gate with explicit options (nil means the defaults).
func NewWithOptions(opts Options) *Plugin {
	return &Plugin{opts: opts}
}

// Name is shown in the validation report.
func (p *Plugin) Name() *string { return jsii.String(controls.ToolName) }

// Version is the catalog version.
func (p *Plugin) Version() *string { return jsii.String(controls.ToolVersion) }

// RuleIds lists the control IDs the gate evaluates.
func (p *Plugin) RuleIds() *[]*string {
	var ids []*string
	for _, c := range p.controls() {
		ids = append(ids, jsii.String(c.ID))
	}
	return &ids
}

func (p *Plugin) controls() []controls.Control {
	if p.opts.Controls != nil {
		return p.opts.Controls
	}
	return controls.Catalog()
}

// Report returns the last evaluation (nil before synth or after a load error).
func (p *Plugin) Report() *controls.Report { return p.last }

// Err returns the error of the last evaluation (unreadable template, invalid metadata).
func (p *Plugin) Err() error { return p.err }

// OK reports whether the last evaluation ran and found nothing open. It is false before
// the plugin ran, so that a gate that never ran cannot pass.
func (p *Plugin) OK() bool { return p.err == nil && p.last != nil && len(p.last.Failed()) == 0 }

// Violation is one open finding in plugin-neutral form.
type Violation struct {
	RuleName, Description, Fix, Severity   string
	LogicalID, TemplatePath, ConstructPath string
}

// Evaluate runs the catalog over template files and returns the open findings as
// violations (no jsii involved; Validate wraps it).
func (p *Plugin) Evaluate(templatePaths []string) ([]Violation, error) {
	p.last, p.err = nil, nil
	stacks, err := controls.StacksFromTemplates(templatePaths)
	if err != nil {
		p.err = err
		return nil, err
	}
	rep, err := controls.Evaluate(stacks, controls.Options{Controls: p.opts.Controls, Acks: p.opts.Acks, Now: p.opts.Now})
	if err != nil {
		p.err = err
		return nil, err
	}
	p.last = rep
	var out []Violation
	for _, res := range rep.Failed() {
		c := res.Control
		for _, f := range res.Findings {
			tp := f.TemplateFile
			if tp == "" && len(templatePaths) > 0 {
				tp = templatePaths[0]
			}
			out = append(out, Violation{
				RuleName: c.ID,
				Description: fmt.Sprintf("%s: %s - %s [%s] (seed %s: %q)", f.Path, f.Message, c.Title,
					res.Environment, c.Seed, c.Sentence),
				Fix:           c.Remediation,
				Severity:      string(c.Severity),
				LogicalID:     f.LogicalID,
				TemplatePath:  tp,
				ConstructPath: f.Path,
			})
		}
	}
	return out, nil
}

func (p *Plugin) errorViolation(err error) Violation {
	return Violation{RuleName: "LS-GATE", Severity: "critical",
		Description: "the control catalog could not evaluate the templates: " + err.Error(),
		Fix:         "fix the template metadata or the file named in the message (see constructs/controls/doc.go)"}
}

func (p *Plugin) evaluate(paths *[]*string) ([]Violation, bool) {
	var files []string
	if paths != nil {
		for _, s := range *paths {
			if s != nil {
				files = append(files, *s)
			}
		}
	}
	vs, err := p.Evaluate(files)
	if err != nil {
		return []Violation{p.errorViolation(err)}, false
	}
	return vs, len(vs) == 0
}

func metadata(p *Plugin) *map[string]*string {
	m := map[string]*string{}
	if p.last != nil {
		counts := p.last.Counts()
		var parts []string
		for _, s := range []controls.Status{controls.Pass, controls.Fail, controls.Acknowledged, controls.NotApplicable, controls.Skip} {
			parts = append(parts, fmt.Sprintf("%s=%d", s, counts[s]))
		}
		m["results"] = jsii.String(strings.Join(parts, " "))
		m["environments"] = jsii.String(strings.Join(p.last.Environments, ","))
	}
	return &m
}

// Validate implements awscdk.IPolicyValidationPlugin.
func (p *Plugin) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	vs, ok := p.evaluate(ctx.TemplatePaths())
	out := []*awscdk.PolicyViolation{}
	for _, v := range vs {
		res := &awscdk.PolicyViolatingResource{Locations: &[]*string{jsii.String("Resources/" + v.LogicalID)}}
		if v.LogicalID != "" {
			res.ResourceLogicalId = jsii.String(v.LogicalID)
		} else {
			res.Locations = &[]*string{jsii.String(v.ConstructPath)}
		}
		if v.TemplatePath != "" {
			res.TemplatePath = jsii.String(v.TemplatePath)
		}
		if v.ConstructPath != "" && v.LogicalID != "" {
			res.ConstructPath = jsii.String(v.ConstructPath)
		}
		out = append(out, &awscdk.PolicyViolation{RuleName: jsii.String(v.RuleName), Description: jsii.String(v.Description),
			Fix: jsii.String(v.Fix), Severity: jsii.String(v.Severity), ViolatingResources: &[]*awscdk.PolicyViolatingResource{res}})
	}
	return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(ok), Violations: &out,
		PluginVersion: p.Version(), Metadata: metadata(p)}
}

// Beta1 adapts the gate to the deprecated AppProps.PolicyValidationBeta1 interface.
type Beta1 struct{ Gate *Plugin }

// Name implements awscdk.IPolicyValidationPluginBeta1.
func (b *Beta1) Name() *string { return b.Gate.Name() }

// Version implements awscdk.IPolicyValidationPluginBeta1.
func (b *Beta1) Version() *string { return b.Gate.Version() }

// RuleIds implements awscdk.IPolicyValidationPluginBeta1.
func (b *Beta1) RuleIds() *[]*string { return b.Gate.RuleIds() }

// Validate implements awscdk.IPolicyValidationPluginBeta1.
func (b *Beta1) Validate(ctx awscdk.IPolicyValidationContextBeta1) *awscdk.PolicyValidationPluginReportBeta1 {
	vs, ok := b.Gate.evaluate(ctx.TemplatePaths())
	out := []*awscdk.PolicyViolationBeta1{}
	for _, v := range vs {
		id := v.LogicalID
		if id == "" {
			id = "(environment)"
		}
		out = append(out, &awscdk.PolicyViolationBeta1{RuleName: jsii.String(v.RuleName), Description: jsii.String(v.Description),
			Fix: jsii.String(v.Fix), Severity: jsii.String(v.Severity),
			ViolatingResources: &[]*awscdk.PolicyViolatingResourceBeta1{{ResourceLogicalId: jsii.String(id),
				TemplatePath: jsii.String(v.TemplatePath), Locations: &[]*string{jsii.String(v.ConstructPath)}}}})
	}
	return &awscdk.PolicyValidationPluginReportBeta1{Success: jsii.Bool(ok), Violations: &out,
		PluginVersion: b.Gate.Version(), Metadata: metadata(b.Gate)}
}

// Compile-time interface checks.
var (
	_ awscdk.IPolicyValidationPlugin      = (*Plugin)(nil)
	_ awscdk.IPolicyValidationPluginBeta1 = (*Beta1)(nil)
)
