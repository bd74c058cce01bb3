package controls_test

import (
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

var evalTime = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func evaluate(t *testing.T, f *controltest.Fixture, acks ...controls.Acknowledgement) *controls.Report {
	t.Helper()
	stacks, err := f.Stacks()
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	rep, err := controls.Evaluate(stacks, controls.Options{Acks: acks, Now: evalTime})
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return rep
}

// TestCompliantFixturePasses: the compliant environment has no open finding, and every
// control that is not a prohibition actually examined something (PASS, not SKIP).
func TestCompliantFixturePasses(t *testing.T) {
	rep := evaluate(t, controltest.Compliant())
	examined := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status == controls.Fail {
			for _, f := range r.Findings {
				t.Errorf("%s on %s %s: %s", f.ControlID, f.Stack, f.LogicalID, f.Message)
			}
		}
		if r.Status == controls.Pass {
			examined[r.Control.ID] = true
		}
	}
	for _, c := range controls.Catalog() {
		if !examined[c.ID] && !controltest.Prohibitions[c.ID] {
			t.Errorf("%s: the compliant fixture never reaches PASS (only SKIP): the passing fixture does not cover it", c.ID)
		}
	}
}

// TestEveryControlHasFixtures: each control of the catalog has at least one breaker, and
// no breaker names a control that does not exist.
func TestEveryControlHasFixtures(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range controls.Catalog() {
		ids[c.ID] = true
		if len(controltest.Breakers[c.ID]) == 0 {
			t.Errorf("%s has no failing fixture in controltest.Breakers", c.ID)
		}
	}
	for id := range controltest.Breakers {
		if !ids[id] {
			t.Errorf("controltest.Breakers has %s, which is not in the catalog", id)
		}
	}
}

// TestEachControlFailsOnItsBrokenFixture runs every breaker on a fresh compliant fixture and
// expects a FAIL of that control naming the broken resource.
func TestEachControlFailsOnItsBrokenFixture(t *testing.T) {
	for _, c := range controls.Catalog() {
		for _, b := range controltest.Breakers[c.ID] {
			t.Run(c.ID+"/"+b.Name, func(t *testing.T) {
				f := controltest.Compliant()
				b.Break(f)
				rep := evaluate(t, f)
				var got []string
				for _, r := range rep.Results {
					if r.Control.ID != c.ID {
						continue
					}
					for _, fd := range r.Findings {
						got = append(got, fd.Stack+"/"+fd.LogicalID+": "+fd.Message)
						if fd.ControlID != c.ID || r.Status != controls.Fail {
							t.Errorf("finding %+v in a %s result", fd, r.Status)
						}
						if fd.LogicalID == b.LogicalID && (fd.Stack == b.Stack || (b.LogicalID == "" && fd.Stack == "*")) {
							return
						}
					}
				}
				t.Errorf("%s did not fail on %s/%s; findings: %v", c.ID, b.Stack, b.LogicalID, got)
			})
		}
	}
}
