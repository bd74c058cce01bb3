package labresult

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// Files that are refused on their own, with the reason.
var corpusRefused = map[string]string{
	"Bundle-f001.json":                      "unresolved-reference", // results point outside the bundle
	"DiagnosticReport-f201.json":            "no-results",           // a CT report: no lab Observation
	"diagnosticreport-cbc.json":             "unresolved-reference", // US Core: Observations in other files
	"diagnosticreport-metabolic-panel.json": "unresolved-reference",
}

// TestCorpusParseNormalizeInvariants parses and normalizes every corpus file
// and checks properties that must hold for every result.
func TestCorpusParseNormalizeInvariants(t *testing.T) {
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			body := readCorpus(t, filepath.Join(filepath.Base(filepath.Dir(path)), name))
			m, err := Parse(formatOf(path), body)
			if want, refused := corpusRefused[name]; refused {
				ps := validationProblems(t, err)
				if want == "unresolved-reference" && !strings.Contains(ps[0].Problem, "does not resolve") {
					t.Errorf("want unresolved reference problem, got %+v", ps)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.PatientID == "" || m.AccessionID == "" {
				t.Errorf("patient or accession missing: %q %q", m.PatientID, m.AccessionID)
			}
			rep := Normalize(m, fixedNow)
			if len(rep.Results) == 0 {
				t.Fatal("no results")
			}
			for _, r := range rep.Results {
				checkInvariants(t, r)
			}
			for _, is := range rep.Issues {
				if is.Field == "" || is.Code == "" || is.Message == "" || (is.Severity != SeverityWarning && is.Severity != SeverityRejected) {
					t.Errorf("malformed issue %+v", is)
				}
			}
		})
	}
}

func checkInvariants(t *testing.T, r Result) {
	t.Helper()
	switch r.Flag {
	case FlagNormal, FlagLow, FlagHigh, FlagCriticalLow, FlagCriticalHigh, FlagAbnormal, FlagNone:
	default:
		t.Errorf("%s: unknown flag %q", r.Source, r.Flag)
	}
	if r.RangeSource == RangeNone && (r.Flag == FlagNormal || r.Flag == FlagLow || r.Flag == FlagHigh) {
		t.Errorf("%s: flag %s without a reference range", r.Source, r.Flag)
	}
	if r.RangeSource != RangeNone && r.RangeSource != RangeSender && !strings.HasPrefix(r.RangeSource, "table:") {
		t.Errorf("%s: bad range source %q", r.Source, r.RangeSource)
	}
	if r.Critical != (r.Flag == FlagCriticalLow || r.Flag == FlagCriticalHigh) {
		t.Errorf("%s: critical %v with flag %s", r.Source, r.Critical, r.Flag)
	}
	if r.Rejected && (r.Numeric || r.Flag != FlagNone) {
		t.Errorf("%s: rejected result still numeric/flagged: %+v", r.Source, r)
	}
	if _, _, unit, known := LookupAnalyte(r.Code); known && r.Numeric && r.Unit != unit {
		t.Errorf("%s: %s normalized to %q, want canonical %q", r.Source, r.Code, r.Unit, unit)
	}
	if r.Original.Value == "" && r.Numeric {
		t.Errorf("%s: numeric result without original value", r.Source)
	}
}

// Defect: Observation-f005 hemoglobin range 7.5-10 labelled g/dL is mmol/L.
func TestDefectF005HemoglobinRangeIsMmol(t *testing.T) {
	rep := parseNormalize(t, FormatFHIR, readCorpus(t, "fhir-r4-examples/Observation-f005.json"))
	r := oneBySent(t, rep, "718-7")
	checkNum(t, "value", r.Value, 7.2)
	if r.Unit != "g/dL" || r.Flag != FlagLow || !strings.HasPrefix(r.RangeSource, "table:Tietz") {
		t.Errorf("got unit %q flag %s range %s, want g/dL L from the Tietz table", r.Unit, r.Flag, r.RangeSource)
	}
	// sex unknown: union of the adult male and female ranges
	checkPtr(t, "ref low", r.RefLow, 12.0)
	checkPtr(t, "ref high", r.RefHigh, 17.5)
	is := requireIssue(t, rep, CodeRangeUnitMismatch, SeverityWarning, "Observation.referenceRange")
	if !strings.Contains(is.Message, "mmol/L") {
		t.Errorf("issue should name mmol/L: %s", is.Message)
	}
}

