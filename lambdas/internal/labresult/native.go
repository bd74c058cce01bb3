package labresult

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// NativeSchemaVersion is the only native schema version accepted.
const NativeSchemaVersion = "1"

// The native LabSecure JSON format, schema version "1":
//
//	{
//	  "schema_version": "1",                  required, must be "1"
//	  "accession_id": "ACC-1",                required
//	  "patient_id": "P-1",                    required (the lab's id; PHI)
//	  "lab_id": "LAB-1",                      required
//	  "status": "F",                          required: P, F or C
//	  "test_type": "CBC",                     optional panel name
//	  "patient_sex": "F",                     optional: M, F or U
//	  "patient_birth_date": "1980-02-03",     optional, YYYY-MM-DD
//	  "collected_at": "2026-01-02T08:00:00Z", optional, RFC 3339
//	  "issued_at": "2026-01-02T12:00:00Z",    optional, RFC 3339
//	  "results": [                            required, at least one
//	    {"loinc": "718-7", "value": 13.2, "unit": "g/dL",
//	     "ref_low": 12, "ref_high": 16, "flag": "N",
//	     "display": "Hemoglobin", "status": "F"}
//	  ]
//	}
//
// In a result, loinc and value are required; value is a JSON number or a
// string (a number with a comparator such as "<5" or ">=200", or text such
// as "negative"); unit is a UCUM code; ref_low, ref_high, flag, display and
// status are optional. Unknown fields are refused with their path.
var (
	nativeTopFields = map[string]bool{
		"schema_version": true, "accession_id": true, "patient_id": true, "lab_id": true, "status": true,
		"test_type": true, "patient_sex": true, "patient_birth_date": true, "collected_at": true,
		"issued_at": true, "results": true,
	}
	nativeResultFields = map[string]bool{
		"loinc": true, "value": true, "unit": true, "ref_low": true, "ref_high": true, "flag": true,
		"display": true, "status": true,
	}
)

type nativeParser struct {
	m        *Message
	problems []Problem
}

func (p *nativeParser) reject(field, problem, fix string) {
	p.problems = append(p.problems, Problem{Field: field, Problem: problem, Fix: fix})
}

func parseNative(body []byte) (*Message, error) {
	p := &nativeParser{m: &Message{Format: FormatNative}}
	top, ok := p.object(body, "$")
	if !ok {
		return nil, p.err()
	}
	p.unknown(top, nativeTopFields, "")

	ver, ok := p.str(top, "schema_version", "schema_version", true)
	if ok && ver != NativeSchemaVersion {
		p.reject("schema_version", fmt.Sprintf("schema version %q is not supported", truncate(ver, 12)), `send "schema_version": "1"`)
	}
	p.m.SchemaVersion = ver
	p.m.AccessionID, _ = p.str(top, "accession_id", "accession_id", true)
	p.m.PatientID, _ = p.str(top, "patient_id", "patient_id", true)
	p.m.LabID, _ = p.str(top, "lab_id", "lab_id", true)
	if st, ok := p.str(top, "status", "status", true); ok {
		switch ReportStatus(st) {
		case StatusPreliminary, StatusFinal, StatusCorrected:
			p.m.Status = ReportStatus(st)
		default:
			p.reject("status", fmt.Sprintf("status %q is not P, F or C", truncate(st, 12)), `send "status": "P" (preliminary), "F" (final) or "C" (corrected)`)
		}
	}
	panel, _ := p.str(top, "test_type", "test_type", false)
	p.m.PatientSex = SexUnknown
	if sex, ok := p.str(top, "patient_sex", "patient_sex", false); ok && sex != "" {
		switch sex {
		case SexMale, SexFemale, SexUnknown:
			p.m.PatientSex = sex
		default:
			p.reject("patient_sex", "patient_sex is not M, F or U", `send "patient_sex": "M", "F" or "U"`)
		}
	}
	if d, ok := p.str(top, "patient_birth_date", "patient_birth_date", false); ok && d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			p.reject("patient_birth_date", "patient_birth_date is not a YYYY-MM-DD date", `send "patient_birth_date": "1980-02-03"`)
		} else {
			p.m.PatientBirthDate = t
		}
	}
	p.m.Collected = p.timestamp(top, "collected_at")
	p.m.Issued = p.timestamp(top, "issued_at")

	raw, present := top["results"]
	if !present {
		p.reject("results", "results is missing", "send a results array with at least one result")
	} else {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil || items == nil {
			p.reject("results", "results is not an array", "send results as a JSON array of objects")
		} else if len(items) == 0 {
			p.reject("results", "results is empty", "send at least one result")
		}
		for i, it := range items {
			p.result(it, i, panel)
		}
	}
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return p.m, nil
}

func (p *nativeParser) err() error {
	return &ValidationError{Format: FormatNative, Problems: p.problems}
}

