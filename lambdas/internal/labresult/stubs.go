package labresult

import "errors"

var errNotImplemented = errors.New("labresult: not implemented yet")

// FormatFromContentType maps an HTTP Content-Type to a Format.
func FormatFromContentType(contentType string) (Format, error) {
	return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "not implemented yet"}
}

// Parse parses body in format f.
func Parse(f Format, body []byte) (*Message, error) { return nil, errNotImplemented }

// ParseBatch parses an HL7 v2 batch or file (FHS/BHS) into all its messages.
func ParseBatch(body []byte) ([]*Message, error) { return nil, errNotImplemented }

// Normalize normalizes m.
func Normalize(m *Message, opts *NormalizeOptions) *Report { return &Report{} }

// HL7Ack builds an HL7 v2 acknowledgment for original.
func HL7Ack(original []byte, code AckCode, text string) []byte { return nil }
