package labresult

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	loincSystem = "http://loinc.org"
	ucumSystem  = "http://unitsofmeasure.org"
	maxMembers  = 8 // hasMember nesting depth
)

// fhirRes is one resource with its path in the document.
type fhirRes struct {
	obj  jobj
	path string
}

type fhirParser struct {
	m         *Message
	problems  []Problem
	byKey     map[string]fhirRes        // fullUrl and "Type/id" -> resource
	byPath    map[string]fhirRes        // top-level resources by path
	root      string                    // "Bundle", "DiagnosticReport" or "Observation"
	seen      map[string]bool           // observation paths already read
	contained map[string]map[string]int // holder path -> contained id -> index
	unres     []Problem                 // unresolved references
}

func (p *fhirParser) reject(field, problem, fix string) {
	p.problems = append(p.problems, Problem{Field: field, Problem: problem, Fix: fix})
}

func (p *fhirParser) warn(field, code, msg, fix string) {
	p.m.Warnings = append(p.m.Warnings, Issue{Severity: SeverityWarning, Field: field, Code: code, Message: msg, Fix: fix})
}

// parseFHIR reads a FHIR R4 Bundle (collection, transaction, searchset,
// batch, document) holding a DiagnosticReport and its Observations, a
// DiagnosticReport with contained Observations, or a lone Observation.
func parseFHIR(body []byte) (*Message, error) {
	p := &fhirParser{m: &Message{Format: FormatFHIR, SchemaVersion: "4.0.1", PatientSex: SexUnknown},
		byKey: map[string]fhirRes{}, byPath: map[string]fhirRes{}, seen: map[string]bool{}, contained: map[string]map[string]int{}}
	root, err := decodeJSONObject(body)
	if err != nil {
		p.reject("$", err.Error(), "send one FHIR R4 resource as JSON")
		return nil, p.err()
	}
	rt := jstr(root, "resourceType")
	p.root = rt
	switch rt {
	case "Bundle":
		p.bundle(root)
	case "DiagnosticReport":
		p.byPath[rt] = fhirRes{root, rt}
		p.report(fhirRes{root, rt})
	case "Observation":
		r := fhirRes{root, rt}
		p.byPath[rt] = r
		p.header(r, true)
		p.observation(r, "", 0)
	case "":
		p.reject("resourceType", "resourceType is missing", `send a Bundle, DiagnosticReport or Observation with "resourceType"`)
	default:
		p.reject("resourceType", fmt.Sprintf("resourceType %q is not accepted", truncate(rt, 30)), "send a Bundle, DiagnosticReport or Observation")
	}
	if len(p.problems) == 0 && len(p.m.Results) == 0 {
		if len(p.unres) > 0 {
			p.problems = append(p.problems, p.unres...)
		} else {
			p.reject(rt, "the report holds no Observation with a result", "send the Observations in the bundle or as contained resources of the DiagnosticReport")
		}
	}
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	p.m.Status = normalizeStatusDefault(p.m.Status)
	p.reconcileStatus()
	return p.m, nil
}

// reconcileStatus lets result statuses refine a final report: a corrected
// or amended result makes it C; a preliminary one makes it P (with a
// warning, as the report claimed to be final).
func (p *fhirParser) reconcileStatus() {
	if p.m.Status == StatusPreliminary {
		return
	}
	prelim, found := "", false
	for _, r := range p.m.Results {
		switch r.Status {
		case "amended", "corrected":
			p.m.Status = StatusCorrected
		case "preliminary", "registered":
			if !found {
				prelim, found = r.Source, true
			}
		}
	}
	if found && p.m.Status == StatusFinal {
		p.m.Status = StatusPreliminary
		p.warn(prelim+".status", CodeStatusDisagrees, "the report is final but this result is preliminary; the report was stored as preliminary",
			"finalize every result before sending a final report")
	}
}

func normalizeStatusDefault(s ReportStatus) ReportStatus {
	if s == "" {
		return StatusPreliminary
	}
	return s
}

func (p *fhirParser) err() error { return &ValidationError{Format: FormatFHIR, Problems: p.problems} }