// Defect: Bundle-f001 result references do not resolve inside the bundle.
func TestDefectBundleF001UnresolvedReferences(t *testing.T) {
	_, err := Parse(FormatFHIR, readCorpus(t, "fhir-r4-examples/Bundle-f001.json"))
	ps := validationProblems(t, err)
	if len(ps) != 5 {
		t.Fatalf("want 5 unresolved references, got %d: %+v", len(ps), ps)
	}
	for i, p := range ps {
		if want := fmt.Sprintf("Bundle.entry[0].resource.result[%d].reference", i); p.Field != want {
			t.Errorf("problem %d at %q, want %q", i, p.Field, want)
		}
	}

	// With two of the five Observations added, the report is accepted and
	// the three missing ones are warnings.
	b := bundleWith(t, readCorpus(t, "fhir-r4-examples/Bundle-f001.json"),
		"fhir-r4-examples/Observation-f001.json", "fhir-r4-examples/Observation-f002.json")
	rep := parseNormalize(t, FormatFHIR, b)
	if len(rep.Results) != 2 {
		t.Fatalf("want 2 results, got %d", len(rep.Results))
	}
	if got := issues(rep, CodeUnresolvedReference); len(got) != 3 || got[0].Field != "Bundle.entry[0].resource.result[2].reference" {
		t.Fatalf("want 3 unresolved-reference warnings from result[2], got %s", dumpIssues(got))
	}
	// glucose 6.3 mmol/L -> 113.5 mg/dL, sender range 3.1-6.2 mmol/L -> 55.85-111.7 mg/dL
	g := oneBySent(t, rep, "15074-8")
	if g.Code != "2345-7" || g.Unit != "mg/dL" || g.Flag != FlagHigh || g.RangeSource != RangeSender {
		t.Errorf("glucose: %+v", g)
	}
	checkNum(t, "glucose", g.Value, 113.5)
	checkPtr(t, "glucose high", g.RefHigh, 111.7)
}

// Full Bundle-f001 with all five observations: f005's defect is found at
// its bundle path.
func TestBundleF001Completed(t *testing.T) {
	b := bundleWith(t, readCorpus(t, "fhir-r4-examples/Bundle-f001.json"),
		"fhir-r4-examples/Observation-f001.json", "fhir-r4-examples/Observation-f002.json",
		"fhir-r4-examples/Observation-f003.json", "fhir-r4-examples/Observation-f004.json",
		"fhir-r4-examples/Observation-f005.json")
	rep := parseNormalize(t, FormatFHIR, b)
	if len(rep.Results) != 5 || len(issues(rep, CodeUnresolvedReference)) != 0 {
		t.Fatalf("want 5 resolved results, got %d, issues %s", len(rep.Results), dumpIssues(rep.Issues))
	}
	requireIssue(t, rep, CodeRangeUnitMismatch, SeverityWarning, "Bundle.entry[6].resource.referenceRange")
	// f004: RBC 4.12 10*12/L == 4.12 10*6/uL; the sender range is age-banded text
	rbc := oneBySent(t, rep, "789-8")
	checkNum(t, "rbc", rbc.Value, 4.12)
	if rbc.Unit != "10*6/uL" || rbc.Original.Unit != "10*12/L" {
		t.Errorf("rbc units %q (orig %q)", rbc.Unit, rbc.Original.Unit)
	}
	requireIssue(t, rep, CodeRangeUnparsable, SeverityWarning, "Bundle.entry[5].resource.referenceRange")
	// f002 base excess and f003 pCO2 are outside the table: kept as sent with the sender range
	be := oneBySent(t, rep, "11555-0")
	if be.Unit != "mmol/L" || be.RangeSource != RangeSender || be.Flag != FlagHigh {
		t.Errorf("base excess: %+v", be)
	}
	requireIssue(t, rep, CodeUnknownCode, SeverityWarning, "Bundle.entry[3].resource.code")
	if rep.Status != StatusFinal || rep.PatientID != "f001" {
		t.Errorf("header: status %s patient %q", rep.Status, rep.PatientID)
	}
}

