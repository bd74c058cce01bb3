package handler

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// errClass names an error's kind for logs without its text (which may quote payloads).
func errClass(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, pipeline.ErrNotFound):
		return "not_found"
	case errors.Is(err, pipeline.ErrConditionFailed):
		return "condition_failed"
	}
	inner := err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	return strings.TrimLeft(fmt.Sprintf("%T", inner), "*")
}