func (p *fhirParser) bundle(b jobj) {
	p.m.ControlID = jstr(b, "id")
	switch t := jstr(b, "type"); t {
	case "collection", "transaction", "searchset", "batch", "document", "message":
	case "":
		p.reject("Bundle.type", "Bundle.type is missing", `send "type": "collection"`)
	default:
		p.reject("Bundle.type", fmt.Sprintf("Bundle.type %q does not carry results", truncate(t, 30)), `send "type": "collection", "transaction" or "searchset"`)
	}
	entries := jarr(b, "entry")
	var reports, obs []fhirRes
	for i := range entries {
		path := fmt.Sprintf("Bundle.entry[%d]", i)
		e := jobjAt(entries, i)
		if e == nil {
			p.reject(path, "the entry is not an object", "send each entry as {\"fullUrl\": ..., \"resource\": {...}}")
			continue
		}
		res := jget(e, "resource")
		if res == nil {
			continue // e.g. a transaction response entry
		}
		rpath := path + ".resource"
		rt := jstr(res, "resourceType")
		r := fhirRes{res, rpath}
		p.byPath[rpath] = r
		if fu := jstr(e, "fullUrl"); fu != "" {
			p.byKey[fu] = r
		}
		if id := jstr(res, "id"); id != "" && rt != "" {
			p.byKey[rt+"/"+id] = r
		}
		switch rt {
		case "DiagnosticReport":
			reports = append(reports, r)
		case "Observation":
			obs = append(obs, r)
		}
	}
	switch {
	case len(reports) > 1:
		p.reject("Bundle.entry", fmt.Sprintf("the bundle holds %d DiagnosticReports", len(reports)), "send one DiagnosticReport per bundle")
	case len(reports) == 1:
		p.report(reports[0])
	case len(obs) > 0:
		// A bundle of Observations: panels first, members through them.
		p.header(obs[0], true)
		members := map[string]bool{}
		for _, o := range obs {
			for k := range jarr(o.obj, "hasMember") {
				if r, ok := p.resolve(jstr(jobjAt(jarr(o.obj, "hasMember"), k), "reference"), o); ok {
					members[r.path] = true
				}
			}
		}
		for _, o := range obs {
			if !members[o.path] {
				p.observation(o, "", 0)
			}
		}
	default:
		p.reject("Bundle.entry", "the bundle holds no DiagnosticReport and no Observation", "send a DiagnosticReport with its Observations")
	}
}

// resolve finds the resource a reference points to, relative to from.
func (p *fhirParser) resolve(ref string, from fhirRes) (fhirRes, bool) {
	if ref == "" {
		return fhirRes{}, false
	}
	if strings.HasPrefix(ref, "#") {
		id := ref[1:]
		// Contained resources live in the container; an Observation
		// contained in a DiagnosticReport may point at its siblings.
		for _, holder := range []fhirRes{from, p.container(from)} {
			if holder.obj == nil {
				continue
			}
			idx, ok := p.contained[holder.path]
			if !ok {
				// index once per holder: linear work even with many references
				idx = map[string]int{}
				cs := jarr(holder.obj, "contained")
				for i := range cs {
					if c := jobjAt(cs, i); c != nil {
						if cid := jstr(c, "id"); cid != "" {
							if _, dup := idx[cid]; !dup {
								idx[cid] = i
							}
						}
					}
				}
				p.contained[holder.path] = idx
			}
			if i, ok := idx[id]; ok {
				return fhirRes{jobjAt(jarr(holder.obj, "contained"), i), fmt.Sprintf("%s.contained[%d]", holder.path, i)}, true
			}
		}
		return fhirRes{}, false
	}
	if r, ok := p.byKey[ref]; ok {
		return r, true
	}
	// Absolute URL whose tail is Type/id, or a relative reference whose
	// fullUrl is absolute.
	parts := strings.Split(strings.TrimSuffix(ref, "/"), "/")
	if n := len(parts); n >= 2 {
		// strip a version: Type/id/_history/v
		if n >= 4 && parts[n-2] == "_history" {
			parts = parts[:n-2]
			n -= 2
		}
		if r, ok := p.byKey[parts[n-2]+"/"+parts[n-1]]; ok {
			return r, true
		}
	}
	return fhirRes{}, false
}

