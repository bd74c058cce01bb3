// Package labresult is the pure domain core of the lab-results pipeline: it
// parses laboratory reports sent as the native LabSecure JSON, FHIR R4 JSON or
// HL7 v2 ORU^R01 (ER7) messages into a source-faithful Message, and
// normalizes a Message into a Report with LOINC codes, canonical UCUM units,
// reference ranges, abnormal and critical flags and a list of issues.
//
// The package knows nothing of AWS or Lambda, never logs, and never panics on
// bad input: every problem with an input names the field and the fix.
package labresult
