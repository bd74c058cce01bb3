package labresult

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Additional issue codes used by Normalize.
const (
	CodeIncompatibleUnit    = "incompatible-unit"
	CodeCodeValueMismatch   = "code-value-mismatch"
	CodeNoValue             = "no-value"
	CodeRangeDisagrees      = "range-disagrees"
	CodeRangeImplausible    = "range-implausible"
	CodeComparatorAmbiguous = "comparator-ambiguous"
	CodeNoAgeRange          = "no-age-range"
	CodeNonUCUMUnit         = "non-ucum-unit"
)

// Normalize turns a parsed Message into a Report: canonical LOINC code and
// UCUM unit per known analyte, reference range (sender's when valid, else
// the table's, else none), flags and critical flags, and every issue found.
// It never fails: problems become Issues and rejected results keep their
// original value with Rejected set. A nil opts means defaults.
func Normalize(m *Message, opts *NormalizeOptions) *Report {
	if m == nil {
		return &Report{Results: []Result{}, AgeYears: -1, Issues: []Issue{{Severity: SeverityRejected, Field: "$",
			Code: CodeNoResults, Message: "no message to normalize", Fix: "parse the report first"}}}
	}
	now := time.Now()
	if opts != nil && !opts.Now.IsZero() {
		now = opts.Now
	}
	rep := &Report{
		Format: m.Format, SchemaVersion: m.SchemaVersion, AccessionID: m.AccessionID, PatientID: m.PatientID,
		LabID: m.LabID, Status: m.Status, PatientSex: m.PatientSex, Collected: m.Collected, Issued: m.Issued,
		AgeYears: -1, Results: make([]Result, 0, len(m.Results)),
	}
	if rep.PatientSex != SexMale && rep.PatientSex != SexFemale {
		rep.PatientSex = SexUnknown
	}
	rep.Issues = append(rep.Issues, m.Warnings...)
	at := m.Collected
	if at.IsZero() {
		at = m.Issued
	}
	if at.IsZero() {
		at = now
	}
	if !m.PatientBirthDate.IsZero() {
		if age := ageYears(m.PatientBirthDate, at); age >= 0 && age < 150 {
			rep.AgeYears = age
		} else {
			rep.Issues = append(rep.Issues, Issue{Severity: SeverityWarning, Field: "patient_birth_date", Code: CodeBadDate,
				Message: "the birth date is after the collection date or implausibly early; age-specific ranges were not used",
				Fix:     "check the patient's birth date"})
		}
	}
	c := &normalizer{f: m.Format, sex: rep.PatientSex, age: rep.AgeYears}
	for _, o := range m.Results {
		r := c.result(o)
		rep.Results = append(rep.Results, r)
		if r.Critical {
			rep.Critical = true
		}
		if r.Flag != FlagNormal && r.Flag != FlagNone {
			rep.Abnormal = true
		}
	}
	rep.Issues = append(rep.Issues, c.issues...)
	if len(rep.Results) == 0 {
		rep.Issues = append(rep.Issues, Issue{Severity: SeverityRejected, Field: "results", Code: CodeNoResults,
			Message: "the report holds no results", Fix: "send at least one result"})
	}
	return rep
}

func ageYears(birth, at time.Time) int {
	y := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		y--
	}
	return y
}

type normalizer struct {
	f      Format
	sex    string
	age    int
	issues []Issue
}

func (c *normalizer) add(sev Severity, field, code, msg, fix string) {
	c.issues = append(c.issues, Issue{Severity: sev, Field: field, Code: code, Message: msg, Fix: fix})
}

// Suffixes locating a part of a result (code, value, unit, range, flag)
// below its Observation.Source, per format.
var (
	hl7Parts    = map[string]string{"code": ".3", "value": ".5", "unit": ".6", "range": ".7", "flag": ".8"}
	fhirParts   = map[string]string{"code": ".code", "value": ".valueQuantity.value", "unit": ".valueQuantity.code", "range": ".referenceRange", "flag": ".interpretation"}
	nativeParts = map[string]string{"code": ".loinc", "value": ".value", "unit": ".unit", "range": ".ref_low", "flag": ".flag"}
)

