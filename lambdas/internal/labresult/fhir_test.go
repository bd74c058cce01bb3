package labresult

import (
	"strings"
	"testing"
)

const fhirPatient = `{"resourceType":"Patient","id":"pt1","identifier":[{"value":"MRN-77"}],"gender":"male","birthDate":"2015-03-01"}`

func obsJSON(id, code, extra string) string {
	return `{"resourceType":"Observation","id":"` + id + `","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"` + code + `"}]}` + extra + `}`
}

func vq(v, u string) string {
	return `,"valueQuantity":{"value":` + v + `,"unit":"` + u + `","system":"http://unitsofmeasure.org","code":"` + u + `"}`
}

func TestFHIRReferenceForms(t *testing.T) {
	report := `{"resourceType":"DiagnosticReport","id":"r1","status":"final","identifier":[{"value":"X1"},{"type":{"coding":[{"code":"ACSN"}]},"value":"ACC-55"}],
		"code":{"text":"BMP"},"subject":{"reference":"Patient/pt1"},"effectiveDateTime":"2026-01-05T10:00:00Z",
		"result":[{"reference":"Observation/na"},{"reference":"urn:uuid:0f2e"},{"reference":"https://other.example/fhir/Observation/k/_history/2"},{"reference":"#ca"},{"reference":"Observation/missing"}],
		"contained":[` + obsJSON("ca", "17861-6", vq("9.1", "mg/dL")) + `]}`
	bundle := `{"resourceType":"Bundle","type":"searchset","entry":[
		{"fullUrl":"https://h.example/fhir/DiagnosticReport/r1","resource":` + report + `},
		{"fullUrl":"https://h.example/fhir/Patient/pt1","resource":` + fhirPatient + `},
		{"fullUrl":"https://h.example/fhir/Observation/na","resource":` + obsJSON("na", "2951-2", vq("141", "mmol/L")) + `},
		{"fullUrl":"urn:uuid:0f2e","resource":` + obsJSON("x", "2075-0", vq("101", "mmol/L")) + `},
		{"fullUrl":"https://other.example/fhir/Observation/k","resource":` + obsJSON("k", "2823-3", vq("4.0", "mmol/L")) + `}]}`
	m := mustParse(t, FormatFHIR, []byte(bundle))
	if m.AccessionID != "ACC-55" || m.PatientID != "MRN-77" || m.PatientSex != SexMale || m.PatientBirthDate.Year() != 2015 || m.Status != StatusFinal {
		t.Fatalf("header: %+v", m)
	}
	got := []string{}
	for _, r := range m.Results {
		got = append(got, r.Code+"@"+r.Source)
	}
	want := []string{"2951-2@Bundle.entry[2].resource", "2075-0@Bundle.entry[3].resource", "2823-3@Bundle.entry[4].resource", "17861-6@Bundle.entry[0].resource.contained[0]"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("results %v, want %v", got, want)
	}
	rep := Normalize(m, fixedNow)
	requireIssue(t, rep, CodeUnresolvedReference, SeverityWarning, "Bundle.entry[0].resource.result[4].reference")
	if rep.AgeYears != 10 {
		t.Errorf("age %d (born 2015-03-01, collected 2026-01-05)", rep.AgeYears)
	}
	// a child: calcium has an all-ages (>=1 y) range; sodium too
	if ca := oneBySent(t, rep, "17861-6"); ca.RangeSource != "table:"+citeTietz || ca.Flag != FlagNormal {
		t.Errorf("calcium: %+v", ca)
	}
}