// container returns the resource holding a contained resource.
func (p *fhirParser) container(r fhirRes) fhirRes {
	i := strings.LastIndex(r.path, ".contained[")
	if i < 0 {
		return fhirRes{}
	}
	return p.byPath[r.path[:i]]
}

func (p *fhirParser) report(r fhirRes) {
	p.header(r, false)
	results := jarr(r.obj, "result")
	for i := range results {
		field := fmt.Sprintf("%s.result[%d].reference", r.path, i)
		ref := jstr(jobjAt(results, i), "reference")
		o, ok := p.resolve(ref, r)
		if !ok || jstr(o.obj, "resourceType") != "Observation" {
			p.unresolved(field, ref)
			continue
		}
		p.observation(o, "", 0)
	}
	if len(results) == 0 {
		// Some senders only contain the observations.
		cs := jarr(r.obj, "contained")
		for i := range cs {
			c := jobjAt(cs, i)
			if jstr(c, "resourceType") == "Observation" {
				p.observation(fhirRes{c, fmt.Sprintf("%s.contained[%d]", r.path, i)}, "", 0)
			}
		}
	}
	p.checkNarrative(r)
}

func (p *fhirParser) unresolved(field, ref string) {
	msg := fmt.Sprintf("reference %q does not resolve to an Observation inside the message", truncate(ref, 80))
	fix := "include the referenced Observation in the bundle (matching fullUrl or Observation/id) or as a contained resource (#id)"
	p.warn(field, CodeUnresolvedReference, msg, fix)
	p.unres = append(p.unres, Problem{Field: field, Problem: msg, Fix: fix})
}

// header reads report-level fields from a DiagnosticReport or Observation.
func (p *fhirParser) header(r fhirRes, observation bool) {
	o := r.obj
	st := jstr(o, "status")
	switch st {
	case "registered", "partial", "preliminary":
		p.m.Status = StatusPreliminary
	case "final":
		p.m.Status = StatusFinal
	case "amended", "corrected", "appended":
		p.m.Status = StatusCorrected
	case "":
		p.reject(r.path+".status", "status is missing", `send "status": "final" (or preliminary, corrected)`)
	default:
		p.reject(r.path+".status", fmt.Sprintf("status %q does not carry a result", truncate(st, 20)), "send final, preliminary, amended or corrected; withdraw cancelled reports out of band")
	}
	// Accession: an identifier typed ACSN, else the first identifier, else id.
	ids := jarr(o, "identifier")
	for i := range ids {
		id := jobjAt(ids, i)
		typ := jget(id, "type")
		acsn := false
		for k := range jarr(typ, "coding") {
			if jstr(jobjAt(jarr(typ, "coding"), k), "code") == "ACSN" {
				acsn = true
			}
		}
		if v := jstr(id, "value"); v != "" && (p.m.AccessionID == "" || acsn) {
			p.m.AccessionID = v
		}
	}
	if p.m.AccessionID == "" {
		p.m.AccessionID = jstr(o, "id")
	}
	if p.m.AccessionID == "" {
		p.reject(r.path+".identifier", "the report has neither an identifier nor an id", "send the lab accession number in identifier (type ACSN)")
	}
	subj := jget(o, "subject")
	ref := jstr(subj, "reference")
	if v := jstr(jget(subj, "identifier"), "value"); v != "" {
		p.m.PatientID = v
	} else if strings.HasPrefix(ref, "#") || ref != "" {
		if pt, ok := p.resolve(ref, r); ok && jstr(pt.obj, "resourceType") == "Patient" {
			p.patient(pt.obj)
		}
		if p.m.PatientID == "" {
			if i := strings.LastIndex(ref, "Patient/"); i >= 0 {
				p.m.PatientID = ref[i+len("Patient/"):]
			} else if !strings.HasPrefix(ref, "#") {
				p.m.PatientID = ref
			}
		}
	}
	if p.m.PatientID == "" {
		p.reject(r.path+".subject", "subject does not identify the patient", `send "subject": {"reference": "Patient/<id>"} or a subject.identifier`)
	}
	perf := jarr(o, "performer")
	if pf := jobjAt(perf, 0); pf != nil {
		p.m.LabID = jstr(pf, "display")
		if p.m.LabID == "" {
			p.m.LabID = jstr(pf, "reference")
		}
	}
	p.m.Collected = p.effective(o, r.path)
	if s := jstr(o, "issued"); s != "" {
		if t, ok := fhirTime(s); ok {
			p.m.Issued = t
		} else {
			p.warn(r.path+".issued", CodeBadDate, "issued is not a FHIR instant; it was ignored", "send an instant such as 2026-01-02T08:00:00Z")
		}
	}
	_ = observation
}

