package acks_test

import (
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/acks"
)

// TestRegisterIsValid fails on an incomplete entry, an entry reaching more than a year
// ahead, an expired entry (renew it with a new review or remove it) and duplicates.
func TestRegisterIsValid(t *testing.T) {
	now := time.Now()
	known := map[string]bool{}
	for _, c := range controls.Catalog() {
		known[c.ID] = true
	}
	seen := map[string]bool{}
	for i, a := range acks.Register {
		if err := a.Validate(now, known); err != nil {
			t.Errorf("Register[%d]: %v", i, err)
		}
		if a.Expired(now) {
			t.Errorf("Register[%d] %s on %q expired on %s: fix the finding, or renew the acknowledgement after review",
				i, a.ControlID, a.Resource, a.Expires.Format("2006-01-02"))
		}
		key := a.ControlID + "|" + a.Environment + "|" + a.Resource
		if seen[key] {
			t.Errorf("Register[%d]: duplicate of an earlier entry for %s %s %s", i, a.ControlID, a.Environment, a.Resource)
		}
		seen[key] = true
	}
}
