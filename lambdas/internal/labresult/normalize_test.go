package labresult

import (
	"testing"
	"time"
)

func nativeMsg(sex string, birth time.Time, obs ...Observation) *Message {
	for i := range obs {
		if obs[i].Source == "" {
			obs[i].Source = "results[0]"
		}
		obs[i].Numeric = true
	}
	return &Message{Format: FormatNative, AccessionID: "A", PatientID: "P", LabID: "L", Status: StatusFinal,
		PatientSex: sex, PatientBirthDate: birth, Collected: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), Results: obs}
}

func TestMassMolarConversions(t *testing.T) {
	tests := []struct {
		code, value, unit string
		wantCode          string
		want              float64
		wantUnit          string
	}{
		{"2345-7", "5.0", "mmol/L", "2345-7", 90.08, "mg/dL"},    // glucose 18.016
		{"14749-6", "10", "mmol/L", "2345-7", 180.2, "mg/dL"},    // molar code
		{"2093-3", "5.0", "mmol/L", "2093-3", 193.3, "mg/dL"},    // cholesterol 38.67
		{"14647-2", "200", "mg/dL", "2093-3", 200, "mg/dL"},      // molar code with mass unit
		{"2571-8", "1.0", "mmol/L", "2571-8", 88.57, "mg/dL"},    // triglycerides 88.57
		{"2160-0", "88.4", "umol/L", "2160-0", 1.0, "mg/dL"},     // creatinine 88.4
		{"3094-0", "3.57", "mmol/L", "3094-0", 10.0, "mg/dL"},    // BUN 0.357
		{"17861-6", "2.495", "mmol/L", "17861-6", 10.0, "mg/dL"}, // calcium 0.2495
		{"718-7", "8.687", "mmol/L", "718-7", 14.0, "g/dL"},      // hemoglobin 0.6206
		{"718-7", "140", "g/L", "718-7", 14.0, "g/dL"},
		{"1975-2", "17.1", "umol/L", "1975-2", 1.0, "mg/dL"},  // bilirubin
		{"3024-7", "12.87", "pmol/L", "3024-7", 1.0, "ng/dL"}, // free T4
		{"3053-6", "1.536", "nmol/L", "3053-6", 100, "ng/dL"}, // T3
		{"6690-2", "7500", "/uL", "6690-2", 7.5, "10*3/uL"},
		{"6690-2", "7.5", "10^9/L", "6690-2", 7.5, "10*3/uL"},
		{"6690-2", "7.5", "K/uL", "6690-2", 7.5, "10*3/uL"},
		{"6690-2", "7.5", "giga.l-1", "6690-2", 7.5, "10*3/uL"},
		{"6690-2", "7.5", "x10*9/L", "6690-2", 7.5, "10*3/uL"},
		{"789-8", "4.5", "tera.l-1", "789-8", 4.5, "10*6/uL"},
		{"789-8", "4.5", "10*12/L", "789-8", 4.5, "10*6/uL"},
		{"4544-3", "0.42", "L/L", "4544-3", 42, "%"},
		{"2951-2", "140", "mEq/L", "2951-2", 140, "mmol/L"},
		{"3016-3", "2.0", "uIU/mL", "3016-3", 2.0, "m[IU]/L"},
		{"2345-7", "90", "mg/dl", "2345-7", 90, "mg/dL"}, // lower-case litre is UCUM too
	}
	for _, tc := range tests {
		rep := Normalize(nativeMsg(SexMale, time.Time{}, Observation{Code: tc.code, Value: tc.value, Unit: tc.unit}), nil)
		r := rep.Results[0]
		if r.Rejected || r.Code != tc.wantCode || r.Unit != tc.wantUnit {
			t.Errorf("%s %s %s: got %+v issues %s", tc.code, tc.value, tc.unit, r, dumpIssues(rep.Issues))
			continue
		}
		checkNum(t, tc.code+" "+tc.unit, r.Value, tc.want)
		if r.Original.Value != tc.value || r.Original.Unit != tc.unit {
			t.Errorf("original not kept: %+v", r.Original)
		}
	}
}

