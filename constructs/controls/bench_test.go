package controls_test

import (
	"testing"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

// BenchmarkEvaluateAll runs every control over every template of the compliant four-stack
// fixture (the largest fixture; test/controls benchmarks the synthesized app). Target:
// well under 100 ms per evaluation.
func BenchmarkEvaluateAll(b *testing.B) {
	stacks, err := controltest.Compliant().Stacks()
	if err != nil {
		b.Fatal(err)
	}
	opts := controls.Options{Now: evalTime}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := controls.Evaluate(stacks, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) == 0 {
			b.Fatal("no results")
		}
	}
}