// field returns the path of a part of a result in the source message.
func (c *normalizer) field(o Observation, part string) string {
	switch c.f {
	case FormatHL7v2:
		return o.Source + hl7Parts[part]
	case FormatFHIR:
		if part == "value" && !o.Numeric {
			return o.Source + ".value[x]"
		}
		return o.Source + fhirParts[part]
	}
	return o.Source + nativeParts[part]
}

func isLOINCSystem(s string) bool {
	return s == "" || s == "LN" || s == loincSystem || s == "LOINC"
}

func (c *normalizer) result(o Observation) Result {
	r := Result{
		Code: o.Code, SentCode: o.Code, Name: o.Display, Original: Original{Value: o.Value, Comparator: o.Comparator, Unit: o.Unit},
		Status: o.Status, SentFlag: o.Flag, Source: o.Source, RangeSource: RangeNone, Flag: FlagNone,
	}
	if r.Original.Unit == "" {
		r.Original.Unit = o.UnitText
	}
	var a *analyte
	var prop codeProperty
	if !isLOINCSystem(o.CodeSystem) {
		c.add(SeverityWarning, c.field(o, "code"), CodeUnknownCode,
			fmt.Sprintf("code %q is from code system %q, not LOINC; the result was kept as sent", truncate(o.Code, 20), truncate(o.CodeSystem, 40)),
			"send the LOINC code (OBX-3 code^text^LN, or a http://loinc.org coding)")
	} else if q, ok := qualitative[o.Code]; ok {
		r.Name = q.Name
		if (o.Numeric || o.Unit != "") && o.Value != "" {
			r.Rejected = true
			r.Text = o.Value
			c.add(SeverityRejected, c.field(o, "code"), CodeCodeValueMismatch,
				fmt.Sprintf("LOINC %s is %s (a text finding) but a quantity was sent; the value was not used", o.Code, q.Name),
				fmt.Sprintf("send the count under its quantitative code (probably %s) or send the finding as text", q.Meant))
			return r
		}
	} else if e, ok := analyteIndex[o.Code]; ok {
		a, prop = e.a, e.prop
		r.Code, r.Name, r.Panel = a.Code, a.Name, a.Panel
	} else if !loincCheckDigitOK(o.Code) {
		c.add(SeverityWarning, c.field(o, "code"), CodeUnknownCode,
			fmt.Sprintf("code %q is not a valid LOINC code (shape or check digit); the result was kept as sent", truncate(o.Code, 20)),
			"check the code for a typo")
	} else {
		c.add(SeverityWarning, c.field(o, "code"), CodeUnknownCode,
			fmt.Sprintf("LOINC %s is not in the normalization table (CBC, CMP, lipid, thyroid); the result was kept as sent, without table range", truncate(o.Code, 20)),
			"check the code; unknown analytes are stored unconverted")
	}

	if isWithdrawn(o.Status) {
		r.Rejected = true
		r.Text = o.Value
		c.add(SeverityWarning, c.field(o, "value"), CodeWithdrawnResult,
			fmt.Sprintf("the sender marked this result %q (withdrawn, wrong or not obtainable); its value was not used", truncate(o.Status, 20)),
			"send a corrected result if one exists")
		return r
	}
	if o.Value == "" {
		msg := "the result has no value"
		if o.Status == "I" || o.Status == "P" || o.Status == "registered" || o.Status == "preliminary" {
			msg = "the result is pending (no value yet)"
		}
		c.add(SeverityWarning, c.field(o, "value"), CodeNoValue, msg, "send the value when it is available (a corrected or final report)")
		return r
	}
	cmp, num := o.Comparator, o.Value
	if cmp == "" {
		cmp, num = splitComparator(o.Value)
	}
	v, err := parseNumber(num)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		r.Text = o.Value
		if a != nil {
			sev := SeverityWarning
			if o.Numeric {
				sev = SeverityRejected
				r.Rejected = true
			}
			c.add(sev, c.field(o, "value"), CodeNonNumericValue,
				fmt.Sprintf("%s expects a number but the value is text", a.Name),
				"send the numeric value (a comparator such as <5 is allowed)")
		}
		if sf := senderFlag(o.Flag); sf != "" && sf != FlagNormal {
			r.Flag = FlagAbnormal
		}
		return r
	}
	r.Comparator = cmp
	if a == nil {
		return c.unknownNumeric(o, r, v)
	}
	return c.knownNumeric(o, r, a, prop, v)
}

