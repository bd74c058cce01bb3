package labresult

import "testing"

func TestParseRangeText(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi *float64
		ok     bool
	}{
		{"3.5-5.0", fp(3.5), fp(5.0), true},
		{"3.5 - 5.0", fp(3.5), fp(5.0), true},
		{"4.3 to 6.2", fp(4.3), fp(6.2), true},
		{"-2-2", fp(-2), fp(2), true},
		{"-5 - -1", fp(-5), fp(-1), true},
		{"<5", nil, fp(5), true},
		{"<= 5", nil, fp(5), true},
		{">10", fp(10), nil, true},
		{">=10", fp(10), nil, true},
		{"70_105", nil, nil, false},
		{"negative", nil, nil, false},
		{"<abc", nil, nil, false},
		{"5-", nil, nil, false},
		{"a to b", nil, nil, false},
		{"", nil, nil, false},
		{"-", nil, nil, false},
	}
	for _, tc := range tests {
		lo, hi, ok := parseRangeText(tc.in)
		if ok != tc.ok || !samePtr(lo, tc.lo) || !samePtr(hi, tc.hi) {
			t.Errorf("parseRangeText(%q) = %s, %s, %v; want %s, %s, %v", tc.in, fmtPtr(lo), fmtPtr(hi), ok, fmtPtr(tc.lo), fmtPtr(tc.hi), tc.ok)
		}
	}
}

func samePtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestParseNumber(t *testing.T) {
	good := map[string]float64{"1": 1, "+1.5": 1.5, "-0.25": -0.25, ".5": 0.5, "1e3": 1000, "2.5E-1": 0.25}
	for s, want := range good {
		if got, err := parseNumber(s); err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "-", ".", "1,5", "0x10", "NaN", "Inf", "1e", "e5", "1-2", "1e999"} {
		if _, err := parseNumber(s); err == nil {
			t.Errorf("parseNumber(%q) accepted", s)
		}
	}
}

func TestCleanUnit(t *testing.T) {
	tests := map[string]string{
		" mg / dl ": "mg/dL", "mmol/l": "mmol/L", "µmol/L": "umol/L", "μmol/L": "umol/L", "10^9/l": "10*9/L",
		"x10*12/L": "10*12/L", "fl": "fL", "k/uL": "K/uL", "thou/uL": "K/uL", "g/ml": "g/mL", "cells/ul": "cells/uL",
		"g/l-1": "g/l-1", "mg": "mg",
	}
	for in, want := range tests {
		if got := cleanUnit(in); got != want {
			t.Errorf("cleanUnit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookupUnitUCUM(t *testing.T) {
	tests := []struct {
		in, as     string
		ucum, ok   bool
		monovalent bool
	}{
		{"mg/dL", "mg/dL", true, true, false},
		{"mg/dl", "mg/dL", true, true, false}, // l and L are both UCUM litre
		{" mmol/L ", "mmol/L", true, true, false},
		{"10*9/L", "10*9/L", true, true, false},
		{"{cells}/uL", "{cells}/uL", true, true, false},
		{"10^9/L", "10*9/L", false, true, false},
		{"x10*12/L", "10*12/L", false, true, false},
		{"K/uL", "10*3/uL", false, true, false},
		{"giga.l-1", "10*9/L", false, true, false},
		{"tera.l-1", "10*12/L", false, true, false},
		{"IU/L", "[IU]/L", false, true, false},
		{"uIU/mL", "u[IU]/mL", false, true, false},
		{"µmol/L", "umol/L", false, true, false},
		{"meq/L", "meq/L", true, true, true},
		{"mEq/L", "meq/L", false, true, true},
		{"mEq/L", "", false, false, false}, // only for monovalent ions
		{"g/l-1", "", false, false, false},
		{"G/L", "", false, false, false}, // gauss per litre in UCUM: not guessed
		{"mill/uL", "", false, false, false},
	}
	for _, tc := range tests {
		_, as, ucum, ok := lookupUnit(tc.in, tc.monovalent)
		if ok != tc.ok || as != tc.as || ucum != tc.ucum {
			t.Errorf("lookupUnit(%q, %v) = %q ucum=%v ok=%v; want %q %v %v", tc.in, tc.monovalent, as, ucum, ok, tc.as, tc.ucum, tc.ok)
		}
	}
}
