package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"strings"
	"time"
)

// MaxPresignTTL is the longest validity of a report URL (seed 001: "1-hour expiry").
const MaxPresignTTL = time.Hour

// Deps are the ports a Service uses. Each Lambda wires only the ports it needs (least
// privilege); a method whose port is nil fails with an internal error naming the port.
type Deps struct {
	Raw           BlobStore // raw payload bucket (ingest: Put; worker: Get)
	Reports       BlobStore // rendered reports bucket (report: Put, PresignGet)
	LabQueue      Queue     // lab-results queue (ingest)
	NotifyQueue   Queue     // notification queue (worker)
	Ingestions    IngestionStore
	Results       ResultStore
	Notifications NotificationStore
	Contacts      ContactStore
	Mailer        Mailer
	Audit         AuditLog
	Renderer      Renderer // PDF renderer (report)
}

// Renderer turns a normalized result into a document (package pdfreport).
type Renderer interface {
	Render(res NormalizedResult) ([]byte, error)
}

// Options tune a Service. A nil *Options means all defaults.
type Options struct {
	// PatientKeySecret keys the HMAC of the opaque patient key. Required by Process; at
	// least 32 bytes. Default: none (Process fails with an internal error).
	PatientKeySecret []byte
	// PortalURL is the base of the link in notification e-mails, e.g.
	// https://portal.example.org. Required by Notify. Default: none.
	PortalURL string
	// PresignTTL is the validity of report URLs, in (0, 1h]. Default: 15 minutes.
	PresignTTL time.Duration
	// NotifyAttempts bounds the e-mail attempts within one Notify call. Default: 4.
	NotifyAttempts int
	// NotifyBaseDelay is the first backoff delay (doubled per attempt, full jitter).
	// Default: 200ms.
	NotifyBaseDelay time.Duration
	// NotifyMaxDelay caps one backoff delay. Default: 5s.
	NotifyMaxDelay time.Duration
	// NotifyLease is how long a notification claim blocks other senders. Default: 2 minutes.
	NotifyLease time.Duration
	// Logger receives operational logs; wrap it with logging.NewHandler. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// NewID returns a fresh result / event id. Default: 32 random hex characters.
	NewID func() string
	// Sleep waits d or until ctx ends. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a uniformly random duration in [0, d). Default: math/rand/v2.
	Jitter func(d time.Duration) time.Duration
}

// Service is the lab-results pipeline.
type Service struct {
	d Deps
	o Options
}

// New returns a Service. It rejects invalid options with an error naming the option and the fix.
func New(d Deps, opts *Options) (*Service, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.PresignTTL == 0 {
		o.PresignTTL = 15 * time.Minute
	}
	if o.PresignTTL < 0 || o.PresignTTL > MaxPresignTTL {
		return nil, fmt.Errorf("PresignTTL is %s: report URLs must expire within %s; set it between 1s and 1h", o.PresignTTL, MaxPresignTTL)
	}
	if len(o.PatientKeySecret) > 0 && len(o.PatientKeySecret) < 32 {
		return nil, fmt.Errorf("PatientKeySecret has %d bytes: an HMAC-SHA256 key needs at least 32; use a 32-byte random secret", len(o.PatientKeySecret))
	}
	if o.PortalURL != "" {
		u, err := url.Parse(o.PortalURL)
		if err != nil || u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) || u.Host == "" {
			return nil, fmt.Errorf("PortalURL %q is not an absolute https URL; set it like https://portal.example.org", o.PortalURL)
		}
		o.PortalURL = strings.TrimRight(o.PortalURL, "/")
	}
	if o.NotifyAttempts <= 0 {
		o.NotifyAttempts = 4
	}
	if o.NotifyBaseDelay <= 0 {
		o.NotifyBaseDelay = 200 * time.Millisecond
	}
	if o.NotifyMaxDelay <= 0 {
		o.NotifyMaxDelay = 5 * time.Second
	}
	if o.NotifyLease <= 0 {
		o.NotifyLease = 2 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = RandomID
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Jitter == nil {
		o.Jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return time.Duration(mrand.Int64N(int64(d)))
		}
	}
	return &Service{d: d, o: o}, nil
}

// RandomID returns 128 random bits as 32 lowercase hex characters.
func RandomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24 (it crashes the process instead)
	return hex.EncodeToString(b[:])
}

// ValidResultID reports whether id looks like a result id (8-64 of [A-Za-z0-9-]). It keeps
// arbitrary text out of keys and logs.
func ValidResultID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func isLoopback(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

// audit appends an event; the caller decides whether a failure is fatal.
func (s *Service) audit(ctx context.Context, e AuditEvent) error {
	if s.d.Audit == nil {
		return errors.New("audit log not configured")
	}
	e.EventID = s.o.NewID()
	if e.At.IsZero() {
		e.At = s.o.Now().UTC()
	}
	if err := s.d.Audit.Append(ctx, e); err != nil {
		return fmt.Errorf("append audit event %s: %w", e.Action, err)
	}
	return nil
}

// errClass names an error's kind for logs without its text (which may quote payloads).
func errClass(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrConditionFailed):
		return "condition_failed"
	case IsPermanent(err):
		return "permanent"
	}
	inner := err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	return strings.TrimLeft(fmt.Sprintf("%T", inner), "*")
}

func notConfigured(port string) error {
	return internal("service", fmt.Errorf("port %s is not configured for this handler", port))
}
