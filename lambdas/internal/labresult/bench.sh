#!/bin/sh
# Runs the corpus benchmarks in 5 interleaved rounds (-count=1 each round,
# so a load spike hits both sides of a ratio alike) and prints the median
# ns/op of each benchmark, the ratio of the medians and the median of the
# per-round ratios parse+normalize / bare encoding/json decode (JSON files).
# Usage: lambdas/internal/labresult/bench.sh   (from the repository root)
set -eu
bin=$(mktemp -d)/labresult.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./lambdas/internal/labresult/
cd lambdas/internal/labresult # the corpus path is relative to the package
out=""
for round in 1 2 3 4 5; do
	r=$("$bin" -test.run '^$' -test.bench 'Corpus' -test.count 1 | grep '^Benchmark' | sed "s/^/$round /")
	out="$out
$r"
done
printf '%s\n' "$out" | grep Benchmark
printf '%s\n' "$out" | awk '
function median(arr, k,   i, j, t, s) {
	for (i = 1; i <= k; i++) s[i] = arr[i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
	return (k % 2) ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
}
/Benchmark/ { b = $2; sub(/-[0-9]+$/, "", b); v[b, $1] = $4; rounds[$1] = 1; names[b] = 1 }
END {
	for (b in names) { k = 0; for (r in rounds) x[++k] = v[b, r]; printf "median %-30s %12.0f ns/op\n", b, median(x, k) }
	k = 0
	for (r in rounds) if (v["BenchmarkDecodeCorpusJSON", r] > 0) { y[++k] = v["BenchmarkNormalizeCorpusJSON", r] / v["BenchmarkDecodeCorpusJSON", r] }
	printf "median per-round ratio NormalizeCorpusJSON / DecodeCorpusJSON = %.2f (n=%d)\n", median(y, k), k
}'
