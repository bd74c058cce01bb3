// Package logging provides a PHI-safe slog.Handler: it passes only allow-listed attribute
// keys whose values have the expected shape and drops everything else, so a careless
// logger.Info("x", "patient_name", n) or "body", raw never reaches CloudWatch.
//
// Messages are not filtered: log constant messages and put variable data in attributes.
package logging

import (
	"context"
	"io"
	"log/slog"
	"regexp"
)

// Kind is the value shape an allowed key must have.
type Kind int

// Value shapes.
const (
	// Token: a short string of [A-Za-z0-9_.:/-] (ids, codes, enum values); no spaces.
	Token Kind = iota
	// Number: any integer, float or duration value.
	Number
	// Bool: a boolean.
	Bool
)

// DefaultAllow is the allow-list used by New: operational fields that never carry PHI.
var DefaultAllow = map[string]Kind{
	"result_id":   Token,
	"request_id":  Token,
	"message_id":  Token,
	"status":      Token,
	"http_status": Number,
	"duration_ms": Number,
	"format":      Token,
	"count":       Number,
	"error_code":  Token,
	"error_class": Token,
	"error_op":    Token,
	"attempt":     Number,
	"handler":     Token,
	"action":      Token,
	"duplicate":   Bool,
	"failures":    Number,
	"records":     Number,
	"bytes":       Number,
}

// maxToken bounds Token values so a long free-text value cannot slip through.
const maxToken = 64

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_.:/-]{1,64}$`)

// Handler wraps another slog.Handler and forwards only allowed attributes.
type Handler struct {
	inner  slog.Handler
	allow  map[string]Kind
	inDrop bool // inside a group that is not allowed: drop all attributes
}

// NewHandler wraps inner. A nil allow means DefaultAllow.
func NewHandler(inner slog.Handler, allow map[string]Kind) *Handler {
	if allow == nil {
		allow = DefaultAllow
	}
	return &Handler{inner: inner, allow: allow}
}

// New returns a JSON logger on w (CloudWatch-friendly) at level that passes DefaultAllow only.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(NewHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), nil))
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle implements slog.Handler: it rebuilds the record with the allowed attributes only.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	if !h.inDrop {
		r.Attrs(func(a slog.Attr) bool {
			if fa, ok := h.filter(a); ok {
				out.AddAttrs(fa)
			}
			return true
		})
	}
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if h.inDrop {
		return h
	}
	kept := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		if fa, ok := h.filter(a); ok {
			kept = append(kept, fa)
		}
	}
	return &Handler{inner: h.inner.WithAttrs(kept), allow: h.allow}
}

// WithGroup implements slog.Handler. Groups are not on the allow-list, so everything logged
// under a group is dropped (the message still passes).
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{inner: h.inner, allow: h.allow, inDrop: true}
}

// filter returns the attribute if its key is allowed and its value has the allowed shape.
func (h *Handler) filter(a slog.Attr) (slog.Attr, bool) {
	kind, ok := h.allow[a.Key]
	if !ok {
		return slog.Attr{}, false
	}
	v := a.Value.Resolve()
	switch kind {
	case Number:
		switch v.Kind() {
		case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
			return slog.Attr{Key: a.Key, Value: v}, true
		case slog.KindDuration:
			return slog.Int64(a.Key, v.Duration().Milliseconds()), true
		}
	case Bool:
		if v.Kind() == slog.KindBool {
			return slog.Attr{Key: a.Key, Value: v}, true
		}
	case Token:
		switch v.Kind() {
		case slog.KindString:
			s := v.String()
			if len(s) <= maxToken && tokenRE.MatchString(s) {
				return slog.String(a.Key, s), true
			}
		case slog.KindInt64, slog.KindUint64:
			return slog.Attr{Key: a.Key, Value: v}, true
		}
	}
	return slog.Attr{}, false
}
