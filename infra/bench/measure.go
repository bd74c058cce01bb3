package bench

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Measure runs f n times and reports the median, minimum and maximum seconds as benchmark
// metrics (median-s, min-s, max-s), so one `go test -bench -benchtime 1x` run yields medians
// on a shared, noisy machine.
func Measure(b *testing.B, n int, f func(i int) error) {
	b.Helper()
	var d []float64
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := f(i); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start).Seconds())
	}
	slices.Sort(d)
	b.ReportMetric(d[len(d)/2], "median-s")
	b.ReportMetric(d[0], "min-s")
	b.ReportMetric(d[len(d)-1], "max-s")
	b.ReportMetric(float64(n), "samples")
}

// Samples is the number of samples a benchmark takes: LABSECURE_BENCH_SAMPLES, else def.
func Samples(def int) int {
	if n, err := strconv.Atoi(os.Getenv("LABSECURE_BENCH_SAMPLES")); err == nil && n > 0 {
		return n
	}
	return def
}