func TestFHIRContainedReportAndHasMember(t *testing.T) {
	// A lone DiagnosticReport with contained Observations; a panel
	// Observation groups members via hasMember, including a nested panel and
	// a cycle back to itself.
	dr := `{"resourceType":"DiagnosticReport","id":"cbc1","status":"corrected","subject":{"reference":"#p"},
		"result":[{"reference":"#panel"}],
		"contained":[
		 {"resourceType":"Patient","id":"p","identifier":[{"value":"MRN-5"}],"gender":"female","birthDate":"1990-01-01"},
		 ` + obsJSON("panel", "58410-2", `,"hasMember":[{"reference":"#hb"},{"reference":"#sub"},{"reference":"#nope"}]`) + `,
		 ` + obsJSON("sub", "24318-8", `,"hasMember":[{"reference":"#plt"},{"reference":"#panel"}]`) + `,
		 ` + obsJSON("hb", "718-7", vq("11.0", "g/dL")) + `,
		 ` + obsJSON("plt", "777-3", vq("15", "10*9/L")+`,"referenceRange":[{"low":{"value":150,"code":"10*9/L","system":"http://unitsofmeasure.org"},"high":{"value":400}}]`) + `]}`
	m := mustParse(t, FormatFHIR, []byte(dr))
	if m.Status != StatusCorrected || m.PatientSex != SexFemale || m.PatientID != "MRN-5" {
		t.Errorf("header: %+v", m)
	}
	if len(m.Results) != 2 {
		t.Fatalf("want 2 member results, got %+v", m.Results)
	}
	if m.Results[0].Panel != "58410-2" || m.Results[1].Panel != "24318-8" {
		t.Errorf("panels: %q %q", m.Results[0].Panel, m.Results[1].Panel)
	}
	if m.Results[1].Source != "DiagnosticReport.contained[4]" {
		t.Errorf("source %q", m.Results[1].Source)
	}
	rep := Normalize(m, fixedNow)
	requireIssue(t, rep, CodeUnresolvedReference, SeverityWarning, "DiagnosticReport.contained[1].hasMember[2].reference")
	hb := oneBySent(t, rep, "718-7")
	if hb.Flag != FlagLow || hb.RangeSource != "table:"+citeTietz {
		t.Errorf("female Hb 11.0: %+v", hb)
	}
	plt := oneBySent(t, rep, "777-3")
	if plt.Flag != FlagCriticalLow || !plt.Critical || plt.RangeSource != RangeSender {
		t.Errorf("platelets 15: %+v", plt)
	}
	checkPtr(t, "plt low", plt.RefLow, 150)
	checkPtr(t, "plt high", plt.RefHigh, 400)
}

func TestFHIRLoneObservation(t *testing.T) {
	o := `{"resourceType":"Observation","id":"o1","status":"preliminary","identifier":[{"value":"ACC-9"}],"subject":{"identifier":{"value":"LABPAT-1"}},
		"code":{"coding":[{"system":"http://snomed.info/sct","code":"1"},{"system":"http://loinc.org","code":"2345-7","display":"Glucose"}]},
		"valueQuantity":{"value":550,"comparator":">","unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},
		"interpretation":[{"coding":[{"code":"HH"}]}],"issued":"2026-01-01T00:00:00Z"}`
	m := mustParse(t, FormatFHIR, []byte(o))
	if m.AccessionID != "ACC-9" || m.PatientID != "LABPAT-1" || m.Status != StatusPreliminary || m.Issued.IsZero() {
		t.Fatalf("header: %+v", m)
	}
	r := Normalize(m, fixedNow).Results[0]
	if r.Code != "2345-7" || r.Comparator != ">" || r.Flag != FlagCriticalHigh || !r.Critical {
		t.Errorf(">550 glucose: %+v", r)
	}
}

