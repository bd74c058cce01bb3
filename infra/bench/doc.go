// Package bench measures what building and synthesizing the labsecure app costs: a cold
// build of the app (empty Go build cache), a warm relink-and-synth of every environment, and
// synth with the CDK built-in CloudFormation validator on and off. Each benchmark runs its
// own samples (LABSECURE_BENCH_SAMPLES, default 5; cold build default 3) and reports the
// median, so run it with -benchtime 1x: `make bench-synth`.
package bench