func (p *fhirParser) patient(pt jobj) {
	ids := jarr(pt, "identifier")
	for i := range ids {
		if v := jstr(jobjAt(ids, i), "value"); v != "" {
			p.m.PatientID = v
			break
		}
	}
	switch jstr(pt, "gender") {
	case "male":
		p.m.PatientSex = SexMale
	case "female":
		p.m.PatientSex = SexFemale
	}
	if bd := jstr(pt, "birthDate"); bd != "" {
		if t, ok := fhirTime(bd); ok {
			p.m.PatientBirthDate = t
		}
	}
}

func (p *fhirParser) effective(o jobj, path string) time.Time {
	s := jstr(o, "effectiveDateTime")
	if s == "" {
		s = jstr(jget(o, "effectivePeriod"), "start")
	}
	if s == "" {
		return time.Time{}
	}
	t, ok := fhirTime(s)
	if !ok {
		p.warn(path+".effectiveDateTime", CodeBadDate, "the effective time is not a FHIR dateTime; it was ignored", "send a dateTime such as 2026-01-02T08:00:00Z")
	}
	return t
}

// fhirTime parses FHIR date, dateTime and instant values.
func fhirTime(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// observation reads one Observation and, through hasMember, its members.
func (p *fhirParser) observation(r fhirRes, panel string, depth int) {
	if p.seen[r.path] {
		return
	}
	p.seen[r.path] = true
	o := r.obj
	code, system, display := fhirCode(jget(o, "code"))
	members := jarr(o, "hasMember")
	if depth >= maxMembers && len(members) > 0 {
		p.warn(r.path+".hasMember", CodeIgnoredSegment, fmt.Sprintf("panels nested deeper than %d levels were not read", maxMembers),
			"flatten the panel structure")
	}
	if depth < maxMembers {
		for i := range members {
			field := fmt.Sprintf("%s.hasMember[%d].reference", r.path, i)
			ref := jstr(jobjAt(members, i), "reference")
			m, ok := p.resolve(ref, r)
			if !ok || jstr(m.obj, "resourceType") != "Observation" {
				p.unresolved(field, ref)
				continue
			}
			p.observation(m, code, depth+1)
		}
	}
	obs := Observation{Code: code, CodeSystem: system, Display: display, Panel: panel, Source: r.path, Status: jstr(o, "status")}
	hasValue := true
	switch {
	case jget(o, "valueQuantity") != nil:
		q := jget(o, "valueQuantity")
		v, ok := jnum(q, "value")
		if !ok {
			p.reject(r.path+".valueQuantity.value", "valueQuantity.value is missing or not a number", "send the result as a JSON number in valueQuantity.value")
			return
		}
		obs.Value, obs.Numeric = v, true
		obs.Comparator = jstr(q, "comparator")
		switch obs.Comparator {
		case "", "<", "<=", ">", ">=":
		default:
			p.reject(r.path+".valueQuantity.comparator", "comparator is not <, <=, > or >=", "send one of <, <=, >, >= or omit it")
		}
		obs.Unit, obs.UnitText = quantityUnit(q)
	case jstr(o, "valueString") != "":
		obs.Value = strings.TrimSpace(jstr(o, "valueString"))
	case jget(o, "valueCodeableConcept") != nil:
		c, _, d := fhirCode(jget(o, "valueCodeableConcept"))
		obs.Value = d
		if obs.Value == "" {
			obs.Value = c
		}
	case o["valueInteger"] != nil:
		v, _ := jnum(o, "valueInteger")
		obs.Value, obs.Numeric = v, true
	case o["valueBoolean"] != nil:
		b, _ := o["valueBoolean"].(bool)
		obs.Value = strconv.FormatBool(b)
	default:
		hasValue = false
	}
	if !hasValue {
		if len(members) > 0 {
			return // a panel: its members are the results
		}
		// No value (e.g. dataAbsentReason): kept as an empty result so
		// normalization reports it.
	}
	if code == "" {
		p.warn(r.path+".code", CodeMissingCode, "the Observation has no code; it was skipped", "send a LOINC coding in Observation.code")
		return
	}
	rr := jarr(o, "referenceRange")
	pick := -1
	for i := range rr {
		x := jobjAt(rr, i)
		if x == nil {
			continue
		}
		t, _, _ := fhirCode(jget(x, "type"))
		if pick < 0 || t == "normal" {
			pick = i
		}
		if jget(x, "appliesTo") == nil && jget(x, "age") == nil && t == "normal" {
			break
		}
	}
	if x := jobjAt(rr, pick); x != nil {
		base := fmt.Sprintf("%s.referenceRange[%d]", r.path, pick)
		if lo := jget(x, "low"); lo != nil {
			obs.RefLow = p.quantityNumber(lo, base+".low.value")
			obs.RefUnit, _ = quantityUnit(lo)
			if obs.RefUnit == "" {
				obs.RefUnit = jstr(lo, "unit")
			}
		}
		if hi := jget(x, "high"); hi != nil {
			obs.RefHigh = p.quantityNumber(hi, base+".high.value")
			if obs.RefUnit == "" {
				obs.RefUnit, _ = quantityUnit(hi)
				if obs.RefUnit == "" {
					obs.RefUnit = jstr(hi, "unit")
				}
			}
		}
		obs.RefText = jstr(x, "text")
	}
	interp := jarr(o, "interpretation")
	if c := jobjAt(interp, 0); c != nil {
		code, _, text := fhirCode(c)
		obs.Flag = code
		if obs.Flag == "" {
			obs.Flag = text
		}
	}
	if p.m.Collected.IsZero() {
		if t := p.effective(o, r.path); !t.IsZero() {
			p.m.Collected = t
		}
	}
	p.m.Results = append(p.m.Results, obs)
}

func (p *fhirParser) quantityNumber(q jobj, field string) *float64 {
	s, ok := jnum(q, "value")
	if !ok {
		if q["value"] != nil {
			p.warn(field, CodeRangeUnparsable, "the range bound is not a number; it was ignored", "send the bound as a JSON number")
		}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.warn(field, CodeRangeUnparsable, "the range bound is not a finite number; it was ignored", "send the bound as a JSON number")
		return nil
	}
	return &f
}

// quantityUnit returns the UCUM code of a Quantity (when system is UCUM or
// absent) and the human unit text.
func quantityUnit(q jobj) (code, text string) {
	code, text = jstr(q, "code"), jstr(q, "unit")
	if sys := jstr(q, "system"); sys != "" && sys != ucumSystem {
		code = ""
	}
	return code, text
}

// fhirCode picks the LOINC coding of a CodeableConcept, else the first
// coding; display falls back to the concept text.
func fhirCode(cc jobj) (code, system, display string) {
	codings := jarr(cc, "coding")
	best := -1
	for i := range codings {
		c := jobjAt(codings, i)
		if c == nil || jstr(c, "code") == "" {
			continue
		}
		if best < 0 || jstr(c, "system") == loincSystem {
			best = i
			if jstr(c, "system") == loincSystem {
				break
			}
		}
	}
	if c := jobjAt(codings, best); c != nil {
		code, system, display = jstr(c, "code"), jstr(c, "system"), jstr(c, "display")
	}
	if t := jstr(cc, "text"); t != "" {
		display = t
	}
	return code, system, display
}