// Defect: Bundle-lipids mass LOINC codes with mmol/L values; narrative LDL 4.2 vs 4.6.
func TestDefectLipidsMassCodesMolarValues(t *testing.T) {
	rep := parseNormalize(t, FormatFHIR, readCorpus(t, "fhir-r4-examples/Bundle-lipids.json"))
	requireIssue(t, rep, CodeUnitMismatchCode, SeverityWarning, "Bundle.entry[3].resource.valueQuantity") // 2085-9 HDL
	requireIssue(t, rep, CodeUnitMismatchCode, SeverityWarning, "Bundle.entry[4].resource.valueQuantity") // 13457-7 LDL
	forbidIssue(t, rep, CodeUnitMismatchCode, "Bundle.entry[1]")                                          // 35200-5 is mass-or-moles
	nm := requireIssue(t, rep, CodeNarrativeMismatch, SeverityWarning, "Bundle.entry[0].resource.text.div")
	if !strings.Contains(nm.Message, "Bundle.entry[4]") {
		t.Errorf("narrative issue should point at the LDL entry: %s", nm.Message)
	}
	if n := len(issues(rep, CodeNarrativeMismatch)); n != 1 {
		t.Errorf("want exactly one narrative mismatch (LDL), got %d", n)
	}
	tests := []struct {
		sent, code      string
		value           float64
		refLow, refHigh float64 // 0 = absent
		flag            Flag
	}{
		{"35200-5", "2093-3", 243.6, 0, 174.0, FlagHigh},   // 6.3 mmol/L * 38.665
		{"35217-9", "2571-8", 115.1, 0, 177.1, FlagNormal}, // 1.3 mmol/L * 88.57
		{"2085-9", "2085-9", 50.26, 58.0, 0, FlagLow},      // HDL 1.3 < 1.5 mmol/L
		{"13457-7", "13457-7", 177.9, 0, 116.0, FlagHigh},  // LDL 4.6 > 3.0 mmol/L
	}
	for _, tc := range tests {
		r := oneBySent(t, rep, tc.sent)
		if r.Code != tc.code || r.Unit != "mg/dL" || r.Flag != tc.flag || r.RangeSource != RangeSender || r.Original.Unit != "mmol/L" {
			t.Errorf("%s: code %s unit %s flag %s range %s orig %+v", tc.sent, r.Code, r.Unit, r.Flag, r.RangeSource, r.Original)
		}
		checkNum(t, tc.sent+" value", r.Value, tc.value)
		if tc.refLow != 0 {
			checkPtr(t, tc.sent+" low", r.RefLow, tc.refLow)
		}
		if tc.refHigh != 0 {
			checkPtr(t, tc.sent+" high", r.RefHigh, tc.refHigh)
		}
	}
}