// unknownNumeric keeps a number for a code outside the table: the sender's
// unit and range are used as sent, with no conversion and no critical limits.
func (c *normalizer) unknownNumeric(o Observation, r Result, v float64) Result {
	r.Value, r.Numeric = v, true
	r.Unit = o.Unit
	if r.Unit == "" {
		r.Unit = o.UnitText
	}
	if _, asUCUM, isUCUM, ok := lookupUnit(r.Unit, false); ok && !isUCUM {
		c.nonUCUM(o, r.Unit, asUCUM)
	}
	lo, hi := o.RefLow, o.RefHigh
	if (lo != nil || hi != nil) && (o.RefUnit == "" || cleanUnit(o.RefUnit) == cleanUnit(r.Unit)) {
		if lo != nil && hi != nil && *lo > *hi {
			c.add(SeverityWarning, c.field(o, "range"), CodeRangeLowGtHigh,
				"the reference range low is greater than high; it was ignored", "send low <= high")
		} else {
			r.RefLow, r.RefHigh, r.RangeSource = lo, hi, RangeSender
		}
	}
	r.Flag = flagFor(v, r.Comparator, r.RefLow, r.RefHigh)
	if r.Flag == FlagNone && r.RangeSource != RangeNone && r.Comparator != "" {
		c.add(SeverityWarning, c.field(o, "value"), CodeComparatorAmbiguous,
			"the comparator value cannot be placed against the range; no flag was set", "send an exact value when it matters")
	}
	c.checkSenderFlag(o, r)
	return r
}

func (c *normalizer) knownNumeric(o Observation, r Result, a *analyte, prop codeProperty, v float64) Result {
	unit := o.Unit
	if unit == "" && o.UnitText != "" {
		c.add(SeverityWarning, c.field(o, "unit"), CodeNoUCUMCode,
			fmt.Sprintf("the quantity has unit text %q but no UCUM code", truncate(o.UnitText, 20)),
			"send the UCUM code in valueQuantity.code with system http://unitsofmeasure.org")
		unit = o.UnitText
	}
	if unit == "" {
		r.Rejected = true
		c.add(SeverityRejected, c.field(o, "unit"), CodeMissingUnit,
			fmt.Sprintf("%s has no unit; the value cannot be normalized", a.Name), "send the UCUM unit, e.g. "+a.Unit)
		return r
	}
	ud, asUCUM, isUCUM, ok := lookupUnit(unit, a.Monovalent)
	if !ok {
		r.Rejected = true
		c.add(SeverityRejected, c.field(o, "unit"), CodeUnknownUnit,
			fmt.Sprintf("unit %q is not a known UCUM unit for %s; the value was not converted", truncate(unit, 20), a.Name),
			"send a UCUM unit such as "+a.Unit)
		return r
	}
	if !isUCUM {
		c.nonUCUM(o, unit, asUCUM)
	}
	conv, ok := converter(a, ud)
	if !ok {
		r.Rejected = true
		c.add(SeverityRejected, c.field(o, "unit"), CodeIncompatibleUnit,
			fmt.Sprintf("unit %q (%s) cannot express %s (%s)", truncate(unit, 20), ud.dim, a.Name, a.Dim),
			"send the value in "+a.Unit+" or check the LOINC code")
		return r
	}
	if up := unitProperty(ud.dim); prop != propEither && up != propEither && up != prop {
		c.add(SeverityWarning, c.field(o, "unit"), CodeUnitMismatchCode,
			fmt.Sprintf("LOINC %s is a [%s] code but the unit %q is a %s unit; converted with the molar mass of %s",
				o.Code, propName(prop), truncate(unit, 20), propName(up), a.Name),
			"send the LOINC code that matches the unit (mass vs molar variant)")
	}
	cv := conv(v)
	if cv < a.PlausLow || cv > a.PlausHigh || math.IsNaN(cv) || math.IsInf(cv, 0) {
		r.Rejected = true
		c.add(SeverityRejected, c.field(o, "value"), CodeImplausibleValue,
			fmt.Sprintf("%s %s would be %s %s, outside the plausible %g-%g %s; the value was not converted or flagged",
				o.Value, unit, fmtNum(roundSig(cv, 4)), a.Unit, a.PlausLow, a.PlausHigh, a.Unit),
			"check the unit (e.g. g/dL vs g/mL) and the value, then resend")
		return r
	}
	r.Value, r.Numeric, r.Unit = roundSig(cv, 4), true, a.Unit
	if cleanUnit(unit) == a.Unit || ud == units[a.Unit] {
		r.Value = cv
	}
	c.chooseRange(o, &r, a, unit)
	r.Flag = flagFor(r.Value, r.Comparator, r.RefLow, r.RefHigh)
	if r.Flag == FlagNone && r.RangeSource != RangeNone && r.Comparator != "" {
		c.add(SeverityWarning, c.field(o, "value"), CodeComparatorAmbiguous,
			"the comparator value cannot be placed against the range; no flag was set", "send an exact value when it matters")
	}
	if crit := criticalFor(r.Value, r.Comparator, a.CritLow, a.CritHigh); crit != "" {
		r.Flag, r.Critical = crit, true
	}
	c.checkSenderFlag(o, r)
	return r
}

