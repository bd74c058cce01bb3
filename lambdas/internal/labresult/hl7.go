package labresult

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxProblems bounds the problems collected from one batch.
const maxProblems = 100

// Supported HL7 v2 versions (MSH-12). Later 2.x versions are accepted with a
// warning; earlier ones are refused.
var hl7Versions = map[string]bool{"2.3.1": true, "2.4": true, "2.5": true, "2.5.1": true}

// ParseBatch parses HL7 v2 ER7 text holding one message or a batch/file
// (FHS/BHS ... BTS/FTS) of ORU^R01 messages and returns every message. Fields
// in errors of a batch are prefixed with "message[i]." (0-based).
func ParseBatch(body []byte) ([]*Message, error) {
	lines := splitSegments(body)
	if len(lines) == 0 {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
			Field: "MSH", Problem: "the body is empty", Fix: "send an HL7 v2 ORU^R01 message starting with an MSH segment"}}}
	}
	if !strings.HasPrefix(lines[0], "MSH") && !strings.HasPrefix(lines[0], "FHS") && !strings.HasPrefix(lines[0], "BHS") {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
			Field: "MSH", Problem: "the message does not start with an MSH (or FHS/BHS batch header) segment",
			Fix: "start the body with MSH|^~\\&| (a UTF-8 byte-order mark and blank lines are tolerated)"}}}
	}
	// Group segments into messages at each MSH.
	var groups [][]string
	var envelope []string
	for _, l := range lines {
		name := l
		if len(name) > 3 {
			name = name[:3]
		}
		switch name {
		case "MSH":
			groups = append(groups, []string{l})
		case "FHS", "BHS", "BTS", "FTS":
			envelope = append(envelope, name)
		default:
			if len(groups) == 0 {
				return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
					Field: "MSH", Problem: fmt.Sprintf("segment %q appears before the first MSH", truncate(name, 3)),
					Fix: "put every segment of a message after its MSH segment"}}}
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], l)
		}
	}
	if len(groups) == 0 {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
			Field: "MSH", Problem: "the batch holds no MSH segment", Fix: "put at least one ORU^R01 message between BHS and BTS"}}}
	}
	var msgs []*Message
	var problems []Problem
	for i, g := range groups {
		if len(problems) >= maxProblems {
			problems = append(problems, Problem{Field: fmt.Sprintf("message[%d]", i),
				Problem: fmt.Sprintf("more than %d problems; the remaining %d messages were not checked", maxProblems, len(groups)-i),
				Fix:     "fix the problems listed and resend"})
			break
		}
		m, err := parseORU(g)
		if err != nil {
			ve, ok := err.(*ValidationError)
			if !ok {
				return nil, err
			}
			for _, p := range ve.Problems {
				if len(groups) > 1 {
					p.Field = fmt.Sprintf("message[%d].%s", i, p.Field)
				}
				problems = append(problems, p)
			}
			continue
		}
		msgs = append(msgs, m)
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: problems}
	}
	// Tolerated deviations from the ER7 encoding rules are still reported.
	var notes []Issue
	if bytes.HasPrefix(body, utf8BOM) {
		notes = append(notes, Issue{Severity: SeverityWarning, Field: "MSH", Code: CodeByteOrderMark,
			Message: "the message starts with a UTF-8 byte-order mark; it was ignored", Fix: "send ER7 text without a byte-order mark"})
	}
	if bytes.IndexByte(body, '\n') >= 0 {
		term := "LF"
		if bytes.Contains(body, []byte("\r\n")) {
			term = "CR LF"
		}
		notes = append(notes, Issue{Severity: SeverityWarning, Field: "MSH", Code: CodeSegmentTerminator,
			Message: "segments end in " + term + "; HL7 v2 terminates segments with CR only; read anyway", Fix: "terminate each segment with a carriage return (0x0D)"})
	}
	for _, m := range msgs {
		m.Warnings = append(notes[:len(notes):len(notes)], m.Warnings...)
	}
	return msgs, nil
}

