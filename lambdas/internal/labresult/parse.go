package labresult

import (
	"fmt"
	"unicode/utf8"
)

// Parse parses body in format f into a source-faithful Message. Errors for
// bad input are *ValidationError (HTTP 400). An HL7 batch holding more than
// one message is refused here: use ParseAll or ParseBatch.
func Parse(f Format, body []byte) (msg *Message, err error) {
	defer recoverParse(f, &err)
	if err := checkUTF8(f, body); err != nil {
		return nil, err
	}
	return parseOne(f, body)
}

// ParseAll is Parse for bodies that may hold several reports (HL7 v2
// batches); JSON formats always yield one Message.
func ParseAll(f Format, body []byte) (msgs []*Message, err error) {
	defer recoverParse(f, &err)
	if err := checkUTF8(f, body); err != nil {
		return nil, err
	}
	return parseAll(f, body)
}

func parseOne(f Format, body []byte) (*Message, error) {
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

func parseAll(f Format, body []byte) ([]*Message, error) {
	if f == FormatHL7v2 {
		return ParseBatch(body)
	}
	m, err := parseOne(f, body)
	if err != nil {
		return nil, err
	}
	return []*Message{m}, nil
}

func checkUTF8(f Format, body []byte) error {
	if !utf8.Valid(body) {
		return &ValidationError{Format: f, Problems: []Problem{{Field: "$", Problem: "the body is not valid UTF-8", Fix: "encode the body as UTF-8"}}}
	}
	return nil
}

// recoverParse is a last line of defence: a parser bug must answer 400, not
// take the process down. The fuzz targets call the parsers without it, so
// such bugs still surface in tests.
func recoverParse(f Format, err *error) {
	if r := recover(); r != nil {
		*err = &ValidationError{Format: f, Problems: []Problem{{
			Field: "$", Problem: "the body could not be parsed", Fix: "check the message against the " + string(f) + " format"}}}
	}
}
