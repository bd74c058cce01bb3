package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Table implements IngestionStore, ResultStore, NotificationStore and ContactStore in
// memory with the same conditional semantics the DynamoDB adapter has.
type Table struct {
	mu       sync.Mutex
	records  map[string]pipeline.Record
	idem     map[string]string // idempotency key -> result id
	heads    map[string]string // accession key -> result id
	results  map[string]pipeline.NormalizedResult
	contacts map[string]pipeline.Contact
	// Err, when set, is returned by every method (to simulate an outage).
	Err error
}

// NewTable returns an empty Table.
func NewTable() *Table {
	return &Table{records: map[string]pipeline.Record{}, idem: map[string]string{}, heads: map[string]string{},
		results: map[string]pipeline.NormalizedResult{}, contacts: map[string]pipeline.Contact{}}
}

var (
	_ pipeline.IngestionStore    = (*Table)(nil)
	_ pipeline.ResultStore       = (*Table)(nil)
	_ pipeline.NotificationStore = (*Table)(nil)
	_ pipeline.ContactStore      = (*Table)(nil)
	_ pipeline.BlobStore         = (*Blobs)(nil)
	_ pipeline.Queue             = (*Queue)(nil)
	_ pipeline.Mailer            = (*Mailer)(nil)
	_ pipeline.AuditLog          = (*Audit)(nil)
)

// CreateIngestion implements pipeline.IngestionStore.
func (t *Table) CreateIngestion(_ context.Context, rec pipeline.Record) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return t.Err
	}
	if _, ok := t.idem[rec.IdempotencyKey]; ok {
		return fmt.Errorf("create ingestion: %w", pipeline.ErrDuplicate)
	}
	if t.heads[rec.AccessionKey] != rec.Supersedes {
		return fmt.Errorf("create ingestion: %w", pipeline.ErrAccessionMoved)
	}
	if _, ok := t.records[rec.ResultID]; ok {
		return fmt.Errorf("create ingestion: result id reused: %w", pipeline.ErrConditionFailed)
	}
	t.records[rec.ResultID] = rec
	t.idem[rec.IdempotencyKey] = rec.ResultID
	t.heads[rec.AccessionKey] = rec.ResultID
	if rec.Supersedes != "" {
		old := t.records[rec.Supersedes]
		old.SupersededBy = rec.ResultID
		t.records[rec.Supersedes] = old
	}
	return nil
}

// GetByIdempotencyKey implements pipeline.IngestionStore.
func (t *Table) GetByIdempotencyKey(_ context.Context, key string) (pipeline.Record, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return pipeline.Record{}, t.Err
	}
	id, ok := t.idem[key]
	if !ok {
		return pipeline.Record{}, fmt.Errorf("idempotency key: %w", pipeline.ErrNotFound)
	}
	return t.records[id], nil
}

// GetAccessionHead implements pipeline.IngestionStore.
func (t *Table) GetAccessionHead(_ context.Context, key string) (pipeline.Record, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return pipeline.Record{}, t.Err
	}
	id, ok := t.heads[key]
	if !ok {
		return pipeline.Record{}, fmt.Errorf("accession head: %w", pipeline.ErrNotFound)
	}
	return t.records[id], nil
}

// MarkEnqueued implements pipeline.IngestionStore.
func (t *Table) MarkEnqueued(_ context.Context, id string, at time.Time) error {
	return t.update(id, func(r *pipeline.Record) error { r.Enqueued, r.UpdatedAt = true, at; return nil })
}

// Get implements pipeline.ResultStore.
func (t *Table) Get(_ context.Context, id string) (pipeline.Record, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return pipeline.Record{}, t.Err
	}
	r, ok := t.records[id]
	if !ok {
		return pipeline.Record{}, fmt.Errorf("record %s: %w", id, pipeline.ErrNotFound)
	}
	return r, nil
}

