package controlsuite

import (
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/acks"
)

// BenchmarkEvaluateAll runs every control over every template of the synthesized app
// (synthesized once; CONTROLS_ASSEMBLY reuses an existing cdk.out). Target: < 100 ms.
func BenchmarkEvaluateAll(b *testing.B) {
	stacks := assembly(b)
	resources := 0
	for _, s := range stacks {
		resources += len(s.Template.Resources)
	}
	b.ReportMetric(float64(resources), "resources")
	opts := controls.Options{Acks: acks.Register, Now: time.Now()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := controls.Evaluate(stacks, opts); err != nil {
			b.Fatal(err)
		}
	}
}
