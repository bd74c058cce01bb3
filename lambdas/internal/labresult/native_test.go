package labresult

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestNativeExample(t *testing.T) {
	body, err := os.ReadFile("testdata/native-cmp.json")
	if err != nil {
		t.Fatal(err)
	}
	m := mustParse(t, FormatNative, body)
	if m.AccessionID != "ACC-2026-0001" || m.PatientID != "LAB-PAT-42" || m.LabID != "ACME-LAB" || m.Status != StatusFinal ||
		m.PatientSex != SexFemale || m.PatientBirthDate.Year() != 1985 || m.Collected.IsZero() || m.Issued.IsZero() || m.SchemaVersion != "1" {
		t.Fatalf("header: %+v", m)
	}
	rep := Normalize(m, nil)
	if rep.AgeYears != 40 { // collected 2026-01-10, born 1985-06-30
		t.Errorf("age %d", rep.AgeYears)
	}
	tests := []struct {
		code, unit, cmp string
		value           float64
		flag            Flag
		rangeSrc        string
	}{
		{"2345-7", "mg/dL", "", 99.09, FlagHigh, "table:" + citeADA},      // 5.5 mmol/L * 18.016 = 99.088 > 99
		{"2823-3", "mmol/L", "", 6.5, FlagCriticalHigh, RangeSender},      // above the 6.2 critical limit
		{"2951-2", "mmol/L", "", 138, FlagNormal, "table:" + citeTietz},   // mEq/L == mmol/L for sodium
		{"2160-0", "mg/dL", "", 0.905, FlagNormal, "table:" + citeTietz},  // 80 umol/L / 88.4; female 0.6-1.1
		{"3094-0", "mg/dL", ">", 100, FlagHigh, "table:" + citeTietz},     // >100 certainly above 20
		{"1742-6", "U/L", "<", 5, FlagLow, "table:" + citeTietz},          // <5 certainly below 7 (female 7-35)
		{"2093-3", "mg/dL", "", 201.1, FlagHigh, "table:" + citeATP3},     // 5.2 mmol/L
		{"3016-3", "m[IU]/L", "", 2.1, FlagNormal, "table:" + citeTietz},  // uIU/mL == mIU/L
		{"17861-6", "mg/dL", "", 9.619, FlagNormal, "table:" + citeTietz}, // 2.4 mmol/L / 0.2495
		{"718-7", "g/dL", "", 13.05, FlagNormal, "table:" + citeTietz},    // 8.1 mmol/L / 0.6206; female 12-15.5
	}
	for i, tc := range tests {
		r := rep.Results[i]
		if r.Code != tc.code || r.Unit != tc.unit || r.Comparator != tc.cmp || r.Flag != tc.flag || r.RangeSource != tc.rangeSrc {
			t.Errorf("results[%d] %s: got code %s unit %s cmp %q flag %s range %s", i, tc.code, r.Code, r.Unit, r.Comparator, r.Flag, r.RangeSource)
		}
		checkNum(t, tc.code, r.Value, tc.value)
		if r.Source != fmt.Sprintf("results[%d]", i) {
			t.Errorf("source %q", r.Source)
		}
	}
	requireIssue(t, rep, CodeComparatorAmbiguous, SeverityWarning, "results[10].value")
	requireIssue(t, rep, CodeUnitMismatchCode, SeverityWarning, "results[0].unit") // mass code, molar unit
	if !rep.Critical || !rep.Abnormal {
		t.Error("report should be critical")
	}
	if o := rep.Results[3].Original; o.Value != "80" || o.Unit != "umol/L" {
		t.Errorf("original kept: %+v", o)
	}
}