// Defect: Bundle-ghp quantities with unit text but no UCUM code; panels via hasMember.
func TestDefectGHPUnitTextWithoutUCUM(t *testing.T) {
	rep := parseNormalize(t, FormatFHIR, readCorpus(t, "fhir-r4-examples/Bundle-ghp.json"))
	if len(rep.Results) != 48 {
		t.Fatalf("want 48 member results of the 3 panels, got %d", len(rep.Results))
	}
	n := len(issues(rep, CodeNoUCUMCode))
	if n < 10 {
		t.Errorf("want a no-ucum-code warning per quantity without code, got %d", n)
	}
	requireIssue(t, rep, CodeNoUCUMCode, SeverityWarning, "Bundle.entry[23].resource.valueQuantity.code") // sodium
	requireIssue(t, rep, CodeNoUCUMCode, SeverityWarning, "Bundle.entry[7].resource.valueQuantity.code")  // hematocrit
	forbidIssue(t, rep, CodeNoUCUMCode, "Bundle.entry[5].")                                               // Hb has a code
	tests := []struct {
		sent, code, unit string
		value            float64
		flag             Flag
		rangeSrc         string
	}{
		{"2951-2", "2951-2", "mmol/L", 140, FlagNormal, RangeSender},
		{"14749-6", "2345-7", "mg/dL", 133.3, FlagNormal, RangeSender}, // glucose 7.4 mmol/L
		{"14682-9", "2160-0", "mg/dL", 1.018, FlagNormal, RangeSender}, // creatinine 0.09 mmol/L = 90 umol/L
		{"14937-7", "3094-0", "mg/dL", 13.17, FlagNormal, RangeSender}, // urea N 4.7 mmol/L
		{"2000-8", "17861-6", "mg/dL", 9.539, FlagNormal, RangeSender}, // calcium 2.38 mmol/L
		{"718-7", "718-7", "g/dL", 17.6, FlagNormal, RangeSender},      // 176 g/L
		{"4544-3", "4544-3", "%", 55, FlagHigh, RangeSender},
		{"777-3", "777-3", "10*3/uL", 444, FlagNormal, RangeSender}, // 10*9/L
		{"751-8", "751-8", "10*3/uL", 0.9, FlagLow, RangeSender},    // sender said LL; not below our 0.5 critical
		{"770-8", "770-8", "%", 20, FlagLow, "table:" + citeTietz},  // no sender range
		{"704-7", "704-7", "10*3/uL", 0.92, FlagHigh, RangeSender},  // high-only range
		{"1742-6", "1742-6", "U/L", 54, FlagHigh, RangeSender},
	}
	for _, tc := range tests {
		r := oneBySent(t, rep, tc.sent)
		if r.Code != tc.code || r.Unit != tc.unit || r.Flag != tc.flag || r.RangeSource != tc.rangeSrc {
			t.Errorf("%s: got code %s unit %s flag %s range %s", tc.sent, r.Code, r.Unit, r.Flag, r.RangeSource)
		}
		checkNum(t, tc.sent, r.Value, tc.value)
	}
	if p := oneBySent(t, rep, "718-7").Panel; p != "CBC" {
		t.Errorf("hemoglobin panel %q, want CBC", p)
	}
	// urinalysis text results are kept as text, unflagged
	u := oneBySent(t, rep, "2887-8")
	if u.Numeric || u.Text != "Negative" || u.Flag != FlagNone {
		t.Errorf("urine protein: %+v", u)
	}
	// comparator kept: "<1 /uL"
	e := oneBySent(t, rep, "30391-7")
	if e.Comparator != "<" || e.Original.Comparator != "<" || e.Flag != FlagNone {
		t.Errorf("urine RBC comparator: %+v", e)
	}
}

// Defect: US Core hematocrit, MCH and MCV ranges have low > high while flagged N.
func TestDefectUSCoreLowGreaterThanHigh(t *testing.T) {
	tests := []struct {
		file, code string
		value      float64
		low, high  float64 // the table range used instead (sex unknown: union)
	}{
		{"observation-cbc-hematocrit.json", "4544-3", 43, 36, 53},
		{"observation-cbc-mch.json", "785-6", 30, 26, 34},
		{"observation-cbc-mcv.json", "787-2", 85, 80, 100},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rep := parseNormalize(t, FormatFHIR, readCorpus(t, "us-core/"+tc.file))
			requireIssue(t, rep, CodeRangeLowGtHigh, SeverityWarning, "Observation.referenceRange")
			r := oneBySent(t, rep, tc.code)
			if !strings.HasPrefix(r.RangeSource, "table:") || r.Flag != FlagNormal {
				t.Errorf("want table range and N, got %s %s", r.RangeSource, r.Flag)
			}
			checkNum(t, "value", r.Value, tc.value)
			checkPtr(t, "low", r.RefLow, tc.low)
			checkPtr(t, "high", r.RefHigh, tc.high)
		})
	}
}

