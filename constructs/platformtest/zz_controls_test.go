package platformtest

import (
	"fmt"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
)

func TestZZControls(t *testing.T) {
	stacks, err := cfn.LoadAssembly("/tmp/ptout")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := controls.Evaluate(stacks, controls.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status == controls.Fail && r.Control.ID != "LS-TAG-001" {
			for _, f := range r.Findings {
				s := fmt.Sprint(f)
				fmt.Printf("FAIL %s %s\n", r.Control.ID, s[min(len(s), 90):min(300, len(s))])
			}
		}
	}
	fmt.Println(rep.Counts())
}