func (c *normalizer) nonUCUM(o Observation, unit, asUCUM string) {
	c.add(SeverityWarning, c.field(o, "unit"), CodeNonUCUMUnit,
		fmt.Sprintf("unit %q is not a UCUM code; it was read as %s", truncate(unit, 20), asUCUM),
		"send the UCUM code "+asUCUM)
}

// chooseRange applies the precedence sender (when valid) > table > none.
func (c *normalizer) chooseRange(o Observation, r *Result, a *analyte, unit string) {
	tLo, tHi, tSrc, tOK := tableRange(a, c.sex, c.age)
	if o.RefText != "" && o.RefLow == nil && o.RefHigh == nil {
		c.add(SeverityWarning, c.field(o, "range"), CodeRangeUnparsable,
			fmt.Sprintf("the reference range %q is not numeric (expected low-high, <high or >low); it was ignored", truncate(o.RefText, 30)),
			"send the range as 3.5-5.0, <5 or >10")
	}
	if sLo, sHi, ok := c.senderRange(o, a, unit, tLo, tHi); ok {
		r.RefLow, r.RefHigh, r.RangeSource = sLo, sHi, RangeSender
		return
	}
	if tOK {
		r.RefLow, r.RefHigh, r.RangeSource = tLo, tHi, "table:"+tSrc
		return
	}
	if c.age >= 0 && c.age < 18 {
		c.add(SeverityWarning, c.field(o, "range"), CodeNoAgeRange,
			fmt.Sprintf("no reference range for %s at age %d in the table and none sent; no flag was set", a.Name, c.age),
			"send the lab's age-specific reference range")
	}
}

