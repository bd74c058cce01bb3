// Package memstore implements the pipeline ports in memory, for unit tests, benchmarks and a
// local demo. It follows the port contracts (conditional writes, sentinel errors) so tests
// written against it hold for the AWS adapters too. All types are safe for concurrent use.
package memstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Blobs is an in-memory BlobStore.
type Blobs struct {
	mu      sync.Mutex
	objects map[string]Object
	// PutErr, when set, is returned by Put (to simulate an outage).
	PutErr error
}

// Object is one stored blob.
type Object struct {
	Body        []byte
	ContentType string
}

// NewBlobs returns an empty BlobStore.
func NewBlobs() *Blobs { return &Blobs{objects: map[string]Object{}} }

// Put implements pipeline.BlobStore.
func (b *Blobs) Put(_ context.Context, key string, body []byte, contentType string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.PutErr != nil {
		return b.PutErr
	}
	b.objects[key] = Object{Body: slices.Clone(body), ContentType: contentType}
	return nil
}

// Get implements pipeline.BlobStore.
func (b *Blobs) Get(_ context.Context, key string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", key, pipeline.ErrNotFound)
	}
	return slices.Clone(o.Body), nil
}

// PresignGet implements pipeline.BlobStore with a mem:// URL carrying the TTL.
func (b *Blobs) PresignGet(_ context.Context, key string, ttl time.Duration) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.objects[key]; !ok {
		return "", fmt.Errorf("presign %s: %w", key, pipeline.ErrNotFound)
	}
	return "mem://" + key + "?ttl=" + strconv.Itoa(int(ttl.Seconds())), nil
}

// Object returns a stored object.
func (b *Blobs) Object(key string) (Object, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	return o, ok
}

// Keys lists the stored keys, sorted.
func (b *Blobs) Keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var k []string
	for key := range b.objects {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

// Queue is an in-memory Queue.
type Queue struct {
	mu   sync.Mutex
	msgs [][]byte
	n    int
	// SendErr, when set, is returned by Send.
	SendErr error
}

// Send implements pipeline.Queue.
func (q *Queue) Send(_ context.Context, body []byte) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.SendErr != nil {
		return "", q.SendErr
	}
	q.n++
	q.msgs = append(q.msgs, slices.Clone(body))
	return "msg-" + strconv.Itoa(q.n), nil
}

// Drain returns and removes every queued message body.
func (q *Queue) Drain() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.msgs
	q.msgs = nil
	return m
}

// Len is the number of queued messages.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs)
}

// Mailer is an in-memory Mailer that records sent mail. Errs are returned, in order, by the
// first calls to Send (nil entries succeed).
type Mailer struct {
	mu   sync.Mutex
	Errs []error
	sent []pipeline.Email
	n    int
}

// Send implements pipeline.Mailer.
func (m *Mailer) Send(_ context.Context, e pipeline.Email) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.Errs) > 0 {
		err := m.Errs[0]
		m.Errs = m.Errs[1:]
		if err != nil {
			return "", err
		}
	}
	m.n++
	m.sent = append(m.sent, e)
	return "mail-" + strconv.Itoa(m.n), nil
}

// Sent returns the mail sent so far.
func (m *Mailer) Sent() []pipeline.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.sent)
}

// Audit is an in-memory append-only AuditLog.
type Audit struct {
	mu     sync.Mutex
	events []pipeline.AuditEvent
	ids    map[string]bool
	// Err, when set, is returned by Append.
	Err error
}

// Append implements pipeline.AuditLog (idempotent on EventID).
func (a *Audit) Append(_ context.Context, e pipeline.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Err != nil {
		return a.Err
	}
	if a.ids == nil {
		a.ids = map[string]bool{}
	}
	if a.ids[e.EventID] {
		return nil
	}
	a.ids[e.EventID] = true
	a.events = append(a.events, e)
	return nil
}

// Events returns the appended events in order.
func (a *Audit) Events() []pipeline.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.events)
}
