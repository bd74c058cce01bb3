package labresult

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared corpus beside the repository (/work/shared/corpus
// with the repo at /work/main; the same layout in CI).
const corpusDir = "../../../../shared/corpus"

// fixedNow makes ages deterministic.
var fixedNow = &NormalizeOptions{Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)}

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if err != nil {
		t.Fatalf("corpus file %s not readable (%v): the tests need the shared corpus at %s relative to the package (CI provides it)", rel, err, corpusDir)
	}
	return b
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"fhir-r4-examples", "us-core", "hl7v2"} {
		m, err := filepath.Glob(filepath.Join(corpusDir, dir, "*"))
		if err != nil || len(m) == 0 {
			t.Fatalf("corpus folder %s is missing or empty under %s: the tests need the shared corpus (CI provides it)", dir, corpusDir)
		}
		for _, f := range m {
			switch filepath.Ext(f) {
			case ".json", ".hl7":
				if filepath.Base(f) == "package.json" {
					continue
				}
				out = append(out, f)
			}
		}
	}
	return out
}

func formatOf(path string) Format {
	if filepath.Ext(path) == ".hl7" {
		return FormatHL7v2
	}
	return FormatFHIR
}

func mustParse(t testing.TB, f Format, body []byte) *Message {
	t.Helper()
	m, err := Parse(f, body)
	if err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	return m
}

func parseNormalize(t testing.TB, f Format, body []byte) *Report {
	t.Helper()
	return Normalize(mustParse(t, f, body), fixedNow)
}

// bySent returns the results whose sent code is code.
func bySent(r *Report, code string) []Result {
	var out []Result
	for _, x := range r.Results {
		if x.SentCode == code {
			out = append(out, x)
		}
	}
	return out
}

func oneBySent(t testing.TB, r *Report, code string) Result {
	t.Helper()
	xs := bySent(r, code)
	if len(xs) != 1 {
		t.Fatalf("want exactly one result sent as %s, got %d", code, len(xs))
	}
	return xs[0]
}

func issues(r *Report, code string) []Issue {
	var out []Issue
	for _, i := range r.Issues {
		if i.Code == code {
			out = append(out, i)
		}
	}
	return out
}

// requireIssue asserts an issue with code, severity and a field with prefix.
func requireIssue(t testing.TB, r *Report, code string, sev Severity, field string) Issue {
	t.Helper()
	for _, i := range r.Issues {
		if i.Code == code && i.Severity == sev && strings.HasPrefix(i.Field, field) {
			if i.Message == "" || i.Fix == "" {
				t.Errorf("issue %s at %s lacks message or fix: %+v", code, i.Field, i)
			}
			return i
		}
	}
	t.Fatalf("want %s issue %q at %q; issues: %s", sev, code, field, dumpIssues(r.Issues))
	return Issue{}
}

func forbidIssue(t testing.TB, r *Report, code, field string) {
	t.Helper()
	for _, i := range r.Issues {
		if i.Code == code && strings.HasPrefix(i.Field, field) {
			t.Fatalf("unexpected issue %s at %s: %s", code, i.Field, i.Message)
		}
	}
}

func dumpIssues(is []Issue) string {
	b, _ := json.MarshalIndent(is, "", " ")
	return string(b)
}

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-9+1e-3*math.Abs(b) }

func checkNum(t testing.TB, what string, got, want float64) {
	t.Helper()
	if !approx(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkPtr(t testing.TB, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is nil, want %v", what, want)
		return
	}
	checkNum(t, what, *got, want)
}

func validationProblems(t testing.TB, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T %v", err, err)
	}
	for _, p := range ve.Problems {
		if p.Field == "" || p.Problem == "" || p.Fix == "" {
			t.Errorf("problem lacks field, problem or fix: %+v", p)
		}
	}
	return ve.Problems
}

func requireProblem(t testing.TB, err error, field, contains string) {
	t.Helper()
	ps := validationProblems(t, err)
	for _, p := range ps {
		if p.Field == field && strings.Contains(p.Problem, contains) {
			return
		}
	}
	t.Fatalf("want problem at %q containing %q, got %+v", field, contains, ps)
}
