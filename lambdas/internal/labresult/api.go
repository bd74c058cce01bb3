package labresult

import (
	"fmt"
	"strings"
	"time"
)

// MaxPayloadBytes is the largest request body the ingest handler accepts.
const MaxPayloadBytes = 1 << 20

// Format names a wire format of an incoming lab report.
type Format string

// Supported formats.
const (
	FormatNative Format = "native-json"
	FormatFHIR   Format = "fhir-r4"
	FormatHL7v2  Format = "hl7v2"
)

// String returns the format name, e.g. "fhir-r4".
func (f Format) String() string { return string(f) }

// ReportStatus is the status of a report as a whole.
type ReportStatus string

// Report statuses.
const (
	StatusPreliminary ReportStatus = "P"
	StatusFinal       ReportStatus = "F"
	StatusCorrected   ReportStatus = "C"
)

// Sex values used to pick reference ranges.
const (
	SexMale    = "M"
	SexFemale  = "F"
	SexUnknown = "U"
)

// Flag is an abnormal flag.
type Flag string

// Flags. FlagNone means no reference range was available, so no flag could be
// computed; it is never reported as N.
const (
	FlagNormal       Flag = "N"
	FlagLow          Flag = "L"
	FlagHigh         Flag = "H"
	FlagCriticalLow  Flag = "LL"
	FlagCriticalHigh Flag = "HH"
	FlagAbnormal     Flag = "A"
	FlagNone         Flag = "N/A"
)

// Severity of an Issue.
type Severity string

// Severities.
const (
	SeverityWarning  Severity = "warning"
	SeverityRejected Severity = "rejected"
)

// Issue codes (stable, machine readable).
const (
	CodeUnknownCode         = "unknown-code"
	CodeUnknownUnit         = "unknown-unit"
	CodeMissingUnit         = "missing-unit"
	CodeNoUCUMCode          = "no-ucum-code"
	CodeImplausibleValue    = "implausible-value"
	CodeNonNumericValue     = "non-numeric-value"
	CodeRangeLowGtHigh      = "range-low-gt-high"
	CodeRangeUnitMismatch   = "range-unit-mismatch"
	CodeRangeUnparsable     = "range-unparsable"
	CodeUnresolvedReference = "unresolved-reference"
	CodeFlagDisagrees       = "flag-disagrees"
	CodeUnitMismatchCode    = "unit-code-mismatch"
	CodeNarrativeMismatch   = "narrative-mismatch"
	CodeMissingField        = "missing-field"
	CodeIgnoredSegment      = "ignored-segment"
	CodeBadDate             = "bad-date"
	CodeNoResults           = "no-results"
	CodeMissingCode         = "missing-code"
	CodeWithdrawnResult     = "withdrawn-result"
	CodeStatusDisagrees     = "status-disagrees"
	CodeByteOrderMark       = "byte-order-mark"
	CodeSegmentTerminator   = "segment-terminator"
)

