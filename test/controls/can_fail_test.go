package controlsuite

import (
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

// TestEveryControlCanFail feeds each control its non-compliant fixture and expects a FAIL
// naming that control and the broken resource, so no control can pass silently.
func TestEveryControlCanFail(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, c := range controls.Catalog() {
		c := c
		t.Run(c.ID, func(t *testing.T) {
			breakers := controltest.Breakers[c.ID]
			if len(breakers) == 0 {
				t.Fatalf("%s has no non-compliant fixture", c.ID)
			}
			for _, b := range breakers {
				f := controltest.Compliant()
				b.Break(f)
				stacks, err := f.Stacks()
				if err != nil {
					t.Fatal(err)
				}
				rep, err := controls.Evaluate(stacks, controls.Options{Controls: []controls.Control{c}, Now: now})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, r := range rep.Failed() {
					for _, fd := range r.Findings {
						if fd.ControlID == c.ID && fd.LogicalID == b.LogicalID {
							found = true
						}
					}
				}
				if !found {
					t.Errorf("%s did not FAIL on %q (%s/%s)", c.ID, b.Name, b.Stack, b.LogicalID)
				}
			}
		})
	}
}
