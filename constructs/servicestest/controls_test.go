package servicestest

import (
	"slices"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
)

// The control catalog (what the seeds demand) over the synthesized stacks: the defaults pass
// every control, and the variations that opt out of a default fail exactly the
// controls that watch those defaults.
func TestControlCatalog(t *testing.T) {
	rep, err := controls.Evaluate([]*cfn.Stack{defaults, variations}, controls.Options{})
	if err != nil {
		t.Fatal(err)
	}
	expected := map[string][]string{
		// MFA OPTIONAL, a 500 per 600 s rate rule and a preview distribution on CloudFront's
		// default certificate (TLSv1) are explicit opt-outs.
		"Variations": {"LS-COG-001", "LS-WAF-002", "LS-CF-001"},
	}
	failed := map[string][]string{}
	for _, r := range rep.Results {
		if r.Status != controls.Fail {
			continue
		}
		failed[r.Stack] = append(failed[r.Stack], r.Control.ID)
		if !slices.Contains(expected[r.Stack], r.Control.ID) {
			for _, f := range r.Findings {
				t.Errorf("%s %s: %s: %s", r.Control.ID, r.Stack, f.Path, f.Message)
			}
		}
	}
	for stack, ids := range expected {
		for _, id := range ids {
			if !slices.Contains(failed[stack], id) {
				t.Errorf("%s: control %s no longer flags the variation it is expected to flag", stack, id)
			}
		}
	}
	if c := rep.Counts(); c[controls.Pass] < 50 {
		t.Errorf("only %d controls passed: the catalog did not judge these stacks (%v)", c[controls.Pass], c)
	}
}