func parseHL7(body []byte) (*Message, error) {
	msgs, err := ParseBatch(body)
	if err != nil {
		return nil, err
	}
	if len(msgs) != 1 {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
			Field: "MSH", Problem: fmt.Sprintf("the body holds %d messages", len(msgs)),
			Fix: "send one ORU^R01 message per request, or submit the batch through ParseBatch/ParseAll"}}}
	}
	return msgs[0], nil
}

type hl7Builder struct {
	e        er7
	m        *Message
	problems []Problem
}

func (b *hl7Builder) reject(field, problem, fix string) {
	b.problems = append(b.problems, Problem{Field: field, Problem: problem, Fix: fix})
}

func (b *hl7Builder) warn(field, code, msg, fix string) {
	b.m.Warnings = append(b.m.Warnings, Issue{Severity: SeverityWarning, Field: field, Code: code, Message: msg, Fix: fix})
}

// parseORU maps the segments of one message (first is MSH) to a Message.
func parseORU(lines []string) (*Message, error) {
	e, err := readEncoding(lines[0])
	if err != nil {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: []Problem{{
			Field: "MSH.2", Problem: err.Error(), Fix: "start the message with MSH|^~\\& (field separator then component, repetition, escape and subcomponent characters)"}}}
	}
	b := &hl7Builder{e: e, m: &Message{Format: FormatHL7v2}}
	msh := e.parseSegment(lines[0], 1)

	// MSH-9 message type.
	typ, trig := e.comp1(msh, 9, 1), e.comp1(msh, 9, 2)
	if typ != "ORU" || (trig != "" && trig != "R01") {
		b.reject("MSH.9", fmt.Sprintf("message type %q is not ORU^R01", truncate(typ+"^"+trig, 16)), "send observation results as ORU^R01")
	}
	b.m.ControlID = e.comp1(msh, 10, 1)
	if b.m.ControlID == "" {
		b.warn("MSH.10", CodeMissingField, "MSH-10 message control id is empty", "send a unique control id in MSH-10 so acknowledgements can be matched")
	}
	ver := e.comp1(msh, 12, 1)
	b.m.SchemaVersion = ver
	switch {
	case hl7Versions[ver]:
	case ver == "":
		b.reject("MSH.12", "MSH-12 version id is empty", "send 2.3.1, 2.4, 2.5 or 2.5.1 in MSH-12")
	case strings.HasPrefix(ver, "2.") && versionAtLeast(ver, 2, 6):
		b.warn("MSH.12", "unsupported-version", fmt.Sprintf("HL7 version %q is newer than 2.5.1; read as 2.5.1", truncate(ver, 10)), "send 2.5.1 or check that the fields used (PID, OBR, OBX) did not change")
	default:
		b.reject("MSH.12", fmt.Sprintf("HL7 version %q is not supported", truncate(ver, 10)), "send 2.3.1, 2.4, 2.5 or 2.5.1 in MSH-12")
	}
	b.m.LabID = e.comp1(msh, 4, 1)
	if b.m.LabID == "" {
		b.m.LabID = e.comp1(msh, 3, 1)
	}

	var obrStatuses []string
	obrN, obxN := 0, 0
	panel := ""
	sawPID := false
	for i, l := range lines[1:] {
		s := e.parseSegment(l, i+2)
		switch s.name {
		case "PID":
			if sawPID {
				b.warn("PID", CodeIgnoredSegment, "a second PID segment was ignored", "send one patient per ORU^R01 message")
				continue
			}
			sawPID = true
			b.readPID(s)
		case "OBR":
			obrN++
			path := fmt.Sprintf("OBR[%d]", obrN)
			acc := e.comp1(s, 3, 1)
			if acc == "" {
				acc = e.comp1(s, 2, 1)
			}
			if b.m.AccessionID == "" {
				b.m.AccessionID = acc
			}
			panel = e.comp1(s, 4, 1)
			if st := e.comp1(s, 25, 1); st != "" {
				obrStatuses = append(obrStatuses, st)
			}
			if t, ok := b.time(s, 7, path+".7"); ok && b.m.Collected.IsZero() {
				b.m.Collected = t
			}
			if t, ok := b.time(s, 22, path+".22"); ok && t.After(b.m.Issued) {
				b.m.Issued = t
			}
		case "OBX":
			obxN++
			b.readOBX(s, obxN, panel)
		}
	}
	if !sawPID {
		b.reject("PID", "the message has no PID segment", "send a PID segment with the lab's patient identifier in PID-3")
	} else if b.m.PatientID == "" {
		b.reject("PID.3", "PID-3 patient identifier is empty", "send the lab's patient identifier in PID-3.1")
	}
	if b.m.AccessionID == "" {
		b.reject("OBR.3", "no accession number in OBR-3 (filler order number) or OBR-2 (placer order number)", "send the lab accession number in OBR-3.1")
	}
	if obxN == 0 {
		b.reject("OBX", "the message holds no OBX result segment", "send each result in an OBX segment after its OBR")
	}
	b.m.Status = hl7ReportStatus(obrStatuses, b.m.Results)
	if len(b.problems) > 0 {
		return nil, &ValidationError{Format: FormatHL7v2, Problems: b.problems}
	}
	return b.m, nil
}