func TestUnitsNotGuessed(t *testing.T) {
	tests := []struct {
		code, value, unit, issue string
	}{
		{"718-7", "13.4", "g/l-1", CodeUnknownUnit},         // g per (1/L) is g*L, not g/L
		{"17861-6", "4.8", "mEq/L", CodeUnknownUnit},        // calcium is divalent: mEq/L != mmol/L
		{"2345-7", "90", "%", CodeIncompatibleUnit},         // a fraction cannot be a concentration
		{"6690-2", "7.5", "mg/dL", CodeIncompatibleUnit},    // count vs mass
		{"1742-6", "30", "mmol/L", CodeIncompatibleUnit},    // enzyme activity has no molar mass here
		{"2885-2", "7", "mmol/L", CodeIncompatibleUnit},     // total protein: no molar mass
		{"6690-2", "7.5", "mill/uL", CodeUnknownUnit},       // ambiguous spelling
		{"2345-7", "90", "", CodeMissingUnit},               // no unit at all
		{"718-7", "12.5", "g/mL", CodeImplausibleValue},     // 1250 g/dL
		{"2823-3", "45", "mmol/L", CodeImplausibleValue},    // K 45
		{"2345-7", "9000", "mg/dL", CodeImplausibleValue},   // glucose 9000
		{"6690-2", "7500", "10*3/uL", CodeImplausibleValue}, // WBC counted in /uL but labelled thousands
	}
	for _, tc := range tests {
		rep := Normalize(nativeMsg(SexFemale, time.Time{}, Observation{Code: tc.code, Value: tc.value, Unit: tc.unit}), nil)
		r := rep.Results[0]
		if !r.Rejected || r.Numeric || r.Flag != FlagNone {
			t.Errorf("%s %s %s should be rejected unflagged: %+v", tc.code, tc.value, tc.unit, r)
		}
		requireIssue(t, rep, tc.issue, SeverityRejected, "results[0]")
	}
}

func TestFlagsAndComparators(t *testing.T) {
	lo, hi := fp(3.5), fp(5.1)
	tests := []struct {
		v      float64
		cmp    string
		lo, hi *float64
		want   Flag
	}{
		{4.0, "", lo, hi, FlagNormal},
		{3.5, "", lo, hi, FlagNormal}, // bounds inclusive
		{5.1, "", lo, hi, FlagNormal},
		{3.4, "", lo, hi, FlagLow},
		{5.2, "", lo, hi, FlagHigh},
		{4.0, "", nil, nil, FlagNone},
		{3.0, "<", lo, hi, FlagLow},   // certainly below 3.5
		{3.5, "<", lo, hi, FlagLow},   // < 3.5 is below 3.5
		{3.5, "<=", lo, hi, FlagNone}, // could be 3.5: ambiguous
		{4.0, "<", lo, hi, FlagNone},  // could be 3.0 or 3.9
		{4.0, "<", nil, hi, FlagNormal},
		{6.0, ">", lo, hi, FlagHigh},
		{5.1, ">", lo, hi, FlagHigh},
		{5.1, ">=", lo, hi, FlagNone},
		{4.0, ">", lo, nil, FlagNormal},
		{4.0, ">", lo, hi, FlagNone},
		{150, "", nil, fp(199), FlagNormal},
		{35, "", fp(40), nil, FlagLow},
	}
	for _, tc := range tests {
		if got := flagFor(tc.v, tc.cmp, tc.lo, tc.hi); got != tc.want {
			t.Errorf("flagFor(%v %q %s-%s) = %s, want %s", tc.v, tc.cmp, fmtPtr(tc.lo), fmtPtr(tc.hi), got, tc.want)
		}
	}
	crit := []struct {
		v    float64
		cmp  string
		want Flag
	}{
		{2.7, "", FlagCriticalLow}, {2.8, "", ""}, {6.3, "", FlagCriticalHigh}, {6.2, "", ""},
		{2.8, "<", FlagCriticalLow}, {3.0, "<", ""}, {7, ">", FlagCriticalHigh}, {6.0, ">", ""},
	}
	for _, tc := range crit {
		if got := criticalFor(tc.v, tc.cmp, fp(2.8), fp(6.2)); got != tc.want {
			t.Errorf("criticalFor(%q%v) = %q, want %q", tc.cmp, tc.v, got, tc.want)
		}
	}
}

