package labresult

import "errors"

var errNotImplemented = errors.New("labresult: not implemented yet")

// Normalize normalizes m.
func Normalize(m *Message, opts *NormalizeOptions) *Report { return &Report{} }

func parseNative(body []byte) (*Message, error) { return nil, errNotImplemented }
func parseFHIR(body []byte) (*Message, error)   { return nil, errNotImplemented }

// NativeSchemaVersion is the only native schema version accepted.
const NativeSchemaVersion = "1"