// Transition implements pipeline.ResultStore.
func (t *Table) Transition(_ context.Context, id string, from []pipeline.Status, to pipeline.Status, p pipeline.Patch) error {
	return t.update(id, func(r *pipeline.Record) error {
		if !slices.Contains(from, r.Status) {
			return fmt.Errorf("transition %s -> %s: %w", r.Status, to, pipeline.ErrConditionFailed)
		}
		r.Status = to
		if p.PatientKey != "" {
			r.PatientKey = p.PatientKey
		}
		if p.ErrorCode != "" {
			r.ErrorCode = p.ErrorCode
		}
		if !p.At.IsZero() {
			r.UpdatedAt = p.At
		}
		return nil
	})
}

// PutResult implements pipeline.ResultStore.
func (t *Table) PutResult(_ context.Context, res pipeline.NormalizedResult) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return t.Err
	}
	t.results[res.ResultID] = res
	return nil
}

// GetResult implements pipeline.ResultStore.
func (t *Table) GetResult(_ context.Context, id string) (pipeline.NormalizedResult, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return pipeline.NormalizedResult{}, t.Err
	}
	r, ok := t.results[id]
	if !ok {
		return pipeline.NormalizedResult{}, fmt.Errorf("result %s: %w", id, pipeline.ErrNotFound)
	}
	return r, nil
}

// QueryByPatient implements pipeline.ResultStore.
func (t *Table) QueryByPatient(_ context.Context, patientKey string) ([]pipeline.Record, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return nil, t.Err
	}
	var out []pipeline.Record
	for _, r := range t.records {
		if r.PatientKey == patientKey {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b pipeline.Record) int { return b.ReceivedAt.Compare(a.ReceivedAt) })
	return out, nil
}

// MarkNotificationQueued implements pipeline.ResultStore.
func (t *Table) MarkNotificationQueued(_ context.Context, id string, at time.Time) error {
	return t.update(id, func(r *pipeline.Record) error { r.NotificationQueued, r.UpdatedAt = true, at; return nil })
}

// ClaimNotification implements pipeline.NotificationStore.
func (t *Table) ClaimNotification(_ context.Context, id string, now, leaseUntil time.Time) (pipeline.Record, error) {
	var prior pipeline.Record
	err := t.update(id, func(r *pipeline.Record) error {
		n := r.Notification
		switch {
		case n.Status == pipeline.NotifyNone, n.Status == pipeline.NotifyPending, n.Status == pipeline.NotifyRetry:
		case n.Status == pipeline.NotifySending && n.LeaseUntil.Before(now):
		default:
			return fmt.Errorf("claim notification (%s): %w", n.Status, pipeline.ErrConditionFailed)
		}
		prior = *r
		r.Notification.Status, r.Notification.LeaseUntil, r.Notification.At = pipeline.NotifySending, leaseUntil, now
		return nil
	})
	return prior, err
}

// RecordNotification implements pipeline.NotificationStore.
func (t *Table) RecordNotification(_ context.Context, id string, n pipeline.Notification) error {
	return t.update(id, func(r *pipeline.Record) error { r.Notification = n; return nil })
}

// GetContact implements pipeline.ContactStore.
func (t *Table) GetContact(_ context.Context, patientKey string) (pipeline.Contact, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return pipeline.Contact{}, t.Err
	}
	c, ok := t.contacts[patientKey]
	if !ok {
		return pipeline.Contact{}, fmt.Errorf("contact: %w", pipeline.ErrNotFound)
	}
	return c, nil
}

// PutContact implements pipeline.ContactStore.
func (t *Table) PutContact(_ context.Context, c pipeline.Contact) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return t.Err
	}
	t.contacts[c.PatientKey] = c
	return nil
}

// SetRecord overwrites a record (tests use it to stage crash states).
func (t *Table) SetRecord(r pipeline.Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.records[r.ResultID] = r
}

func (t *Table) update(id string, f func(*pipeline.Record) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Err != nil {
		return t.Err
	}
	r, ok := t.records[id]
	if !ok {
		return fmt.Errorf("record %s: %w", id, pipeline.ErrNotFound)
	}
	if err := f(&r); err != nil {
		return err
	}
	t.records[id] = r
	return nil
}
