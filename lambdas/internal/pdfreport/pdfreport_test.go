package pdfreport

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

func f(v float64) *float64 { return &v }

func sample() pipeline.NormalizedResult {
	return pipeline.NormalizedResult{
		ResultID: "0f3a9c2b7d114e2a9d3b6c5e4f3a2b1c", PatientKey: "pk", LabID: "LAB-9", ReportStatus: "C",
		CollectedAt: time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC), NormalizedAt: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC),
		Abnormal: true, Critical: true,
		Observations: []pipeline.Observation{
			{Code: "718-7", Name: "Hemoglobin", Value: 13.2, Numeric: true, Unit: "g/dL", RefLow: f(12), RefHigh: f(16), RangeSource: "sender", Flag: "N"},
			{Code: "2823-3", Name: "Potassium", Value: 6.9, Numeric: true, Unit: "mmol/L", RefLow: f(3.5), RefHigh: f(5.1), RangeSource: "table:CLSI", Flag: "HH", Critical: true},
			{Code: "2345-7", Name: "Glucose", Value: 0.1 + 0.2, Numeric: true, Comparator: "<", Unit: "mmol/L", RangeSource: "none", Flag: "N/A"},
			{Code: "5778-6", Name: "Color of Urine", Text: "yellow", RangeSource: "none"},
			{Code: "33216-3", Name: "Erythrocyte morphology finding in Blood by Light microscopy", Text: "Many spherocytes present, few target cells, marked anisocytosis", RangeSource: "none", Flag: "A"},
			{Code: "718-7", Name: "Hemoglobin", OriginalValue: "12.5", OriginalUnit: "g/mL", Rejected: true, RangeSource: "none", Flag: "N/A"},
		},
		Issues: []pipeline.Issue{{Severity: "warning", Code: "implausible-value", Field: "results[4].value", Message: "value is implausible for the unit; not converted"}},
	}
}

func TestRenderContent(t *testing.T) {
	pdf, err := New(&Options{Uncompressed: true}).Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-8:], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q ... %q", pdf[:8], pdf[len(pdf)-8:])
	}
	text := string(pdf)
	for _, want := range []string{
		"Hemoglobin", "718-7", "13.2", "g/dL", "12 - 16", // value, unit, range
		"6.9", "3.5 - 5.1", "HH !", "table", // critical flag, range from the table
		"<0.3", "N/A", // comparator, no float noise, no flag without range
		"yellow", "not reported", "sent: 12.5", // text result, rejected value shown as sent
		"spherocytes", "anisocytosis", "Light microscopy", // long texts wrap instead of being cut
		"CORRECTED REPORT", "critical values", "implausible", "0f3a9c2b7d114e2a9d3b6c5e4f3a2b1c", "LAB-9",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "0.30000000000000004") {
		t.Error("float noise in the report")
	}
}

func TestRenderDeterministicAndCompressed(t *testing.T) {
	r := New(nil)
	a, err := r.Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Render(sample())
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same result differ")
	}
	plain, _ := New(&Options{Uncompressed: true}).Render(sample())
	if len(a) >= len(plain) || bytes.Contains(a, []byte("Hemoglobin")) {
		t.Errorf("default output not compressed (%d vs %d bytes)", len(a), len(plain))
	}
}

func TestRenderPaginates(t *testing.T) {
	res := sample()
	res.Observations = nil
	for i := range 120 {
		res.Observations = append(res.Observations, pipeline.Observation{Code: fmt.Sprintf("%d-0", i), Name: strings.Repeat("Very long analyte name ", 5), Value: float64(i), Numeric: true, Unit: "mg/dL"})
	}
	pdf, err := New(&Options{Uncompressed: true}).Render(res)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1))
	if pages < 3 {
		t.Errorf("%d pages for 120 rows", pages)
	}
	if n := bytes.Count(pdf, []byte("(Reference range)")); n != pages {
		t.Errorf("table header on %d of %d pages", n, pages)
	}
	if bytes.Count(pdf, []byte("119-0")) != 1 {
		t.Error("the last row is missing or repeated")
	}
}

func TestRenderEmptyAndOddInput(t *testing.T) {
	odd := pipeline.NormalizedResult{ResultID: "x", Observations: []pipeline.Observation{{Name: "Ünïcødé ☃ 测试", Value: 1e300, Numeric: true}}}
	for _, res := range []pipeline.NormalizedResult{{}, odd} {
		pdf, err := New(nil).Render(res)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("Render(%+v) = %d bytes, %v", res, len(pdf), err)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{{13.2, "13.2"}, {0.1 + 0.2, "0.3"}, {250000, "250000"}, {-0.00001, "0"}, {0.00125, "0.0013"}, {7, "7"}}
	for _, tt := range tests {
		if got := Number(tt.in); got != tt.want {
			t.Errorf("Number(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