// Defect: US Core BUN and calcium lack a UCUM code.
func TestDefectUSCoreMissingUCUMCode(t *testing.T) {
	for _, tc := range []struct {
		file, code string
		flag       Flag
	}{{"observation-serum-bun.json", "3094-0", FlagNormal}, {"observation-serum-calcium.json", "17861-6", FlagLow}} {
		rep := parseNormalize(t, FormatFHIR, readCorpus(t, "us-core/"+tc.file))
		requireIssue(t, rep, CodeNoUCUMCode, SeverityWarning, "Observation.valueQuantity.code")
		r := oneBySent(t, rep, tc.code)
		if r.Unit != "mg/dL" || r.Flag != tc.flag || r.RangeSource != RangeSender || r.Rejected {
			t.Errorf("%s: %+v", tc.file, r)
		}
	}
	// the files with a code raise no such warning
	rep := parseNormalize(t, FormatFHIR, readCorpus(t, "us-core/observation-serum-glucose.json"))
	forbidIssue(t, rep, CodeNoUCUMCode, "")
}

// The US Core reports reference Observations in other files: assembled into
// one bundle they resolve, in report order.
func TestUSCoreAssembledBundles(t *testing.T) {
	cbc := []string{"leukocytes", "erythrocytes", "hemoglobin", "hematocrit", "mcv", "mch", "mchc", "platelets"}
	var files []string
	for _, n := range cbc {
		files = append(files, "us-core/observation-cbc-"+n+".json")
	}
	rep := parseNormalize(t, FormatFHIR, bundleOf(t, append([]string{"us-core/diagnosticreport-cbc.json"}, files...)...))
	want := []string{"6690-2", "789-8", "718-7", "4544-3", "787-2", "785-6", "786-4", "777-3"}
	if len(rep.Results) != len(want) {
		t.Fatalf("want %d results, got %d: %s", len(want), len(rep.Results), dumpIssues(rep.Issues))
	}
	for i, c := range want {
		if rep.Results[i].Code != c {
			t.Errorf("result %d is %s, want %s", i, rep.Results[i].Code, c)
		}
	}
	if mchc := oneBySent(t, rep, "786-4"); mchc.Flag != FlagHigh {
		t.Errorf("MCHC 34.7 vs 30-34 should be H, got %s", mchc.Flag)
	}
	if len(issues(rep, CodeRangeLowGtHigh)) != 3 {
		t.Errorf("want 3 low>high warnings, got %s", dumpIssues(rep.Issues))
	}

	bmp := []string{"sodium", "potassium", "creatinine", "co2", "chloride", "calcium", "bun", "glucose"}
	files = nil
	for _, n := range bmp {
		files = append(files, "us-core/observation-serum-"+n+".json")
	}
	rep = parseNormalize(t, FormatFHIR, bundleOf(t, append([]string{"us-core/diagnosticreport-metabolic-panel.json"}, files...)...))
	if len(rep.Results) != 8 {
		t.Fatalf("want 8 BMP results, got %d", len(rep.Results))
	}
	if c := oneBySent(t, rep, "2160-0"); c.Flag != FlagHigh || c.RangeSource != RangeSender {
		t.Errorf("creatinine 1.0 vs sender 0.2-0.6: %+v", c)
	}
	if k := oneBySent(t, rep, "2823-3"); k.Flag != FlagNormal || k.Critical {
		t.Errorf("potassium 5.4: %+v", k)
	}
}

