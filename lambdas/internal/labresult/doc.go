// Package labresult is the pure domain core of the lab-results pipeline: it
// parses laboratory reports sent as the native LabSecure JSON (schema "1",
// see native.go and testdata/native-cmp.json), FHIR R4 JSON (Bundle,
// DiagnosticReport with contained Observations, or a lone Observation) or
// HL7 v2.3.1-2.5.1 ORU^R01 ER7 messages into a source-faithful Message, and
// normalizes a Message into a Report: canonical LOINC code and UCUM unit per
// known analyte (CBC, CMP/BMP, lipid, thyroid), the reference range used
// ("sender", "table:<citation>" or "none"), flags N/L/H/LL/HH/A or N/A,
// critical flags, and every Issue found, each with a stable Code, the Field
// path in the source message and a Fix.
//
// Typical use by a handler:
//
//	f, err := labresult.FormatFromContentType(contentType) // *UnsupportedMediaTypeError -> 415
//	msg, err := labresult.Parse(f, body)                   // *ValidationError -> 400 (send Problems)
//	rep := labresult.Normalize(msg, nil)
//	ack := labresult.HL7Ack(body, labresult.AckAccept, "") // HL7 senders only
//
// HL7 batches (FHS/BHS) go through ParseAll or ParseBatch. The package knows
// nothing of AWS or Lambda, never logs and never panics on bad input.
// ValidationError.Error() names fields only and may be logged; Problem texts,
// Issue messages and Report values can carry patient data and must not be.
package labresult
