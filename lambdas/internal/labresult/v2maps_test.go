package labresult

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// readMap reads one of HL7's v2-to-FHIR concept maps from the corpus: v2
// code in column 0, FHIR code in column 6 (two header rows).
func readMap(t *testing.T, name string) [][2]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(readCorpus(t, "v2-to-fhir-maps/"+name)))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var out [][2]string
	for _, row := range rows[2:] {
		if len(row) > 6 {
			v2, fhir := strings.TrimSpace(row[0]), strings.TrimSpace(row[6])
			if v2 != "" && fhir != "" {
				out = append(out, [2]string{v2, fhir})
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("%s: only %d mappings read", name, len(out))
	}
	return out
}

// Our reading of an HL7 v2 abnormal flag (OBX-8, table 0078) must equal our
// reading of the FHIR interpretation code HL7 maps it to.
func TestSenderFlagsAgreeWithHL7Map(t *testing.T) {
	checked := 0
	for _, m := range readMap(t, "interpretation-codes.csv") {
		if a, b := senderFlag(m[0]), senderFlag(m[1]); a != b {
			t.Errorf("v2 flag %q reads as %q but its FHIR mapping %q reads as %q", m[0], a, m[1], b)
		}
		if senderFlag(m[0]) != "" {
			checked++
		}
	}
	if checked < 6 { // N, L, H, LL, HH, A at least
		t.Errorf("only %d mapped flags understood", checked)
	}
}

// HL7 result statuses (table 0085) and their FHIR Observation.status
// mappings must be classified alike: withdrawn, corrected, preliminary.
func TestResultStatusesAgreeWithHL7Map(t *testing.T) {
	for _, m := range readMap(t, "observation-result-status.csv") {
		v2, fhir := m[0], m[1]
		if isWithdrawn(v2) != isWithdrawn(fhir) {
			t.Errorf("withdrawn: v2 %q=%v, FHIR %q=%v", v2, isWithdrawn(v2), fhir, isWithdrawn(fhir))
		}
		hl7 := hl7ReportStatus([]string{v2}, nil)
		p := &fhirParser{m: &Message{Status: StatusFinal, Results: []Observation{{Status: fhir}}}}
		p.reconcileStatus()
		if !isWithdrawn(v2) && hl7 != p.m.Status {
			t.Errorf("report status: v2 %q -> %s, FHIR %q -> %s", v2, hl7, fhir, p.m.Status)
		}
	}
}
