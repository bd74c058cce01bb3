package controlsuite

import (
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/acks"
)

// TestControls judges every control in every environment of the synthesized app, one
// subtest per (environment, control): FAIL is a test error naming resource, seed and fix;
// ACKNOWLEDGED passes with a log line; SKIP / NOT_APPLICABLE skip with the reason.
func TestControls(t *testing.T) {
	stacks := assembly(t)
	rep, err := controls.Evaluate(stacks, controls.Options{Acks: acks.Register, Now: time.Now()})
	if err != nil {
		t.Fatalf("evaluate the assembly: %v", err)
	}
	if len(rep.Environments) == 0 {
		t.Fatal("the assembly holds no stack")
	}
	for _, env := range rep.Environments {
		t.Run(env, func(t *testing.T) {
			for _, row := range rep.Rows(env) {
				row := row
				t.Run(row.Control.ID, func(t *testing.T) { judge(t, row) })
			}
			for _, m := range rep.NagErrors {
				if m.Environment == env && m.Ack == nil {
					t.Errorf("cdk-nag error on %s %s: %s", m.Stack, m.Path, m.Text)
				}
			}
		})
	}
}

func judge(t *testing.T, row controls.ControlRow) {
	c := row.Control
	var reasons []string
	for _, res := range row.Results {
		for _, f := range res.Findings {
			t.Errorf("%s %s (%s): %s\n  fix: %s\n  seed %s: %q", c.ID, f.Path, f.Stack, f.Message, c.Remediation, c.Seed, c.Sentence)
		}
		for _, f := range res.Acknowledged {
			t.Logf("acknowledged: %s %s by %s until %s: %s", c.ID, f.Path, f.Ack.Owner, f.Ack.Expires.Format("2006-01-02"), f.Ack.Reason)
		}
		if res.Status == controls.Skip || res.Status == controls.NotApplicable {
			reasons = append(reasons, res.Stack+": "+string(res.Status)+" "+res.Reason)
		}
	}
	if row.Status == controls.Skip || row.Status == controls.NotApplicable {
		t.Skip(strings.Join(reasons, "; "))
	}
}