func TestCriticalLimits(t *testing.T) {
	tests := []struct {
		code, value, unit string
		want              Flag
	}{
		{"2823-3", "2.7", "mmol/L", FlagCriticalLow},
		{"2823-3", "6.3", "mmol/L", FlagCriticalHigh},
		{"2951-2", "119", "mmol/L", FlagCriticalLow},
		{"2951-2", "161", "mmol/L", FlagCriticalHigh},
		{"2345-7", "39", "mg/dL", FlagCriticalLow},
		{"2345-7", "28", "mmol/L", FlagCriticalHigh}, // 504 mg/dL
		{"718-7", "5.9", "g/dL", FlagCriticalLow},
		{"718-7", "20.1", "g/dL", FlagCriticalHigh},
		{"777-3", "19", "10*3/uL", FlagCriticalLow},
		{"777-3", "1001", "10*9/L", FlagCriticalHigh},
		{"2823-3", "6.1", "mmol/L", FlagHigh}, // above range, below critical
	}
	for _, tc := range tests {
		rep := Normalize(nativeMsg(SexMale, time.Time{}, Observation{Code: tc.code, Value: tc.value, Unit: tc.unit}), nil)
		r := rep.Results[0]
		if r.Flag != tc.want || r.Critical != (tc.want == FlagCriticalLow || tc.want == FlagCriticalHigh) || rep.Critical != r.Critical {
			t.Errorf("%s %s %s: flag %s critical %v", tc.code, tc.value, tc.unit, r.Flag, r.Critical)
		}
	}
}

func TestRangesBySexAndAge(t *testing.T) {
	born := func(age int) time.Time { return time.Date(2026-age, 1, 1, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		sex       string
		birth     time.Time
		code      string
		low, high float64
		none      bool
	}{
		{"male adult Hb", SexMale, born(40), "718-7", 13.5, 17.5, false},
		{"female adult Hb", SexFemale, born(40), "718-7", 12.0, 15.5, false},
		{"unknown sex Hb: union", SexUnknown, born(40), "718-7", 12.0, 17.5, false},
		{"unknown age: adult", SexFemale, time.Time{}, "718-7", 12.0, 15.5, false},
		{"child Hb", SexFemale, born(10), "718-7", 11.5, 15.5, false},
		{"child WBC", SexMale, born(8), "6690-2", 4.5, 13.5, false},
		{"adult WBC", SexMale, born(30), "6690-2", 4.5, 11.0, false},
		{"female creatinine", SexFemale, born(50), "2160-0", 0.6, 1.1, false},
		{"male creatinine", SexMale, born(50), "2160-0", 0.9, 1.3, false},
		{"toddler ALT: no table range", SexMale, born(3), "1742-6", 0, 0, true},
		{"infant sodium: none below 1 y", SexMale, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), "2951-2", 0, 0, true},
		{"child sodium", SexMale, born(5), "2951-2", 136, 145, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := analyteIndex[tc.code].a
			v := fmtNum(a.PlausLow + (a.PlausHigh-a.PlausLow)/100) // any plausible value
			rep := Normalize(nativeMsg(tc.sex, tc.birth, Observation{Code: tc.code, Value: v, Unit: a.Unit}), nil)
			r := rep.Results[0]
			if tc.none {
				if r.RangeSource != RangeNone || r.Flag == FlagNormal || r.Flag == FlagLow {
					t.Errorf("want no range, got %s flag %s", r.RangeSource, r.Flag)
				}
				requireIssue(t, rep, CodeNoAgeRange, SeverityWarning, "results[0]")
				return
			}
			checkPtr(t, "low", r.RefLow, tc.low)
			checkPtr(t, "high", r.RefHigh, tc.high)
		})
	}
}

