package labresult

import (
	"fmt"
	"unicode/utf8"
)

// Parse parses body in format f into a source-faithful Message. Errors for
// bad input are *ValidationError (HTTP 400). An HL7 batch holding more than
// one message is refused here: use ParseAll or ParseBatch.
func Parse(f Format, body []byte) (msg *Message, err error) {
	defer func() {
		// Library code must never take the process down on bad input.
		if r := recover(); r != nil {
			msg, err = nil, &ValidationError{Format: f, Problems: []Problem{{
				Field: "$", Problem: "the body could not be parsed", Fix: "check the message against the " + string(f) + " format"}}}
		}
	}()
	if !utf8.Valid(body) {
		return nil, &ValidationError{Format: f, Problems: []Problem{{Field: "$", Problem: "the body is not valid UTF-8", Fix: "encode the body as UTF-8"}}}
	}
	switch f {
	case FormatNative:
		return parseNative(body)
	case FormatFHIR:
		return parseFHIR(body)
	case FormatHL7v2:
		return parseHL7(body)
	default:
		return nil, fmt.Errorf("parse lab report: unknown format %q", f)
	}
}

// ParseAll is Parse for bodies that may hold several reports (HL7 v2
// batches); JSON formats always yield one Message.
func ParseAll(f Format, body []byte) (msgs []*Message, err error) {
	if f != FormatHL7v2 {
		m, err := Parse(f, body)
		if err != nil {
			return nil, err
		}
		return []*Message{m}, nil
	}
	defer func() {
		if r := recover(); r != nil {
			msgs, err = nil, &ValidationError{Format: f, Problems: []Problem{{
				Field: "$", Problem: "the body could not be parsed", Fix: "check the message against HL7 v2.5.1 ER7 encoding"}}}
		}
	}()
	if !utf8.Valid(body) {
		return nil, &ValidationError{Format: f, Problems: []Problem{{Field: "$", Problem: "the body is not valid UTF-8", Fix: "encode the body as UTF-8"}}}
	}
	return ParseBatch(body)
}
