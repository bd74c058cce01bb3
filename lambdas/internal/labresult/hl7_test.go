package labresult

import (
	"strings"
	"testing"
	"time"
)

// oru builds a small ORU^R01 with the given delimiters and terminator.
func oru(enc, term string, obx ...string) string {
	fs := enc[:1]
	segs := []string{
		"MSH" + enc + fs + "LAB" + fs + "FAC" + fs + "EHR" + fs + "HOSP" + fs + "20260102080000+0100" + fs + fs + "ORU" + enc[1:2] + "R01" + fs + "CTRL-1" + fs + "P" + fs + "2.5.1",
		"PID" + fs + "1" + fs + fs + "PAT-9" + enc[1:2] + enc[1:2] + enc[1:2] + "LAB" + enc[1:2] + "MR" + fs + fs + "DOE" + enc[1:2] + "JANE" + fs + fs + "19800215" + fs + "F",
		"OBR" + fs + "1" + fs + "PL-1" + fs + "ACC-7" + fs + "24323-8" + enc[1:2] + "CMP" + enc[1:2] + "LN" + fs + fs + fs + "20260102073000",
	}
	for _, o := range obx {
		segs = append(segs, strings.ReplaceAll(o, "|", fs))
	}
	return strings.Join(segs, term) + term
}