// senderRange validates and converts the sender's range to canonical units.
func (c *normalizer) senderRange(o Observation, a *analyte, unit string, tLo, tHi *float64) (*float64, *float64, bool) {
	if o.RefLow == nil && o.RefHigh == nil {
		return nil, nil, false
	}
	field := c.field(o, "range")
	ru := o.RefUnit
	if ru == "" {
		ru = unit
	}
	ud, _, _, ok := lookupUnit(ru, a.Monovalent)
	var conv func(float64) float64
	if ok {
		conv, ok = converter(a, ud)
	}
	if !ok {
		c.add(SeverityWarning, field, CodeRangeUnitMismatch,
			fmt.Sprintf("the reference range unit %q cannot be converted to %s; the table range was used", truncate(ru, 20), a.Unit),
			"send the range in the same unit as the value")
		return nil, nil, false
	}
	var lo, hi *float64
	if o.RefLow != nil {
		lo = fp(roundSig(conv(*o.RefLow), 4))
	}
	if o.RefHigh != nil {
		hi = fp(roundSig(conv(*o.RefHigh), 4))
	}
	if lo != nil && hi != nil && *lo > *hi {
		c.add(SeverityWarning, field, CodeRangeLowGtHigh,
			fmt.Sprintf("the reference range low (%g) is greater than high (%g); it was ignored and the table range used", *o.RefLow, *o.RefHigh),
			"send low <= high")
		return nil, nil, false
	}
	if (lo != nil && *lo > a.PlausHigh) || (hi != nil && (*hi > a.PlausHigh || *hi < a.PlausLow)) {
		c.add(SeverityWarning, field, CodeRangeImplausible,
			fmt.Sprintf("the reference range converts to values outside the plausible %g-%g %s; it was ignored", a.PlausLow, a.PlausHigh, a.Unit),
			"check the unit of the reference range")
		return nil, nil, false
	}
	if lo != nil && hi != nil && tLo != nil && tHi != nil && (*hi < *tLo || *lo > *tHi) {
		if alt := explainRange(a, *o.RefLow, *o.RefHigh, *tLo, *tHi, ru); alt != "" {
			c.add(SeverityWarning, field, CodeRangeUnitMismatch,
				fmt.Sprintf("the reference range %g-%g is labelled %s but matches the expected %s range only if read as %s; it was ignored and the table range used (check the value's unit too)",
					*o.RefLow, *o.RefHigh, truncate(ru, 20), a.Name, alt),
				"label the range with its real unit")
			return nil, nil, false
		}
		c.add(SeverityWarning, field, CodeRangeDisagrees,
			fmt.Sprintf("the reference range does not overlap the table range %s-%s %s; the sender's range was used", fmtPtr(tLo), fmtPtr(tHi), a.Unit),
			"check the reference range")
	}
	return lo, hi, true
}

// explainRange finds another unit of the same analyte in which the sender's
// numbers would fall inside the table range.
func explainRange(a *analyte, lo, hi, tLo, tHi float64, stated string) string {
	var candidates []string
	switch a.Dim {
	case dimMassConc, dimSubstConc:
		candidates = []string{"g/dL", "g/L", "mg/dL", "mg/L", "mmol/L", "umol/L"}
	case dimCountConc:
		candidates = []string{"10*3/uL", "10*6/uL", "/uL"}
	}
	for _, cu := range candidates {
		if cleanUnit(cu) == cleanUnit(stated) {
			continue
		}
		ud := units[cu]
		conv, ok := converter(a, ud)
		if !ok {
			continue
		}
		mid := (conv(lo) + conv(hi)) / 2
		if mid >= tLo && mid <= tHi {
			return cu
		}
	}
	return ""
}

// tableRange picks the table's reference range for sex and age. Unknown
// sex uses the union of the male and female ranges; unknown age (-1) is
// treated as adult.
func tableRange(a *analyte, sex string, age int) (*float64, *float64, string, bool) {
	if age < 0 {
		age = 30
	}
	var lo, hi *float64
	src := ""
	found := false
	for _, rr := range a.Ranges {
		if age < rr.MinAge || (rr.MaxAge > 0 && age >= rr.MaxAge) {
			continue
		}
		if rr.Sex != "" && sex != SexUnknown && rr.Sex != sex {
			continue
		}
		if found && rr.Sex == "" {
			continue // a more specific rule already matched
		}
		if !found {
			lo, hi, src, found = rr.Low, rr.High, rr.Source, true
			if rr.Sex == "" || sex != SexUnknown {
				break
			}
			continue
		}
		// unknown sex: widen with the other sex's rule (nil = open-ended)
		if lo != nil && (rr.Low == nil || *rr.Low < *lo) {
			lo = rr.Low
		}
		if hi != nil && (rr.High == nil || *rr.High > *hi) {
			hi = rr.High
		}
	}
	// copies: callers must not be able to change the table
	if lo != nil {
		lo = fp(*lo)
	}
	if hi != nil {
		hi = fp(*hi)
	}
	return lo, hi, src, found
}

