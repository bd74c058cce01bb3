package localrun_test

import (
	"slices"
	"testing"
)

// The PHI check must find what it looks for, or the e-mail and log assertions prove nothing.
func TestPHINeedles(t *testing.T) {
	hl7 := "MSH|^~\\&|LAB|X\rPID|1||10006579^^^1^MR^1||DUCK^DONALD^D||19241010|M\rOBX|1|NM|718-7^HGB^LN||12.5|g/dL\r"
	fhir := `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Coyote","given":["Wile"]}],"birthDate":"1960-01-02",
		"identifier":[{"value":"MRN-23453"}]}},{"resource":{"resourceType":"Observation","subject":{"reference":"Patient/pat2"},"valueQuantity":{"value":6.30,"unit":"mmol/L"}}}]}`
	tests := []struct {
		format, body string
		want         []string
	}{
		{"hl7v2", hl7, []string{"10006579", "DUCK", "DONALD", "19241010", "12.5"}},
		{"fhir-r4", fhir, []string{"Coyote", "Wile", "1960-01-02", "MRN-23453", "pat2", "6.3"}},
	}
	for _, tt := range tests {
		got := phiNeedles(tt.format, []byte(tt.body))
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s needles %q lack %q", tt.format, got, w)
			}
		}
		if l := leaks("Dear "+tt.want[1]+", your result", got, 2); len(l) == 0 {
			t.Errorf("%s: leaks() missed %q", tt.format, tt.want[1])
		}
	}
	if l := leaks("A new lab result is available in your patient portal.", phiNeedles("hl7v2", []byte(hl7)), 2); len(l) != 0 {
		t.Errorf("template text flagged as PHI: %q", l)
	}
}
