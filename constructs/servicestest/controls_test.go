package servicestest

import (
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
)

// The control catalog (what the seeds demand) over the synthesized stacks: the defaults pass
// every control, and the variations that opt out of a default fail exactly the controls that
// watch those defaults.
func TestControlCatalog(t *testing.T) {
	rep, err := controls.Evaluate([]*cfn.Stack{defaults, variations}, controls.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Expected findings: control ID -> construct path of the opted-out resource.
	expected := map[string]string{
		"LS-COG-001": "Variations/UserPoolSAML/", // MFA OPTIONAL
		"LS-WAF-002": "Variations/WebACLCF/",     // 500 requests per 600 s
		"LS-CF-001":  "Variations/Preview/",      // CloudFront's default certificate (TLSv1)
		"LS-AUD-004": "Variations/GuardDuty/",    // RUNTIME_MONITORING disabled
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status != controls.Fail {
			continue
		}
		for _, f := range r.Findings {
			if prefix, ok := expected[r.Control.ID]; ok && strings.HasPrefix(f.Path, prefix) {
				seen[r.Control.ID] = true
				continue
			}
			t.Errorf("%s %s: %s: %s", r.Control.ID, r.Stack, f.Path, f.Message)
		}
	}
	for id, prefix := range expected {
		if !seen[id] {
			t.Errorf("control %s no longer flags %s, the variation it is expected to flag", id, prefix)
		}
	}
	if c := rep.Counts(); c[controls.Pass] < 50 {
		t.Errorf("only %d controls passed: the catalog did not judge these stacks (%v)", c[controls.Pass], c)
	}
}
