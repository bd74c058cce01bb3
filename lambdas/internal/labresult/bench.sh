#!/bin/sh
# Runs the corpus benchmarks 5 times and prints the median ns/op of each,
# plus the ratio parse+normalize / bare encoding/json decode (JSON files).
# Usage: lambdas/internal/labresult/bench.sh   (from the repository root)
set -eu
out=$(go test -run '^$' -bench 'Corpus' -count 5 ./lambdas/internal/labresult/)
printf '%s\n' "$out" | grep '^Benchmark'
printf '%s\n' "$out" | awk '
/^Benchmark/ { n[$1]++; v[$1, n[$1]] = $3 }
END {
	for (b in n) {
		k = n[b]
		for (i = 1; i <= k; i++) s[i] = v[b, i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
		m[b] = (k % 2) ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
		printf "median %-34s %12.0f ns/op\n", b, m[b]
	}
	for (b in m) if (b ~ /NormalizeCorpusJSON/) nj = m[b]; else if (b ~ /DecodeCorpusJSON/) dj = m[b]
	if (dj > 0) printf "ratio NormalizeCorpusJSON / DecodeCorpusJSON = %.2f\n", nj / dj
}'