func TestFHIRRejections(t *testing.T) {
	okObs := obsJSON("o", "2345-7", vq("90", "mg/dL")+`,"subject":{"reference":"Patient/1"}`)
	tests := []struct {
		name, body, field, contains string
	}{
		{"not json", `{`, "$", "not valid JSON"},
		{"no resourceType", `{"id":"x"}`, "resourceType", "missing"},
		{"patient", `{"resourceType":"Patient"}`, "resourceType", "not accepted"},
		{"bundle type", `{"resourceType":"Bundle","type":"history","entry":[{"resource":` + okObs + `}]}`, "Bundle.type", "does not carry"},
		{"empty bundle", `{"resourceType":"Bundle","type":"collection"}`, "Bundle.entry", "no DiagnosticReport"},
		{"two reports", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"DiagnosticReport"}},{"resource":{"resourceType":"DiagnosticReport"}}]}`, "Bundle.entry", "2 DiagnosticReports"},
		{"entry not object", `{"resourceType":"Bundle","type":"collection","entry":[1]}`, "Bundle.entry[0]", "not an object"},
		{"cancelled", strings.Replace(okObs, `"final"`, `"cancelled"`, 1), "Observation.status", "does not carry"},
		{"no subject", obsJSON("o", "2345-7", vq("90", "mg/dL")), "Observation.subject", "does not identify"},
		{"string value", strings.Replace(okObs, `"value":90`, `"value":"90"`, 1), "Observation.valueQuantity.value", "not a number"},
		{"bad comparator", strings.Replace(okObs, `"value":90`, `"value":90,"comparator":"~"`, 1), "Observation.valueQuantity.comparator", "comparator"},
		{"bundle entry path", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + strings.Replace(okObs, `"value":90`, `"value":null`, 1) + `}]}`,
			"Bundle.entry[0].resource.valueQuantity.value", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(FormatFHIR, []byte(tc.body))
			requireProblem(t, err, tc.field, tc.contains)
		})
	}
}

func TestFHIRPrecisePathsInIssues(t *testing.T) {
	b := `{"resourceType":"Bundle","type":"collection","entry":[
	 {"resource":{"resourceType":"DiagnosticReport","id":"d","status":"final","subject":{"reference":"Patient/1"},"result":[{"reference":"Observation/a"},{"reference":"Observation/b"},{"reference":"Observation/c"}]}},
	 {"resource":` + obsJSON("a", "2823-3", vq("4", "mmol/L")) + `},
	 {"resource":` + obsJSON("b", "2823-3", `,"valueQuantity":{"value":4.1,"unit":"mmol per litre"}`) + `},
	 {"resource":` + obsJSON("c", "2823-3", vq("4.2", "mmol/kg")) + `}]}`
	rep := parseNormalize(t, FormatFHIR, []byte(b))
	requireIssue(t, rep, CodeNoUCUMCode, SeverityWarning, "Bundle.entry[2].resource.valueQuantity.code")
	requireIssue(t, rep, CodeUnknownUnit, SeverityRejected, "Bundle.entry[2].resource.valueQuantity.code")
	requireIssue(t, rep, CodeUnknownUnit, SeverityRejected, "Bundle.entry[3].resource.valueQuantity.code")
	forbidIssue(t, rep, CodeUnknownUnit, "Bundle.entry[1]")
}

func TestFHIRStatusReconciliation(t *testing.T) {
	mk := func(drStatus, s1, s2 string) string {
		o1 := strings.Replace(obsJSON("a", "2823-3", vq("4", "mmol/L")), `"final"`, `"`+s1+`"`, 1)
		o2 := strings.Replace(obsJSON("b", "2951-2", vq("140", "mmol/L")), `"final"`, `"`+s2+`"`, 1)
		return `{"resourceType":"DiagnosticReport","id":"d","status":"` + drStatus + `","subject":{"reference":"Patient/1"},
			"result":[{"reference":"#a"},{"reference":"#b"}],"contained":[` + o1 + `,` + o2 + `]}`
	}
	tests := []struct {
		dr, s1, s2 string
		want       ReportStatus
		warn       bool
	}{
		{"final", "final", "final", StatusFinal, false},
		{"final", "final", "preliminary", StatusPreliminary, true},
		{"final", "corrected", "final", StatusCorrected, false},
		{"amended", "final", "final", StatusCorrected, false},
		{"preliminary", "final", "final", StatusPreliminary, false},
		{"partial", "final", "registered", StatusPreliminary, false},
	}
	for _, tc := range tests {
		m := mustParse(t, FormatFHIR, []byte(mk(tc.dr, tc.s1, tc.s2)))
		warned := len(m.Warnings) > 0 && m.Warnings[0].Code == CodeStatusDisagrees
		if m.Status != tc.want || warned != tc.warn {
			t.Errorf("%s/%s/%s: status %s warned %v, want %s %v", tc.dr, tc.s1, tc.s2, m.Status, warned, tc.want, tc.warn)
		}
	}
}

func TestFHIRBundleOfObservationsAndDeepPanels(t *testing.T) {
	// no DiagnosticReport: top-level observations are results, panel members
	// are reached through their panel only once
	b := `{"resourceType":"Bundle","type":"collection","entry":[
	 {"fullUrl":"urn:uuid:p","resource":` + obsJSON("p", "24331-1", `,"subject":{"reference":"Patient/9"},"hasMember":[{"reference":"urn:uuid:c"}]`) + `},
	 {"fullUrl":"urn:uuid:c","resource":` + obsJSON("c", "2093-3", vq("180", "mg/dL")) + `},
	 {"fullUrl":"urn:uuid:t","resource":` + obsJSON("t", "2571-8", vq("90", "mg/dL")) + `}]}`
	m := mustParse(t, FormatFHIR, []byte(b))
	if len(m.Results) != 2 || m.Results[0].Code != "2093-3" || m.Results[0].Panel != "24331-1" || m.Results[1].Code != "2571-8" || m.PatientID != "9" {
		t.Fatalf("results: %+v", m.Results)
	}

	// a chain of 12 nested panels: members beyond 8 levels are not read, with a warning
	var contained []string
	for i := 0; i < 12; i++ {
		next := `,"hasMember":[{"reference":"#o` + string(rune('a'+i+1)) + `"}]`
		contained = append(contained, obsJSON("o"+string(rune('a'+i)), "24331-1", next))
	}
	contained = append(contained, obsJSON("o"+string(rune('a'+12)), "2093-3", vq("180", "mg/dL")), obsJSON("direct", "2571-8", vq("90", "mg/dL")))
	dr := `{"resourceType":"DiagnosticReport","id":"d","status":"final","subject":{"reference":"Patient/1"},"result":[{"reference":"#oa"},{"reference":"#direct"}],"contained":[` + strings.Join(contained, ",") + `]}`
	m = mustParse(t, FormatFHIR, []byte(dr))
	if len(m.Results) != 1 || m.Results[0].Code != "2571-8" {
		t.Fatalf("deep chain: %+v", m.Results)
	}
	if len(m.Warnings) != 1 || m.Warnings[0].Code != CodeIgnoredSegment || m.Warnings[0].Field != "DiagnosticReport.contained[8].hasMember" {
		t.Errorf("depth warning: %+v", m.Warnings)
	}
}

func TestFHIRManyContainedReferencesStayFast(t *testing.T) {
	var contained, refs []string
	for i := 0; i < 4000; i++ {
		id := "o" + strings.Repeat("x", i%7) + string(rune('A'+i%26)) + itoa(i)
		contained = append(contained, obsJSON(id, "2823-3", vq("4.1", "mmol/L")))
		refs = append(refs, `{"reference":"#`+id+`"}`)
	}
	dr := `{"resourceType":"DiagnosticReport","id":"d","status":"final","subject":{"reference":"Patient/1"},"result":[` + strings.Join(refs, ",") + `],"contained":[` + strings.Join(contained, ",") + `]}`
	if len(dr) > MaxPayloadBytes {
		t.Fatalf("test body %d bytes exceeds the payload limit", len(dr))
	}
	m := mustParse(t, FormatFHIR, []byte(dr))
	if len(m.Results) != 4000 {
		t.Fatalf("got %d results", len(m.Results))
	}
}

func itoa(i int) string { return fmtNum(float64(i)) }