// Issue is a warning about, or rejection of, part of a report.
type Issue struct {
	Severity Severity `json:"severity"`
	Field    string   `json:"field"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
}

// Problem is one reason an input was refused.
type Problem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// ValidationError lists every reason an input was refused (HTTP 400).
type ValidationError struct {
	Format   Format
	Problems []Problem
}

// Error names the fields at fault but not the problem texts, so that it can
// be logged without carrying values from the message; send Problems to the
// client.
func (e *ValidationError) Error() string {
	if e == nil || len(e.Problems) == 0 {
		return "invalid lab report"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s lab report: %d problem(s) at ", e.Format, len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, ", and %d more", len(e.Problems)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Field)
	}
	return b.String()
}

// UnsupportedMediaTypeError reports a content type no parser accepts (HTTP 415).
type UnsupportedMediaTypeError struct {
	ContentType string
	Reason      string
}

func (e *UnsupportedMediaTypeError) Error() string {
	msg := fmt.Sprintf("unsupported media type %q", e.ContentType)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg + "; send application/json, application/fhir+json or x-application/hl7-v2+er7"
}

// Message is a parsed, source-faithful lab report. Nothing is converted.
type Message struct {
	Format           Format
	SchemaVersion    string // native schema version, FHIR "4.0.1"/"R4", HL7 version id (MSH-12)
	ControlID        string // HL7 MSH-10 or FHIR Bundle.id; empty for native
	AccessionID      string
	PatientID        string // the lab's patient identifier: PHI
	LabID            string
	Status           ReportStatus
	PatientSex       string    // M, F or U
	PatientBirthDate time.Time // zero if unknown; only used to pick age ranges
	Collected        time.Time
	Issued           time.Time
	Results          []Observation
	Warnings         []Issue
}

// Observation is one result as sent.
type Observation struct {
	Code       string // e.g. LOINC code
	CodeSystem string // "LN"/"http://loinc.org" as sent
	Display    string
	Value      string // numeric text without comparator, or text value
	Comparator string // "<", "<=", ">", ">=" or ""
	Unit       string // unit as sent (UCUM code preferred)
	UnitText   string // human unit text when different from Unit
	RefLow     *float64
	RefHigh    *float64
	RefUnit    string // unit of the range if sent separately (FHIR)
	RefText    string
	Flag       string // abnormal flag as sent
	Status     string // result status as sent
	Panel      string // panel code this result belongs to, if known
	Source     string // path in the source message, e.g. "OBX[3]"
	Numeric    bool   // sender declared the value numeric (HL7 NM/SN, FHIR valueQuantity)
}

// NormalizeOptions tune Normalize. A nil *NormalizeOptions means defaults.
type NormalizeOptions struct {
	// Now is the reference time for age computation. Default: time.Now().
	Now time.Time
}

// Report is the normalized form of a Message.
type Report struct {
	Format        Format       `json:"format"`
	SchemaVersion string       `json:"schema_version,omitempty"`
	AccessionID   string       `json:"accession_id"`
	PatientID     string       `json:"patient_id"`
	LabID         string       `json:"lab_id"`
	Status        ReportStatus `json:"status"`
	PatientSex    string       `json:"patient_sex"`
	AgeYears      int          `json:"age_years"` // -1 if unknown
	Collected     time.Time    `json:"collected_at,omitzero"`
	Issued        time.Time    `json:"issued_at,omitzero"`
	Results       []Result     `json:"results"`
	Issues        []Issue      `json:"issues,omitempty"`
	Abnormal      bool         `json:"abnormal"`
	Critical      bool         `json:"critical"`
}

// Original is the value and unit exactly as sent.
type Original struct {
	Value      string `json:"value"`
	Comparator string `json:"comparator,omitempty"`
	Unit       string `json:"unit,omitempty"`
}

// Result is one normalized result.
type Result struct {
	Code        string   `json:"code"` // canonical LOINC code
	SentCode    string   `json:"sent_code,omitempty"`
	Name        string   `json:"name"`
	Panel       string   `json:"panel,omitempty"`
	Original    Original `json:"original"`
	Value       float64  `json:"value"`
	Numeric     bool     `json:"numeric"` // Value is meaningful
	Text        string   `json:"text,omitempty"`
	Comparator  string   `json:"comparator,omitempty"`
	Unit        string   `json:"unit,omitempty"` // canonical UCUM unit
	RefLow      *float64 `json:"ref_low,omitempty"`
	RefHigh     *float64 `json:"ref_high,omitempty"`
	RangeSource string   `json:"range_source"` // "sender", "table:<citation>" or "none"
	Flag        Flag     `json:"flag"`
	SentFlag    string   `json:"sent_flag,omitempty"`
	Critical    bool     `json:"critical"`
	Status      string   `json:"status,omitempty"`
	Rejected    bool     `json:"rejected"` // value not usable (implausible, unknown unit ...)
	Source      string   `json:"source,omitempty"`
}

// Range sources.
const (
	RangeSender = "sender"
	RangeNone   = "none"
)

// AckCode is an HL7 acknowledgment code.
type AckCode string

// HL7 original-mode acknowledgment codes.
const (
	AckAccept AckCode = "AA"
	AckError  AckCode = "AE"
	AckReject AckCode = "AR"
)
