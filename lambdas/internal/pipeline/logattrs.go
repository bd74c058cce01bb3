package pipeline

import "log/slog"

// Log attributes use only keys on the logging allow-list (package logging).
const (
	slogWarn  = slog.LevelWarn
	slogError = slog.LevelError
	slogInfo  = slog.LevelInfo
)

func attrID(id string) slog.Attr    { return slog.String("result_id", id) }
func attrReq(id string) slog.Attr   { return slog.String("request_id", id) }
func attrCode(c string) slog.Attr   { return slog.String("error_code", c) }
func attrStatus(s string) slog.Attr { return slog.String("status", s) }
func attrAttempt(n int) slog.Attr   { return slog.Int("attempt", n) }
func attrClass(err error) slog.Attr { return slog.String("error_class", errClass(err)) }
