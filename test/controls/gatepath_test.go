package controlsuite

import (
	"sort"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/acks"
)

// TestGateSeesWhatTheReportSees: the synth gate only receives template paths
// (controls.StacksFromTemplates); the reviewer report reads the manifest
// (cfn.LoadAssembly). On the synthesized app both must judge every control alike,
// including cross-stack references by stack name.
func TestGateSeesWhatTheReportSees(t *testing.T) {
	stacks := assembly(t)
	var paths []string
	for _, s := range stacks {
		paths = append(paths, s.TemplateFile)
	}
	fromPaths, err := controls.StacksFromTemplates(paths)
	if err != nil {
		t.Fatal(err)
	}
	opts := controls.Options{Acks: acks.Register, Now: time.Now()}
	a, err := controls.Evaluate(stacks, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := controls.Evaluate(fromPaths, opts)
	if err != nil {
		t.Fatal(err)
	}
	key := func(rep *controls.Report) []string {
		var out []string
		for _, r := range rep.Results {
			out = append(out, r.Environment+" "+r.Stack+" "+r.Control.ID+" "+string(r.Status))
		}
		sort.Strings(out)
		return out
	}
	ka, kb := key(a), key(b)
	if len(ka) != len(kb) {
		t.Fatalf("report path has %d results, gate path %d", len(ka), len(kb))
	}
	for i := range ka {
		if ka[i] != kb[i] {
			t.Errorf("report %q vs gate %q", ka[i], kb[i])
		}
	}
}