func TestSenderRangePrecedence(t *testing.T) {
	tests := []struct {
		name       string
		lo, hi     *float64
		refUnit    string
		wantSource string
		wantIssue  string
	}{
		{"valid sender range wins", fp(3.4), fp(5.3), "", RangeSender, ""},
		{"one-sided sender range", nil, fp(5.0), "", RangeSender, ""},
		{"low > high falls back", fp(5.3), fp(3.4), "", "table:" + citeTietz, CodeRangeLowGtHigh},
		{"unconvertible range unit", fp(3.4), fp(5.3), "g/dL", "table:" + citeTietz, CodeRangeUnitMismatch},
		{"implausible range", fp(340), fp(530), "", "table:" + citeTietz, CodeRangeImplausible},
		{"disjoint range is kept but reported", fp(6.5), fp(8.0), "", RangeSender, CodeRangeDisagrees},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Observation{Code: "2823-3", Value: "4.0", Unit: "mmol/L", RefLow: tc.lo, RefHigh: tc.hi, RefUnit: tc.refUnit}
			rep := Normalize(nativeMsg(SexMale, time.Time{}, o), nil)
			if r := rep.Results[0]; r.RangeSource != tc.wantSource {
				t.Errorf("range source %s, want %s", r.RangeSource, tc.wantSource)
			}
			if tc.wantIssue != "" {
				requireIssue(t, rep, tc.wantIssue, SeverityWarning, "results[0].ref_low")
			} else if len(rep.Issues) != 0 {
				t.Errorf("unexpected issues %s", dumpIssues(rep.Issues))
			}
		})
	}
	// a range in another unit of the same analyte is converted
	o := Observation{Code: "2345-7", Value: "100", Unit: "mg/dL", RefLow: fp(3.9), RefHigh: fp(5.5), RefUnit: "mmol/L", Source: "Observation"}
	m := nativeMsg(SexMale, time.Time{}, o)
	m.Format = FormatFHIR
	r := Normalize(m, nil).Results[0]
	checkPtr(t, "converted low", r.RefLow, 70.26)
	checkPtr(t, "converted high", r.RefHigh, 99.09)
	if r.Flag != FlagHigh {
		t.Errorf("100 vs 70.26-99.09: %s", r.Flag)
	}
}

func TestSenderFlagDisagreement(t *testing.T) {
	o := Observation{Code: "2823-3", Value: "5.8", Unit: "mmol/L", Flag: "N"}
	rep := Normalize(nativeMsg(SexMale, time.Time{}, o), nil)
	requireIssue(t, rep, CodeFlagDisagrees, SeverityWarning, "results[0].flag")
	if rep.Results[0].Flag != FlagHigh || rep.Results[0].SentFlag != "N" {
		t.Errorf("%+v", rep.Results[0])
	}
	o.Flag = "H"
	if rep := Normalize(nativeMsg(SexMale, time.Time{}, o), nil); len(issues(rep, CodeFlagDisagrees)) != 0 {
		t.Error("agreeing flag reported")
	}
}

func TestNormalizeEdgeCases(t *testing.T) {
	if rep := Normalize(nil, nil); len(rep.Issues) != 1 || rep.Results == nil {
		t.Errorf("nil message: %+v", rep)
	}
	m := nativeMsg(SexMale, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Observation{Code: "2823-3", Value: "4", Unit: "mmol/L"})
	rep := Normalize(m, nil)
	requireIssue(t, rep, CodeBadDate, SeverityWarning, "patient_birth_date")
	if rep.AgeYears != -1 {
		t.Errorf("age %d", rep.AgeYears)
	}
	// age uses the collection date, not now; and opts.Now when nothing else is known
	m = nativeMsg(SexMale, time.Date(2000, 6, 15, 0, 0, 0, 0, time.UTC), Observation{Code: "2823-3", Value: "4", Unit: "mmol/L"})
	m.Collected = time.Date(2018, 6, 14, 0, 0, 0, 0, time.UTC)
	if got := Normalize(m, nil).AgeYears; got != 17 {
		t.Errorf("age at collection %d, want 17", got)
	}
	m.Collected = time.Time{}
	if got := Normalize(m, &NormalizeOptions{Now: time.Date(2018, 6, 15, 0, 0, 0, 0, time.UTC)}).AgeYears; got != 18 {
		t.Errorf("age at opts.Now %d, want 18", got)
	}
	// text value for a numeric analyte; text with abnormal sender flag is A
	m = nativeMsg(SexMale, time.Time{}, Observation{Code: "2345-7", Value: "hemolyzed", Unit: "mg/dL", Flag: "A"})
	m.Results[0].Numeric = false
	rep = Normalize(m, nil)
	if r := rep.Results[0]; r.Flag != FlagAbnormal || r.Text != "hemolyzed" || r.Numeric {
		t.Errorf("text result: %+v", r)
	}
	requireIssue(t, rep, CodeNonNumericValue, SeverityWarning, "results[0].value")
	// sender flags never become N without a range
	m = nativeMsg(SexMale, time.Time{}, Observation{Code: "9999-9", Value: "5", Unit: "mg/dL", Flag: "N"})
	if r := Normalize(m, nil).Results[0]; r.Flag != FlagNone || r.RangeSource != RangeNone {
		t.Errorf("unknown code with sender flag N: %+v", r)
	}
}

