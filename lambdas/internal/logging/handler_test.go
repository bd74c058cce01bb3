package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// phi are values that must never appear in log output.
var phi = []string{
	"Jane Doe", "Doe", "1984-02-29", "MRN-000123", "patient-42", "5.4", "mmol/L",
	"MSH|^~\\&|LAB", `{"patient_id"`, "jane@example.org",
}

func TestHandlerDropsPHI(t *testing.T) {
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"unknown keys", func(l *slog.Logger) {
			l.Info("ingest", "patient_name", "Jane Doe", "dob", "1984-02-29", "patient_id", "MRN-000123",
				"value", "5.4", "unit", "mmol/L", "body", "MSH|^~\\&|LAB", "email", "jane@example.org")
		}},
		{"allowed key with free text value", func(l *slog.Logger) {
			l.Info("ingest", "status", "Jane Doe", "error_code", "bad value 5.4 mmol/L", "format", "1984-02-29 Doe")
		}},
		{"allowed number key with string", func(l *slog.Logger) {
			l.Info("ingest", "count", "MRN-000123", "attempt", "patient-42")
		}},
		{"error attribute", func(l *slog.Logger) {
			l.Error("process", "error", errors.New(`parse {"patient_id":"MRN-000123"} Jane Doe`))
		}},
		{"group", func(l *slog.Logger) {
			l.Info("g", slog.Group("patient", "name", "Jane Doe", "result_id", "patient-42"))
			l.WithGroup("req").Info("g2", "result_id", "MRN-000123", "body", `{"patient_id"`)
		}},
		{"with attrs", func(l *slog.Logger) {
			l.With("patient_id", "MRN-000123", "dob", "1984-02-29").Info("w", "value", 5.4)
		}},
		{"any value", func(l *slog.Logger) {
			l.Info("any", "result_id", map[string]string{"name": "Jane Doe"}, "request_id", []byte("jane@example.org"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(New(&buf, slog.LevelDebug))
			out := withoutTime(t, buf.String())
			if out == "" {
				t.Fatal("no output at all: the message itself must pass")
			}
			for _, p := range phi {
				if strings.Contains(out, p) {
					t.Errorf("output contains %q: %s", p, out)
				}
			}
		})
	}
}

func TestHandlerKeepsAllowed(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, slog.LevelInfo).With("handler", "ingest")
	l.Info("ingest done", "result_id", "0f3a9c2b7d", "http_status", 202, "duration_ms", 12.5,
		"status", "RECEIVED", "duplicate", true, "attempt", 2, "format", "hl7v2",
		"count", time.Duration(0), "error_code", "validation_failed")
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("output is not JSON: %v: %s", err, buf.String())
	}
	want := map[string]any{
		"msg": "ingest done", "handler": "ingest", "result_id": "0f3a9c2b7d", "http_status": float64(202),
		"duration_ms": 12.5, "status": "RECEIVED", "duplicate": true, "attempt": float64(2), "format": "hl7v2",
		"count": float64(0), "error_code": "validation_failed",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, m[k], m[k], v)
		}
	}
}

func TestHandlerLevel(t *testing.T) {
	var buf bytes.Buffer
	New(&buf, slog.LevelWarn).Info("hidden", "result_id", "abc")
	if buf.Len() != 0 {
		t.Errorf("info logged at warn level: %s", buf.String())
	}
}

// withoutTime drops the timestamps ("...:05.4..." must not count as the value 5.4).
func withoutTime(t *testing.T, logs string) string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		delete(m, "time")
		b, _ := json.Marshal(m)
		out = append(out, string(b))
	}
	return strings.Join(out, "\n")
}