// converter returns the function converting a value in unit ud into the
// analyte's canonical unit.
func converter(a *analyte, ud unitDef) (func(float64) float64, bool) {
	canon, ok := units[a.Unit]
	if !ok {
		return nil, false
	}
	if ud.dim == a.Dim {
		k := ud.factor / canon.factor
		return func(v float64) float64 { return v * k }, true
	}
	if a.MolarMass > 0 {
		switch {
		case ud.dim == dimSubstConc && a.Dim == dimMassConc:
			k := ud.factor * a.MolarMass / canon.factor
			return func(v float64) float64 { return v * k }, true
		case ud.dim == dimMassConc && a.Dim == dimSubstConc:
			k := ud.factor / a.MolarMass / canon.factor
			return func(v float64) float64 { return v * k }, true
		}
	}
	return nil, false
}

func unitProperty(d dim) codeProperty {
	switch d {
	case dimMassConc:
		return propMass
	case dimSubstConc:
		return propMolar
	}
	return propEither
}

func propName(p codeProperty) string {
	switch p {
	case propMass:
		return "Mass/volume"
	case propMolar:
		return "Moles/volume"
	}
	return "other"
}

// flagFor computes N/L/H from a range; with a comparator only when the
// answer is certain; FlagNone without any range.
func flagFor(v float64, cmp string, lo, hi *float64) Flag {
	if lo == nil && hi == nil {
		return FlagNone
	}
	switch cmp {
	case "":
		switch {
		case lo != nil && v < *lo:
			return FlagLow
		case hi != nil && v > *hi:
			return FlagHigh
		}
		return FlagNormal
	case "<", "<=":
		// true value is below (or at) v
		if lo != nil && (v < *lo || (cmp == "<" && v == *lo)) {
			return FlagLow
		}
		if lo == nil && hi != nil && v <= *hi {
			return FlagNormal
		}
	case ">", ">=":
		if hi != nil && (v > *hi || (cmp == ">" && v == *hi)) {
			return FlagHigh
		}
		if hi == nil && lo != nil && v >= *lo {
			return FlagNormal
		}
	}
	return FlagNone
}

// criticalFor returns LL or HH when the value is certainly beyond a
// critical limit.
func criticalFor(v float64, cmp string, lo, hi *float64) Flag {
	switch cmp {
	case "":
		if lo != nil && v < *lo {
			return FlagCriticalLow
		}
		if hi != nil && v > *hi {
			return FlagCriticalHigh
		}
	case "<", "<=":
		if lo != nil && v <= *lo {
			return FlagCriticalLow
		}
	case ">", ">=":
		if hi != nil && v >= *hi {
			return FlagCriticalHigh
		}
	}
	return ""
}

// senderFlag maps an HL7 table 0078 / FHIR interpretation code to a Flag.
func senderFlag(s string) Flag {
	switch s {
	case "N":
		return FlagNormal
	case "L", "LU", "<":
		return FlagLow
	case "H", "HU", ">":
		return FlagHigh
	case "LL":
		return FlagCriticalLow
	case "HH":
		return FlagCriticalHigh
	case "A", "AA", "POS", "DET", "RR", "R":
		return FlagAbnormal
	}
	return ""
}

// isWithdrawn reports result statuses whose value must not be used: HL7
// table 0085 D (deleted), W (wrong), X (cannot be obtained) and their FHIR
// mappings entered-in-error and cancelled.
func isWithdrawn(status string) bool {
	switch status {
	case "D", "W", "X", "entered-in-error", "cancelled":
		return true
	}
	return false
}

func direction(f Flag) int {
	switch f {
	case FlagLow, FlagCriticalLow:
		return -1
	case FlagHigh, FlagCriticalHigh:
		return 1
	}
	return 0
}

// checkSenderFlag warns when the sender's flag points the other way than
// the computed one (N vs L vs H; LL counts as L).
func (c *normalizer) checkSenderFlag(o Observation, r Result) {
	sf := senderFlag(o.Flag)
	if sf == "" || sf == FlagAbnormal || r.Flag == FlagNone || r.Flag == FlagAbnormal {
		return
	}
	if direction(sf) != direction(r.Flag) {
		c.add(SeverityWarning, c.field(o, "flag"), CodeFlagDisagrees,
			fmt.Sprintf("the sender flagged %s but the value against the %s range is %s", sf, r.RangeSource, r.Flag),
			"check the reference range and the flag")
	}
}

func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func fmtPtr(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmtNum(*p)
}