func TestNativeRejections(t *testing.T) {
	base := `{"schema_version":"1","accession_id":"A","patient_id":"P","lab_id":"L","status":"F","results":[{"loinc":"718-7","value":13,"unit":"g/dL"}]}`
	tests := []struct {
		name, body, field, contains string
	}{
		{"not json", `{"schema_version":`, "$", "not valid JSON"},
		{"array", `[1]`, "$", "not a JSON object"},
		{"trailing data", base + `{}`, "$", "data follows"},
		{"bad version", strings.Replace(base, `"1"`, `"2"`, 1), "schema_version", "not supported"},
		{"numeric version", strings.Replace(base, `"schema_version":"1"`, `"schema_version":1`, 1), "schema_version", "not a string"},
		{"missing version", strings.Replace(base, `"schema_version":"1",`, ``, 1), "schema_version", "missing"},
		{"missing patient", strings.Replace(base, `"patient_id":"P",`, ``, 1), "patient_id", "missing"},
		{"empty accession", strings.Replace(base, `"accession_id":"A"`, `"accession_id":"  "`, 1), "accession_id", "empty"},
		{"bad status", strings.Replace(base, `"status":"F"`, `"status":"X"`, 1), "status", "not P, F or C"},
		{"unknown top field", strings.Replace(base, `"lab_id":"L",`, `"lab_id":"L","extra":1,`, 1), "extra", "unknown field"},
		{"unknown result field", strings.Replace(base, `"unit":"g/dL"`, `"unit":"g/dL","units":"x"`, 1), "results[0].units", "unknown field"},
		{"missing results", strings.Replace(base, `,"results":[{"loinc":"718-7","value":13,"unit":"g/dL"}]`, ``, 1), "results", "missing"},
		{"empty results", strings.Replace(base, `[{"loinc":"718-7","value":13,"unit":"g/dL"}]`, `[]`, 1), "results", "empty"},
		{"results not array", strings.Replace(base, `[{"loinc":"718-7","value":13,"unit":"g/dL"}]`, `{}`, 1), "results", "not an array"},
		{"result not object", strings.Replace(base, `[{"loinc":"718-7","value":13,"unit":"g/dL"}]`, `[{"loinc":"718-7","value":13},5]`, 1), "results[1]", "not an object"},
		{"missing value", strings.Replace(base, `"value":13,`, ``, 1), "results[0].value", "missing"},
		{"bool value", strings.Replace(base, `"value":13`, `"value":true`, 1), "results[0].value", "neither"},
		{"bad loinc", strings.Replace(base, `"718-7"`, `"hemoglobin"`, 1), "results[0].loinc", "not a LOINC"},
		{"bad check digit", strings.Replace(base, `"718-7"`, `"718-8"`, 1), "results[0].loinc", "check digit"},
		{"ref not number", strings.Replace(base, `"unit":"g/dL"`, `"unit":"g/dL","ref_low":"12"`, 1), "results[0].ref_low", "not a number"},
		{"bad birth date", strings.Replace(base, `"status":"F"`, `"status":"F","patient_birth_date":"15/02/1980"`, 1), "patient_birth_date", "YYYY-MM-DD"},
		{"bad sex", strings.Replace(base, `"status":"F"`, `"status":"F","patient_sex":"male"`, 1), "patient_sex", "not M, F or U"},
		{"bad collected", strings.Replace(base, `"status":"F"`, `"status":"F","collected_at":"yesterday"`, 1), "collected_at", "RFC 3339"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(FormatNative, []byte(tc.body))
			requireProblem(t, err, tc.field, tc.contains)
		})
	}
	// every problem is reported at once
	_, err := Parse(FormatNative, []byte(`{"schema_version":"9","results":[{"value":1,"x":2}]}`))
	if ps := validationProblems(t, err); len(ps) < 6 {
		t.Errorf("want all problems listed, got %+v", ps)
	}
}

func TestNativeValues(t *testing.T) {
	tests := []struct {
		value    string
		cmp, val string
		numeric  bool
	}{
		{`13.20`, "", "13.20", true},
		{`"<5"`, "<", "5", true},
		{`">= 200"`, ">=", "200", true},
		{`"=7"`, "", "7", true},
		{`"negative"`, "", "negative", false},
		{`1e2`, "", "1e2", true},
		{`-3`, "", "-3", true},
	}
	for _, tc := range tests {
		body := `{"schema_version":"1","accession_id":"A","patient_id":"P","lab_id":"L","status":"P","results":[{"loinc":"2345-7","value":` + tc.value + `,"unit":"mg/dL"}]}`
		m := mustParse(t, FormatNative, []byte(body))
		r := m.Results[0]
		if r.Comparator != tc.cmp || r.Value != tc.val || r.Numeric != tc.numeric {
			t.Errorf("value %s: got %q %q %v", tc.value, r.Comparator, r.Value, r.Numeric)
		}
	}
}