func (b *hl7Builder) readPID(s segment) {
	e := b.e
	// PID-3 repeats; prefer the MR identifier, else the first.
	reps := e.reps(s, 3)
	for i := range reps {
		id := e.get(s, 3, i, 1, 1)
		if id == "" {
			continue
		}
		if b.m.PatientID == "" || e.get(s, 3, i, 5, 1) == "MR" {
			b.m.PatientID = id
		}
		if e.get(s, 3, i, 5, 1) == "MR" {
			break
		}
	}
	if b.m.PatientID == "" {
		// v2.3-era senders sometimes use PID-2 (external id).
		b.m.PatientID = e.comp1(s, 2, 1)
	}
	if t, ok := b.time(s, 7, "PID.7"); ok {
		b.m.PatientBirthDate = t
	}
	switch sex := e.comp1(s, 8, 1); sex {
	case "M", "F":
		b.m.PatientSex = sex
	default:
		b.m.PatientSex = SexUnknown
	}
}

func (b *hl7Builder) readOBX(s segment, n int, panel string) {
	e := b.e
	path := fmt.Sprintf("OBX[%d]", n)
	o := Observation{Source: path, Panel: panel}
	o.Code, o.Display, o.CodeSystem = e.comp1(s, 3, 1), e.comp1(s, 3, 2), e.comp1(s, 3, 3)
	if o.CodeSystem != "LN" {
		if alt := e.comp1(s, 3, 4); alt != "" && e.comp1(s, 3, 6) == "LN" {
			o.Code, o.Display, o.CodeSystem = alt, e.comp1(s, 3, 5), "LN"
		}
	}
	if o.Code == "" {
		b.warn(path+".3", CodeMissingCode, "OBX-3 observation identifier is empty; the result was skipped", "send a LOINC code in OBX-3 (code^text^LN)")
		return
	}
	vt := e.comp1(s, 2, 1)
	if strings.IndexByte(s.raw(5), e.rep) >= 0 {
		b.warn(path+".5", "repeated-value", "OBX-5 repeats; only the first repetition was read", "send one value per OBX")
	}
	switch vt {
	case "NM":
		o.Numeric = true
		o.Value = strings.TrimSpace(e.get(s, 5, 0, 1, 1))
	case "SN":
		o.Numeric = true
		cmp := strings.TrimSpace(e.get(s, 5, 0, 1, 1))
		n1 := strings.TrimSpace(e.get(s, 5, 0, 2, 1))
		sep := strings.TrimSpace(e.get(s, 5, 0, 3, 1))
		n2 := strings.TrimSpace(e.get(s, 5, 0, 4, 1))
		switch {
		case sep == "" && n2 == "":
			if cmp == "=" {
				cmp = ""
			}
			o.Comparator, o.Value = cmp, n1
		default:
			// ratios and ranges (1:128, 2-5) are kept as text
			o.Numeric = false
			o.Value = strings.TrimSpace(cmp + n1 + sep + n2)
		}
	case "CE", "CWE", "CNE", "CF":
		o.Value = e.get(s, 5, 0, 2, 1)
		if o.Value == "" {
			o.Value = e.get(s, 5, 0, 1, 1)
		}
	case "ST", "TX", "FT", "":
		o.Value = strings.TrimSpace(e.get(s, 5, 0, 1, 1))
	default:
		o.Value = strings.TrimSpace(e.get(s, 5, 0, 1, 1))
		b.warn(path+".2", "unsupported-value-type", fmt.Sprintf("OBX-2 value type %q is not a lab value type; the value was kept as text", truncate(vt, 4)), "send NM, SN, ST, TX, FT or CWE in OBX-2")
	}
	o.Unit = strings.TrimSpace(e.comp1(s, 6, 1))
	if t := e.comp1(s, 6, 2); t != "" && t != o.Unit {
		o.UnitText = t
	}
	if rr := strings.TrimSpace(e.comp1(s, 7, 1)); rr != "" {
		lo, hi, ok := parseRangeText(rr)
		if !ok && o.Unit != "" && strings.HasSuffix(rr, o.Unit) {
			// "3.5-5.0 mmol/L": the range repeats the OBX-6 unit
			lo, hi, ok = parseRangeText(strings.TrimSuffix(rr, o.Unit))
		}
		if ok {
			o.RefLow, o.RefHigh = lo, hi
		} else {
			o.RefText = rr
		}
	}
	o.Flag = e.comp1(s, 8, 1)
	o.Status = e.comp1(s, 11, 1)
	b.m.Results = append(b.m.Results, o)
}