// Defect: the NIST LRI CBC sends hemoglobin 12.5 g/mL (and uses LF).
func TestDefectLRIHemoglobinGramsPerMillilitre(t *testing.T) {
	body := readCorpus(t, "hl7v2/LRI_2.0-NG_CBC_Typ_Message.hl7")
	if strings.Contains(string(body), "\r") {
		t.Fatal("corpus file changed: expected LF-only segment terminators")
	}
	m := mustParse(t, FormatHL7v2, body)
	if m.ControlID != "NIST-LRI-NG-002.00" || m.SchemaVersion != "2.5.1" || m.AccessionID != "R-991133" || m.PatientSex != SexMale {
		t.Errorf("header: %+v", m)
	}
	rep := Normalize(m, fixedNow)
	requireIssue(t, rep, CodeSegmentTerminator, SeverityWarning, "MSH")
	if len(rep.Results) != 28 {
		t.Fatalf("want 28 OBX results, got %d", len(rep.Results))
	}
	hb := oneBySent(t, rep, "718-7")
	if !hb.Rejected || hb.Numeric || hb.Flag != FlagNone || hb.Value != 0 || hb.Original.Value != "12.5" || hb.Original.Unit != "g/mL" {
		t.Errorf("hemoglobin must be rejected, not converted: %+v", hb)
	}
	is := requireIssue(t, rep, CodeImplausibleValue, SeverityRejected, "OBX[2].5")
	if !strings.Contains(is.Message, "1250 g/dL") {
		t.Errorf("issue should show what the conversion would give: %s", is.Message)
	}
	forbidIssue(t, rep, CodeNonUCUMUnit, "") // {cells}/uL, pg/{cell}, 10*3/uL are UCUM
	wbc := oneBySent(t, rep, "26464-8")
	if wbc.Code != "6690-2" || wbc.Unit != "10*3/uL" || wbc.Flag != FlagCriticalHigh || !wbc.Critical || wbc.RangeSource != RangeSender {
		t.Errorf("WBC 105600 {cells}/uL: %+v", wbc)
	}
	checkNum(t, "wbc", wbc.Value, 105.6)
	checkPtr(t, "wbc low", wbc.RefLow, 4.3) // "4300 to 10800" {cells}/uL
	plt := oneBySent(t, rep, "26515-7")
	checkNum(t, "platelets", plt.Value, 210)
	if plt.Flag != FlagNormal {
		t.Errorf("platelets flag %s", plt.Flag)
	}
	if !rep.Critical || !rep.Abnormal {
		t.Error("report should be critical and abnormal")
	}
	// text findings keep their text and the sender's abnormal flag as A
	morph := oneBySent(t, rep, "6742-1")
	if morph.Text != "Many spherocytes present." || morph.Flag != FlagAbnormal {
		t.Errorf("morphology: %+v", morph)
	}
}

// Defect: LAB-ORU-1/2 non-UCUM units, statuses P and I, BOM, morphology codes sent as counts.
func TestDefectLabORUNonUCUM(t *testing.T) {
	m1 := mustParse(t, FormatHL7v2, readCorpus(t, "hl7v2/LAB-ORU-1.hl7"))
	if m1.ControlID != "182" || m1.Status != StatusPreliminary {
		t.Errorf("LAB-ORU-1 (BOM, OBX statuses P and I): control %q status %s", m1.ControlID, m1.Status)
	}
	rep1 := Normalize(m1, fixedNow)
	requireIssue(t, rep1, CodeByteOrderMark, SeverityWarning, "MSH")
	requireIssue(t, rep1, CodeNoValue, SeverityWarning, "OBX[3].5") // hemoglobin pending (I)
	if r := rep1.Results[2]; r.Status != "I" || r.Flag != FlagNone {
		t.Errorf("pending result: %+v", r)
	}
	requireIssue(t, rep1, CodeCodeValueMismatch, SeverityRejected, "OBX[5].3") // platelet morphology with 221 giga.l-1

	m2 := mustParse(t, FormatHL7v2, readCorpus(t, "hl7v2/LAB-ORU-2.hl7"))
	if m2.Status != StatusFinal {
		t.Errorf("LAB-ORU-2 is all final, got %s", m2.Status)
	}
	rep := Normalize(m2, fixedNow)
	hb := oneBySent(t, rep, "20509-6")
	if hb.Code != "718-7" || !hb.Rejected || hb.Original.Unit != "g/l-1" {
		t.Errorf("hemoglobin g/l-1 must be rejected as unknown unit: %+v", hb)
	}
	requireIssue(t, rep, CodeUnknownUnit, SeverityRejected, "OBX[6].6")
	requireIssue(t, rep, CodeCodeValueMismatch, SeverityRejected, "OBX[7].3")  // 11156-7 morphology with 8.2 giga.l-1
	requireIssue(t, rep, CodeCodeValueMismatch, SeverityRejected, "OBX[10].3") // 11125-2 morphology with 220 giga.l-1
	requireIssue(t, rep, CodeUnknownCode, SeverityWarning, "OBX[8].3")         // 11273-0 not in the table
	requireIssue(t, rep, CodeNonUCUMUnit, SeverityWarning, "OBX[8].6")         // tera.l-1 kept as sent, reported
	hct := oneBySent(t, rep, "20570-8")
	if hct.Code != "4544-3" || hct.Flag != FlagLow || hct.RangeSource != "table:"+citeTietz {
		t.Errorf("hematocrit 39.7 (male adult 41-53): %+v", hct)
	}
	requireIssue(t, rep, CodeFlagDisagrees, SeverityWarning, "OBX[9].8")
	// giga.l-1 itself is a known spelling of 10*9/L: under a real count code it converts.
	body := strings.Replace(string(readCorpus(t, "hl7v2/LAB-ORU-2.hl7")), "11125-2^PLATELETS", "777-3^PLATELETS", 1)
	rep = parseNormalize(t, FormatHL7v2, []byte(body))
	plt := oneBySent(t, rep, "777-3")
	if plt.Rejected || plt.Unit != "10*3/uL" || plt.Value != 220 || plt.Flag != FlagNormal {
		t.Errorf("777-3 220 giga.l-1: %+v", plt)
	}
	if is := requireIssue(t, rep, CodeNonUCUMUnit, SeverityWarning, "OBX[10].6"); !strings.Contains(is.Message, "10*9/L") {
		t.Errorf("non-UCUM warning should name the UCUM code: %s", is.Message)
	}
}