// object decodes one JSON object strictly: no trailing data.
func (p *nativeParser) object(raw []byte, path string) (map[string]json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil || obj == nil {
		what := "is not a JSON object"
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			what = fmt.Sprintf("is not valid JSON (syntax error at byte %d)", se.Offset)
		case err != nil && !errors.As(err, &te):
			what = "is not valid JSON (truncated or empty)"
		}
		p.reject(path, path+" "+what, "send a JSON object")
		return nil, false
	}
	if dec.More() {
		p.reject(path, "data follows the JSON object", "send exactly one JSON object")
		return nil, false
	}
	return obj, true
}

func (p *nativeParser) unknown(obj map[string]json.RawMessage, known map[string]bool, prefix string) {
	var names []string
	for k := range obj {
		if !known[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		var allowed []string
		for a := range known {
			allowed = append(allowed, a)
		}
		sort.Strings(allowed)
		name := truncate(k, 40)
		if name == "" {
			name = `""`
		}
		p.reject(prefix+name, "unknown field", "remove it; allowed fields: "+strings.Join(allowed, ", "))
	}
}

// str reads a string field.
func (p *nativeParser) str(obj map[string]json.RawMessage, key, path string, required bool) (string, bool) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		if required {
			p.reject(path, path+" is missing", "send "+key+" as a non-empty string")
		}
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.reject(path, path+" is not a string", "send "+key+" as a JSON string")
		return "", false
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		p.reject(path, path+" is empty", "send "+key+" as a non-empty string")
		return "", false
	}
	if len(s) > 256 {
		p.reject(path, path+" is longer than 256 characters", "shorten "+key)
		return "", false
	}
	return s, true
}

func (p *nativeParser) number(obj map[string]json.RawMessage, key, path string) *float64 {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		p.reject(path, path+" is not a number", "send "+key+" as a JSON number")
		return nil
	}
	return &f
}

func (p *nativeParser) timestamp(obj map[string]json.RawMessage, key string) time.Time {
	s, ok := p.str(obj, key, key, false)
	if !ok || s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		p.reject(key, key+" is not an RFC 3339 timestamp", `send e.g. "`+key+`": "2026-01-02T08:00:00Z"`)
		return time.Time{}
	}
	return t
}

func (p *nativeParser) result(raw json.RawMessage, i int, panel string) {
	prefix := fmt.Sprintf("results[%d]", i)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		p.reject(prefix, prefix+" is not an object", "send each result as a JSON object")
		return
	}
	p.unknown(obj, nativeResultFields, prefix+".")
	o := Observation{Source: prefix, CodeSystem: "http://loinc.org", Panel: panel}
	o.Code, _ = p.str(obj, "loinc", prefix+".loinc", true)
	if o.Code != "" && !looksLikeLOINC(o.Code) {
		p.reject(prefix+".loinc", "loinc is not a LOINC code (digits, a dash and a check digit)", `send e.g. "loinc": "718-7"`)
	} else if o.Code != "" && !loincCheckDigitOK(o.Code) {
		p.reject(prefix+".loinc", "the LOINC check digit is wrong", "check the code for a typo (e.g. 718-7 for hemoglobin)")
	}
	o.Display, _ = p.str(obj, "display", prefix+".display", false)
	o.Unit, _ = p.str(obj, "unit", prefix+".unit", false)
	o.Flag, _ = p.str(obj, "flag", prefix+".flag", false)
	o.Status, _ = p.str(obj, "status", prefix+".status", false)
	o.RefLow = p.number(obj, "ref_low", prefix+".ref_low")
	o.RefHigh = p.number(obj, "ref_high", prefix+".ref_high")
	v, ok := obj["value"]
	switch {
	case !ok || string(v) == "null":
		p.reject(prefix+".value", prefix+".value is missing", "send value as a number (13.2) or a string (\"<5\", \"negative\")")
	case len(v) > 0 && v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			p.reject(prefix+".value", "value is not a valid JSON string", "send value as a number or a string")
			break
		}
		s = strings.TrimSpace(s)
		if s == "" {
			p.reject(prefix+".value", "value is empty", "send the result value")
			break
		}
		if len(s) > 1024 {
			p.reject(prefix+".value", "value is longer than 1024 characters", "shorten the value")
			break
		}
		cmp, rest := splitComparator(s)
		if _, err := parseNumber(rest); err == nil {
			o.Comparator, o.Value, o.Numeric = cmp, rest, true
		} else {
			o.Value = s
		}
	default:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			p.reject(prefix+".value", "value is neither a number nor a string", "send value as a number or a string")
			break
		}
		o.Value, o.Numeric = n.String(), true
	}
	p.m.Results = append(p.m.Results, o)
}

// looksLikeLOINC reports whether s has the LOINC shape NNNNN-N.
func looksLikeLOINC(s string) bool {
	i := strings.IndexByte(s, '-')
	if i < 1 || i > 7 || i != len(s)-2 {
		return false
	}
	for j, c := range s {
		if j != i && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