func (b *hl7Builder) time(s segment, n int, field string) (time.Time, bool) {
	v := b.e.comp1(s, n, 1)
	if v == "" {
		return time.Time{}, false
	}
	t, err := parseHL7Time(v)
	if err != nil {
		b.warn(field, CodeBadDate, "the timestamp is not an HL7 TS (YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ]); it was ignored", "send dates as YYYYMMDDHHMMSS+ZZZZ")
		return time.Time{}, false
	}
	return t, true
}

// parseHL7Time parses an HL7 TS/DTM value.
func parseHL7Time(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	zone := ""
	if i := strings.IndexAny(v, "+-"); i >= 0 {
		v, zone = v[:i], v[i:]
	}
	frac := ""
	if i := strings.IndexByte(v, '.'); i >= 0 {
		v, frac = v[:i], v[i+1:]
	}
	for _, c := range v + frac {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("timestamp holds %q", c)
		}
	}
	layouts := map[int]string{4: "2006", 6: "200601", 8: "20060102", 10: "2006010215", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(v)]
	if !ok {
		return time.Time{}, fmt.Errorf("timestamp has %d digits", len(v))
	}
	loc := time.UTC
	if zone != "" {
		if len(zone) != 5 {
			return time.Time{}, fmt.Errorf("zone %q is not +/-HHMM", zone)
		}
		hh, err1 := strconv.Atoi(zone[1:3])
		mm, err2 := strconv.Atoi(zone[3:5])
		if err1 != nil || err2 != nil || hh > 14 || mm > 59 {
			return time.Time{}, fmt.Errorf("zone %q is not +/-HHMM", zone)
		}
		off := hh*3600 + mm*60
		if zone[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, err
	}
	if frac != "" && len(frac) <= 9 {
		ns, _ := strconv.Atoi((frac + "000000000")[:9])
		t = t.Add(time.Duration(ns))
	}
	return t, nil
}

func versionAtLeast(v string, major, minor int) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return false
	}
	a, err1 := strconv.Atoi(parts[0])
	c, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return a > major || (a == major && c >= minor)
}

// hl7ReportStatus derives the report status from OBR-25 and OBX-11: C if
// anything was corrected, F only if every OBR and every OBX is final,
// otherwise P.
func hl7ReportStatus(obr []string, results []Observation) ReportStatus {
	sts := append([]string(nil), obr...)
	for _, r := range results {
		if r.Status != "" {
			sts = append(sts, r.Status)
		}
	}
	final := len(sts) > 0
	for _, s := range sts {
		switch s {
		case "C", "A":
			return StatusCorrected
		case "F", "V", "U":
		default:
			final = false
		}
	}
	if final {
		return StatusFinal
	}
	return StatusPreliminary
}