// Defect: ORU-R01-01 is structurally unusual; it must parse without panic.
func TestDefectORUR0101Unusual(t *testing.T) {
	m := mustParse(t, FormatHL7v2, readCorpus(t, "hl7v2/ORU-R01-01.hl7"))
	rep := Normalize(m, fixedNow)
	requireIssue(t, rep, "unsupported-value-type", SeverityWarning, "OBX[1].2") // RP
	requireIssue(t, rep, CodeMissingCode, SeverityWarning, "OBX[2].3")          // ED with no OBX-3
	requireIssue(t, rep, "repeated-value", SeverityWarning, "OBX[5].5")         // 27~25
	requireIssue(t, rep, CodeUnknownCode, SeverityWarning, "OBX[3].3")          // system XYZ
	if m.Status != StatusPreliminary || m.AccessionID != "986" || m.PatientID != "14" {
		t.Errorf("header: status %s accession %q patient %q", m.Status, m.AccessionID, m.PatientID)
	}
}

func TestRMGEADUnparsableRangeAndNonLOINCSystem(t *testing.T) {
	rep := parseNormalize(t, FormatHL7v2, readCorpus(t, "hl7v2/ORU-R01-RMGEAD.hl7"))
	r := oneBySent(t, rep, "1554-5")
	if r.RangeSource != RangeNone || r.Flag != FlagNone || r.Value != 182 {
		t.Errorf("glucose with non-LOINC system: %+v", r)
	}
	requireIssue(t, rep, CodeUnknownCode, SeverityWarning, "OBX[1].3")
	if rep.PatientSex != SexFemale || rep.AgeYears != 39 { // born 1962-03-20, collected 2002-02-15
		t.Errorf("sex %s age %d", rep.PatientSex, rep.AgeYears)
	}
}

// bundleWith adds corpus files as entries of an existing bundle.
func bundleWith(t testing.TB, bundle []byte, files ...string) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatal(err)
	}
	entries, _ := b["entry"].([]any)
	for _, f := range files {
		var r map[string]any
		if err := json.Unmarshal(readCorpus(t, f), &r); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, map[string]any{
			"fullUrl":  fmt.Sprintf("https://example.com/base/%s/%s", r["resourceType"], r["id"]),
			"resource": r,
		})
	}
	b["entry"] = entries
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// bundleOf builds a collection bundle from corpus files.
func bundleOf(t testing.TB, files ...string) []byte {
	return bundleWith(t, []byte(`{"resourceType":"Bundle","type":"collection","entry":[]}`), files...)
}
