package labresult

import "errors"

var errNotImplemented = errors.New("labresult: not implemented yet")

// Normalize normalizes m.
func Normalize(m *Message, opts *NormalizeOptions) *Report { return &Report{} }