func TestHL7DelimitersAndTerminators(t *testing.T) {
	obx := "OBX|1|NM|2823-3^Potassium^LN||4.2|mmol/L|3.5-5.1|N|||F"
	tests := []struct {
		name, enc, term, prefix string
		warnings                []string
	}{
		{"standard CR", "|^~\\&", "\r", "", nil},
		{"LF", "|^~\\&", "\n", "", []string{CodeSegmentTerminator}},
		{"CRLF", "|^~\\&", "\r\n", "", []string{CodeSegmentTerminator}},
		{"BOM", "|^~\\&", "\r", "\ufeff", []string{CodeByteOrderMark}},
		{"odd delimiters", "#$*!@", "\r", "", nil},
		{"leading blank lines", "|^~\\&", "\n", "\n\n", []string{CodeSegmentTerminator}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.prefix + oru(tc.enc, tc.term, strings.NewReplacer("^", tc.enc[1:2]).Replace(obx))
			m := mustParse(t, FormatHL7v2, []byte(body))
			if m.PatientID != "PAT-9" || m.AccessionID != "ACC-7" || m.ControlID != "CTRL-1" || m.PatientSex != SexFemale || m.LabID != "FAC" {
				t.Fatalf("header: %+v", m)
			}
			if !m.PatientBirthDate.Equal(time.Date(1980, 2, 15, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("birth %v", m.PatientBirthDate)
			}
			if len(m.Results) != 1 || m.Results[0].Code != "2823-3" || m.Results[0].Value != "4.2" || m.Results[0].Unit != "mmol/L" {
				t.Fatalf("results: %+v", m.Results)
			}
			var codes []string
			for _, w := range m.Warnings {
				codes = append(codes, w.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tc.warnings, ",") {
				t.Errorf("warnings %v, want %v", codes, tc.warnings)
			}
			r := m.Results[0]
			if r.RefLow == nil || *r.RefLow != 3.5 || *r.RefHigh != 5.1 || r.Source != "OBX[1]" || r.Panel != "24323-8" {
				t.Errorf("obx: %+v", r)
			}
		})
	}
}

func TestHL7Escapes(t *testing.T) {
	e := defaultER7
	tests := []struct{ in, want string }{
		{`a\F\b`, "a|b"},
		{`a\S\b\T\c\R\d\E\e`, "a^b&c~d\\e"},
		{`line1\.br\line2`, "line1\nline2"},
		{`\X41424344\`, "ABCD"},
		{`\X4\`, `\X4\`},   // odd hex: kept literally
		{`\XZZ\`, `\XZZ\`}, // bad hex
		{`\H\bold\N\`, "bold"},
		{`unterminated \F`, `unterminated \F`},
		{`\Q\`, `\Q\`}, // unknown escape kept
		{`\C2842\x`, "x"},
		{``, ``},
	}
	for _, tc := range tests {
		if got := e.unescape(tc.in); got != tc.want {
			t.Errorf("unescape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// round trip through escape
	for _, s := range []string{"a|b^c&d~e\\f", "plain", "x\ny"} {
		want := s
		if got := e.unescape(e.escape(s)); got != want {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
	// escapes in a value, with custom delimiters the escape char differs
	body := oru("|^~\\&", "\r", `OBX|1|TX|2887-8^Protein^LN||trace \T\ 1+\F\ see \.br\note|||A|||F`)
	m := mustParse(t, FormatHL7v2, []byte(body))
	if got := m.Results[0].Value; got != "trace & 1+| see \nnote" {
		t.Errorf("value %q", got)
	}
}

func TestHL7RepetitionsComponentsSubcomponents(t *testing.T) {
	// PID-3 repeats: the MR identifier wins over the first; OBX-3 alternate
	// LOINC in components 4-6; units with text component.
	body := oru("|^~\\&", "\r",
		"OBX|1|NM|GLU^Glucose^L^2345-7^Glucose^LN||95|mg/dL^milligram per deciliter^UCUM|70-99|N|||F",
		"OBX|2|NM|2951-2^Na^LN||140~141|mmol/L|||||F")
	body = strings.Replace(body, "PAT-9^^^LAB^MR", "SSN-1^^^SSA^SS~PAT-9^^^LAB&1.2.3&ISO^MR", 1)
	m := mustParse(t, FormatHL7v2, []byte(body))
	if m.PatientID != "PAT-9" {
		t.Errorf("patient id %q", m.PatientID)
	}
	if r := m.Results[0]; r.Code != "2345-7" || r.CodeSystem != "LN" || r.Unit != "mg/dL" || r.UnitText != "milligram per deciliter" {
		t.Errorf("alternate code: %+v", r)
	}
	if m.Results[1].Value != "140" {
		t.Errorf("first repetition should be read: %q", m.Results[1].Value)
	}
	rep := Normalize(m, fixedNow)
	requireIssue(t, rep, "repeated-value", SeverityWarning, "OBX[2].5")
}

func TestHL7ValueTypes(t *testing.T) {
	body := oru("|^~\\&", "\r",
		"OBX|1|SN|2823-3^K^LN||<^2.5|mmol/L|3.5-5.1||||F",
		"OBX|2|SN|3016-3^TSH^LN||=^1.5|m[IU]/L|||||F",
		"OBX|3|SN|5000-1^Titer^LN||^1^:^128||||||F",
		"OBX|4|ST|2345-7^Glucose^LN||hemolyzed|mg/dL|||||F",
		"OBX|5|NM|2345-7^Glucose^LN||abc|mg/dL|||||F",
		"OBX|6|CWE|2887-8^Protein^LN||260385009^Negative^SCT||||||F",
		"OBX|7|NM|2951-2^Na^LN||140|mmol/L|136-145 mmol/L|||||F",
	)
	m := mustParse(t, FormatHL7v2, []byte(body))
	want := []struct{ cmp, val string }{{"<", "2.5"}, {"", "1.5"}, {"", "1:128"}, {"", "hemolyzed"}, {"", "abc"}, {"", "Negative"}}
	for i, w := range want {
		if r := m.Results[i]; r.Comparator != w.cmp || r.Value != w.val {
			t.Errorf("OBX[%d]: cmp %q value %q, want %q %q", i+1, r.Comparator, r.Value, w.cmp, w.val)
		}
	}
	if r := m.Results[6]; r.RefLow == nil || *r.RefLow != 136 || r.RefHigh == nil || *r.RefHigh != 145 {
		t.Errorf("range with unit suffix: %+v", r)
	}
	rep := Normalize(m, fixedNow)
	// <2.5 is certainly below both the range and the critical limit 2.8
	if k := rep.Results[0]; k.Flag != FlagCriticalLow || !k.Critical || k.Comparator != "<" {
		t.Errorf("K <2.5: %+v", k)
	}
	requireIssue(t, rep, CodeNonNumericValue, SeverityWarning, "OBX[4].5")  // ST text: warning
	requireIssue(t, rep, CodeNonNumericValue, SeverityRejected, "OBX[5].5") // NM text: rejected
}

func TestHL7Batch(t *testing.T) {
	one := oru("|^~\\&", "\r", "OBX|1|NM|2823-3^K^LN||4.2|mmol/L|||||F")
	two := strings.Replace(one, "CTRL-1", "CTRL-2", 1)
	batch := "FHS|^~\\&|LAB\rBHS|^~\\&|LAB\r" + one + two + "BTS|2\rFTS|1\r"
	msgs, err := ParseBatch([]byte(batch))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].ControlID != "CTRL-1" || msgs[1].ControlID != "CTRL-2" {
		t.Fatalf("batch: %d messages", len(msgs))
	}
	all, err := ParseAll(FormatHL7v2, []byte(batch))
	if err != nil || len(all) != 2 {
		t.Fatalf("ParseAll: %v %d", err, len(all))
	}
	_, err = Parse(FormatHL7v2, []byte(batch))
	requireProblem(t, err, "MSH", "2 messages")

	// an invalid second message is reported with its index
	bad := strings.Replace(two, "PID|1||PAT-9^^^LAB^MR", "PID|1||", 1)
	_, err = ParseBatch([]byte(one + bad))
	requireProblem(t, err, "message[1].PID.3", "empty")
}

func TestHL7Rejections(t *testing.T) {
	good := oru("|^~\\&", "\r", "OBX|1|NM|2823-3^K^LN||4.2|mmol/L|||||F")
	tests := []struct {
		name, body, field, contains string
	}{
		{"empty", "", "MSH", "empty"},
		{"not hl7", "hello world", "MSH", "does not start"},
		{"short MSH", "MSH|^~", "MSH.2", "too short"},
		{"repeated delimiter", "MSH|^^\\&|x", "MSH.2", "repeat"},
		{"alnum delimiter", "MSH|^~A&|x", "MSH.2", "punctuation"},
		{"wrong type", strings.Replace(good, "ORU^R01", "ADT^A01", 1), "MSH.9", "not ORU^R01"},
		{"old version", strings.Replace(good, "|2.5.1", "|2.2", 1), "MSH.12", "not supported"},
		{"no version", strings.Replace(good, "|2.5.1", "|", 1), "MSH.12", "empty"},
		{"no PID", strings.Replace(good, "PID|", "NTE|", 1), "PID", "no PID"},
		{"no accession", strings.Replace(good, "PL-1|ACC-7", "|", 1), "OBR.3", "accession"},
		{"no OBX", strings.Split(good, "OBX")[0], "OBX", "no OBX"},
		{"segment before MSH", "PID|1\r" + good, "MSH", "does not start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(FormatHL7v2, []byte(tc.body))
			requireProblem(t, err, tc.field, tc.contains)
		})
	}
	// newer versions are read with a warning
	m := mustParse(t, FormatHL7v2, []byte(strings.Replace(good, "|2.5.1", "|2.7", 1)))
	if len(m.Warnings) == 0 || m.Warnings[0].Code != "unsupported-version" {
		t.Errorf("2.7 should warn: %+v", m.Warnings)
	}
}

func TestHL7Times(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"20260102", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"202601020830", time.Date(2026, 1, 2, 8, 30, 0, 0, time.UTC), true},
		{"20260102083015.25-0500", time.Date(2026, 1, 2, 13, 30, 15, 250e6, time.UTC), true},
		{"20260102083015+0700", time.Date(2026, 1, 2, 1, 30, 15, 0, time.UTC), true},
		{"2026010", time.Time{}, false},
		{"20261302", time.Time{}, false},
		{"2026x102", time.Time{}, false},
		{"20260102+07", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := parseHL7Time(tc.in)
		if (err == nil) != tc.ok || (tc.ok && !got.Equal(tc.want)) {
			t.Errorf("parseHL7Time(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestHL7ReportStatus(t *testing.T) {
	tests := []struct {
		obr  []string
		obx  []string
		want ReportStatus
	}{
		{[]string{"F"}, []string{"F", "F"}, StatusFinal},
		{[]string{"F"}, []string{"F", "P"}, StatusPreliminary},
		{[]string{"P"}, []string{"F"}, StatusPreliminary},
		{nil, []string{"C", "F"}, StatusCorrected},
		{[]string{"C"}, nil, StatusCorrected},
		{nil, []string{"I"}, StatusPreliminary},
		{nil, nil, StatusPreliminary},
	}
	for _, tc := range tests {
		var obs []Observation
		for _, s := range tc.obx {
			obs = append(obs, Observation{Status: s})
		}
		if got := hl7ReportStatus(tc.obr, obs); got != tc.want {
			t.Errorf("obr %v obx %v: %s, want %s", tc.obr, tc.obx, got, tc.want)
		}
	}
}

func TestHL7Ack(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	orig := readCorpus(t, "hl7v2/LRI_2.0-NG_CBC_Typ_Message.hl7")
	ack := string(hl7AckAt(orig, AckAccept, "", now))
	segs := strings.Split(strings.TrimSuffix(ack, "\r"), "\r")
	if len(segs) != 2 {
		t.Fatalf("AA ack has %d segments: %q", len(segs), ack)
	}
	msh := strings.Split(segs[0], "|")
	// MSH-3..6 swapped: original 3=NIST Test Lab APP 4=NIST Lab Facility 5="" 6=NIST EHR Facility
	if msh[2] != "" || msh[3] != "NIST EHR Facility" || msh[4] != "NIST Test Lab APP" || msh[5] != "NIST Lab Facility" {
		t.Errorf("swapped MSH: %q", segs[0])
	}
	if msh[8] != "ACK^R01^ACK" || msh[10] != "T" || msh[11] != "2.5.1" {
		t.Errorf("MSH-9/11/12: %q", segs[0])
	}
	if segs[1] != "MSA|AA|NIST-LRI-NG-002.00" {
		t.Errorf("MSA: %q", segs[1])
	}

	// AE with custom delimiters keeps them and escapes the text
	custom := oru("#$*!@", "\r", "OBX#1#NM#2823-3$K$LN##4.2#mmol/L#####F")
	ack = string(hl7AckAt([]byte(custom), AckError, "bad # value", now))
	if !strings.HasPrefix(ack, "MSH#$*!@#") || !strings.Contains(ack, "\rMSA#AE#CTRL-1#bad !F! value\r") || !strings.Contains(ack, "\rERR#") {
		t.Errorf("AE ack with custom delimiters: %q", ack)
	}

	// garbage original: AR with a minimal MSH and the default delimiters
	ack = string(hl7AckAt([]byte("\x00garbage|||"), AckReject, "not HL7", now))
	if !strings.HasPrefix(ack, "MSH|^~\\&|") || !strings.Contains(ack, "\rMSA|AR|") || !strings.Contains(ack, "\rERR|") {
		t.Errorf("AR ack: %q", ack)
	}
	if got := HL7Ack(nil, AckReject, ""); !strings.Contains(string(got), "MSA|AR|") {
		t.Errorf("nil original: %q", got)
	}
	// an unknown code becomes AR
	if got := hl7AckAt(orig, AckCode("ZZ"), "", now); !strings.Contains(string(got), "MSA|AR|NIST") {
		t.Errorf("unknown code: %q", got)
	}
}

func TestHL7BatchProblemsAreBounded(t *testing.T) {
	_, err := ParseBatch([]byte(strings.Repeat("MSH|^~\\&|\r", 5000)))
	ps := validationProblems(t, err)
	if len(ps) > maxProblems+5 || !strings.Contains(ps[len(ps)-1].Problem, "were not checked") {
		t.Errorf("%d problems, last %+v", len(ps), ps[len(ps)-1])
	}
}