func TestTableIntegrity(t *testing.T) {
	seen := map[string]string{}
	for _, a := range analyteTable {
		if _, ok := units[a.Unit]; !ok {
			t.Errorf("%s: canonical unit %q not in the unit table", a.Code, a.Unit)
		}
		if units[a.Unit].dim != a.Dim {
			t.Errorf("%s: unit %s is %s, analyte says %s", a.Code, a.Unit, units[a.Unit].dim, a.Dim)
		}
		if a.PlausLow >= a.PlausHigh {
			t.Errorf("%s: plausibility %v-%v", a.Code, a.PlausLow, a.PlausHigh)
		}
		codes := []string{a.Code}
		for c := range a.Aliases {
			codes = append(codes, c)
		}
		for _, c := range codes {
			if !looksLikeLOINC(c) {
				t.Errorf("%s is not LOINC-shaped", c)
			}
			if prev, dup := seen[c]; dup {
				t.Errorf("code %s in %s and %s", c, prev, a.Code)
			}
			seen[c] = a.Code
		}
		for _, r := range a.Ranges {
			if r.Source == "" || (r.Low == nil && r.High == nil) || (r.Low != nil && r.High != nil && *r.Low > *r.High) {
				t.Errorf("%s: bad range %+v", a.Code, r)
			}
			for _, b := range []*float64{r.Low, r.High} {
				if b != nil && (*b < 0 || *b > a.PlausHigh) {
					t.Errorf("%s: range bound %v outside plausibility", a.Code, *b)
				}
			}
		}
		if a.CritLow != nil && a.CritHigh != nil && *a.CritLow >= *a.CritHigh {
			t.Errorf("%s: critical limits inverted", a.Code)
		}
	}
	for c := range qualitative {
		if _, dup := seen[c]; dup {
			t.Errorf("qualitative code %s also quantitative", c)
		}
	}
}

func TestWithdrawnResults(t *testing.T) {
	for _, st := range []string{"D", "W", "X", "entered-in-error", "cancelled"} {
		rep := Normalize(nativeMsg(SexMale, time.Time{}, Observation{Code: "2823-3", Value: "7.5", Unit: "mmol/L", Status: st}), nil)
		r := rep.Results[0]
		if !r.Rejected || r.Critical || r.Flag != FlagNone || rep.Critical {
			t.Errorf("status %s: %+v", st, r)
		}
		requireIssue(t, rep, CodeWithdrawnResult, SeverityWarning, "results[0].value")
	}
}

func TestTableRangeIsCopied(t *testing.T) {
	rep := Normalize(nativeMsg(SexMale, time.Time{}, Observation{Code: "2823-3", Value: "4", Unit: "mmol/L"}), nil)
	*rep.Results[0].RefLow = 99
	rep = Normalize(nativeMsg(SexMale, time.Time{}, Observation{Code: "2823-3", Value: "4", Unit: "mmol/L"}), nil)
	checkPtr(t, "table low after caller mutation", rep.Results[0].RefLow, 3.5)
}

func TestTableRangeUnknownSexUnion(t *testing.T) {
	a := &analyte{Unit: "mg/dL", Ranges: []rangeRule{
		{Sex: SexMale, Low: fp(10), High: fp(20), Source: "s"},
		{Sex: SexFemale, Low: nil, High: fp(15), Source: "s"},
	}}
	lo, hi, _, ok := tableRange(a, SexUnknown, 40)
	if !ok || lo != nil || hi == nil || *hi != 20 {
		t.Errorf("union: %s-%s", fmtPtr(lo), fmtPtr(hi))
	}
	lo, hi, _, _ = tableRange(a, SexFemale, 40)
	if lo != nil || *hi != 15 {
		t.Errorf("female: %s-%s", fmtPtr(lo), fmtPtr(hi))
	}
}
