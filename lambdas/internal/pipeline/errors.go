package pipeline

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinel errors of the port contract (see ports.go).
var (
	// ErrNotFound: the key, record or object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConditionFailed: a conditional write found a state other than the expected one.
	ErrConditionFailed = errors.New("condition failed")
	// ErrDuplicate: CreateIngestion found the idempotency key already recorded.
	ErrDuplicate = errors.New("duplicate idempotency key")
	// ErrAccessionMoved: CreateIngestion found an accession head other than rec.Supersedes.
	ErrAccessionMoved = errors.New("accession head moved")
)

// PermanentError marks an error that retrying cannot fix (e.g. SES rejected the address).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError (nil stays nil).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err (or anything it wraps) is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Problem is one precise complaint about a request: which field, what is wrong, how to fix it.
type Problem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// Error is a service error that carries its HTTP status and a machine code. Message and
// Problems are safe to return to the API client and to log: they never quote payload values.
type Error struct {
	HTTPStatus int
	Code       string // e.g. "validation_failed", "conflict", "payload_too_large"
	Message    string
	Problems   []Problem
	HL7Ack     []byte // HL7 v2 ACK (AE / AR) for HL7 v2 senders, when the payload was HL7
	Op         string // failed step of an internal error, e.g. "store_raw_payload" (loggable)
	Err        error  // cause, for logs of internal errors; never returned to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatusOf maps any error to an HTTP status: an *Error's own status, 500 otherwise.
func HTTPStatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.HTTPStatus
	}
	return http.StatusInternalServerError
}

// internal wraps an unexpected fault as a 500 Error with context.
func internal(what string, err error) error {
	return &Error{HTTPStatus: http.StatusInternalServerError, Code: "internal", Message: "internal error",
		Op: strings.ReplaceAll(what, " ", "_"), Err: fmt.Errorf("%s: %w", what, err)}
}

// ErrorOp names the failed step of err for logs: an *Error's Op, or the first
// "step: " prefix the service wrapped it with (constant text of this package, never data).
func ErrorOp(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Op != "" {
		return e.Op
	}
	if err == nil {
		return ""
	}
	op, _, ok := strings.Cut(err.Error(), ": ")
	if !ok || len(op) > 48 {
		return ""
	}
	for _, c := range op {
		if !(c >= 'a' && c <= 'z' || c == ' ' || c == '-') {
			return ""
		}
	}
	return strings.ReplaceAll(op, " ", "_")
}
