package pipeline

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorOp(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{internal("store raw payload", errors.New("s3: 503 for raw/2026/01/x")), "store_raw_payload"},
		{fmt.Errorf("get raw payload: %w", errors.New("boom")), "get_raw_payload"},
		{errors.New(`parse "MRN-1": bad`), ""},              // not a constant step name
		{errors.New("Jane Doe: value 5.4"), ""},             // capitals and digits are refused
		{errors.New("no separator"), ""},                    // nothing to cut
		{fmt.Errorf("%s: x", string(make([]byte, 60))), ""}, // too long
	}
	for _, tt := range tests {
		if got := ErrorOp(tt.err); got != tt.want {
			t.Errorf("ErrorOp(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestHTTPStatusOf(t *testing.T) {
	if got := HTTPStatusOf(errors.New("x")); got != 500 {
		t.Errorf("plain error -> %d", got)
	}
	if got := HTTPStatusOf(fmt.Errorf("wrap: %w", &Error{HTTPStatus: 409})); got != 409 {
		t.Errorf("wrapped 409 -> %d", got)
	}
	if !IsPermanent(fmt.Errorf("w: %w", Permanent(errors.New("x")))) || IsPermanent(errors.New("x")) || Permanent(nil) != nil {
		t.Error("Permanent / IsPermanent")
	}
}
