// Package pipeline is the lab-results service: ingest, process, notify, report and status,
// written against small ports (this file) so the same code runs on AWS (package awsadapter),
// in memory (package memstore) and in tests. It knows nothing of Lambda or the AWS SDK.
//
// Every port method takes a context and returns wrapped errors. The sentinel errors below
// (ErrNotFound, ErrConditionFailed, ErrDuplicate, ErrAccessionMoved) are part of the contract:
// adapters must return errors that satisfy errors.Is against them.
package pipeline

import (
	"context"
	"time"
)

// BlobStore holds raw payloads and rendered reports. On AWS: S3 with SSE-KMS.
// Keys never contain PHI (see RawKey, ReportKey).
type BlobStore interface {
	// Put stores body under key, replacing any object there. Put is idempotent.
	Put(ctx context.Context, key string, body []byte, contentType string) error
	// Get returns the object's bytes, or an error matching ErrNotFound when key is absent.
	Get(ctx context.Context, key string) ([]byte, error)
	// PresignGet returns a URL that lets its holder GET key for ttl. The service never asks for
	// more than MaxPresignTTL (1 hour); adapters may refuse longer TTLs too.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
}

// Queue is one message queue (on AWS: an SQS queue with a DLQ behind it).
type Queue interface {
	// Send enqueues body (JSON of WorkItem or NotifyItem) and returns the message id.
	Send(ctx context.Context, body []byte) (id string, err error)
}

// IngestionStore is the ingest side of the results table. The three logical items it writes
// together (the result Record, its idempotency key, the accession head) must be written
// atomically (on DynamoDB: one TransactWriteItems).
type IngestionStore interface {
	// CreateIngestion records rec (Status RECEIVED) if and only if
	//   - no record holds rec.IdempotencyKey (otherwise an error matching ErrDuplicate), and
	//   - the accession head of rec.AccessionKey is rec.Supersedes, where "" means no head yet
	//     (otherwise an error matching ErrAccessionMoved).
	// On success the accession head becomes rec.ResultID and, when rec.Supersedes is set, the
	// superseded record's SupersededBy is set to rec.ResultID.
	CreateIngestion(ctx context.Context, rec Record) error
	// GetByIdempotencyKey returns the record holding key, or ErrNotFound.
	GetByIdempotencyKey(ctx context.Context, key string) (Record, error)
	// GetAccessionHead returns the newest record of an accession (by AccessionKey), or ErrNotFound.
	GetAccessionHead(ctx context.Context, accessionKey string) (Record, error)
	// MarkEnqueued sets Enqueued=true once the work item is on the lab-results queue.
	MarkEnqueued(ctx context.Context, resultID string, at time.Time) error
}

// ResultStore reads and advances result records and holds the normalized results.
// On DynamoDB the normalized result is partitioned by the opaque PatientKey, never by the
// lab's patient id or MRN.
type ResultStore interface {
	// Get returns the record of resultID, or ErrNotFound.
	Get(ctx context.Context, resultID string) (Record, error)
	// Transition moves resultID from one of from to to, applying patch, or returns an error
	// matching ErrConditionFailed when the current status is not in from (ErrNotFound when the
	// record does not exist).
	Transition(ctx context.Context, resultID string, from []Status, to Status, patch Patch) error
	// PutResult writes (or rewrites, idempotently) the normalized result.
	PutResult(ctx context.Context, res NormalizedResult) error
	// GetResult returns the normalized result of resultID, or ErrNotFound.
	GetResult(ctx context.Context, resultID string) (NormalizedResult, error)
	// QueryByPatient lists the records of one opaque patient key, newest first.
	QueryByPatient(ctx context.Context, patientKey string) ([]Record, error)
	// MarkNotificationQueued sets NotificationQueued=true once a NotifyItem was sent.
	MarkNotificationQueued(ctx context.Context, resultID string, at time.Time) error
}

// NotificationStore records notification state so that one result version is announced once.
type NotificationStore interface {
	// ClaimNotification sets the notification of resultID to SENDING with a lease ending at
	// leaseUntil, provided its status is NONE, PENDING or RETRY, or SENDING with a lease that
	// ended before now. Otherwise (already SENT / FAILED / NO_CONTACT, or someone else holds
	// a live lease) it returns an error matching ErrConditionFailed. It returns the record as
	// it was before the claim.
	ClaimNotification(ctx context.Context, resultID string, now, leaseUntil time.Time) (Record, error)
	// RecordNotification stores the outcome of a claimed notification unconditionally.
	RecordNotification(ctx context.Context, resultID string, n Notification) error
}

// ContactStore maps an opaque patient key to where the patient wants to be told about new
// results (registered through the portal profile).
type ContactStore interface {
	// GetContact returns the contact of patientKey, or ErrNotFound.
	GetContact(ctx context.Context, patientKey string) (Contact, error)
	// PutContact creates or replaces a contact.
	PutContact(ctx context.Context, c Contact) error
}

// Mailer sends e-mail (on AWS: SES v2 with a configuration set).
type Mailer interface {
	// Send sends e and returns the provider's message id. Errors the provider will never
	// accept (rejected address, unverified sender, bad request) must be wrapped with
	// Permanent so the service stops retrying; every other error counts as transient.
	Send(ctx context.Context, e Email) (messageID string, err error)
}

// AuditLog is the append-only application audit trail (on AWS: a DynamoDB table whose writer
// role may only PutItem with attribute_not_exists). Events carry ids and actions, never PHI.
type AuditLog interface {
	Append(ctx context.Context, e AuditEvent) error
}

// Status is the processing state of a result record.
type Status string

// Processing states. RECEIVED -> PROCESSING -> READY | FAILED.
const (
	StatusReceived   Status = "RECEIVED"
	StatusProcessing Status = "PROCESSING"
	StatusReady      Status = "READY"
	StatusFailed     Status = "FAILED"
)

// NotificationStatus is the state of the e-mail for one result version.
type NotificationStatus string

// Notification states. NONE -> SENDING -> SENT | RETRY | FAILED | NO_CONTACT.
const (
	NotifyNone      NotificationStatus = ""
	NotifyPending   NotificationStatus = "PENDING"
	NotifySending   NotificationStatus = "SENDING"
	NotifySent      NotificationStatus = "SENT"
	NotifyRetry     NotificationStatus = "RETRY"
	NotifyFailed    NotificationStatus = "FAILED"
	NotifyNoContact NotificationStatus = "NO_CONTACT"
)

// Record is one accepted lab report version (one result_id). It holds no PHI: identifiers
// from the payload appear only as keyed hashes.
type Record struct {
	ResultID       string // opaque, generated at ingest; the DynamoDB key of the record
	IdempotencyKey string // hex sha256(sender, accession, content hash); unique
	AccessionKey   string // hex sha256(sender, accession); groups versions of one report
	Sender         string // authenticated API client id (Cognito client credentials)
	Format         string // payload format name (labresult.Format.String())
	ContentType    string
	ContentSHA256  string // hex sha256 of the raw body
	ReportStatus   string // the lab's report status: F final, C corrected, P preliminary, ...
	RawKey         string // BlobStore key of the raw payload: raw/<yyyy>/<mm>/<result_id>
	Status         Status
	Enqueued       bool   // the WorkItem reached the lab-results queue
	Supersedes     string // result_id of the version this one corrects, if any
	SupersededBy   string // result_id of the version that corrected this one, if any
	PatientKey     string // opaque HMAC patient key, set when processed
	ErrorCode      string // machine code of a permanent failure (FAILED), no PHI
	ReceivedAt     time.Time
	UpdatedAt      time.Time

	NotificationQueued bool // the NotifyItem reached the notification queue
	Notification       Notification
}

// Patch holds the fields a status transition sets; zero fields are left unchanged.
type Patch struct {
	PatientKey string
	ErrorCode  string
	At         time.Time // becomes UpdatedAt
}

// Notification is the notification state of one result version.
type Notification struct {
	Status     NotificationStatus
	Attempts   int
	MessageID  string    // provider message id when SENT
	ErrorCode  string    // last error code, no PHI
	LeaseUntil time.Time // end of the current SENDING claim
	At         time.Time // last change
}

// NormalizedResult is the processed report. It is PHI and lives only in the KMS-encrypted
// table; it is never logged.
type NormalizedResult struct {
	ResultID     string
	PatientKey   string // HMAC-SHA256(secret, lab_id + "\x00" + patient_id), hex
	LabID        string // sending laboratory (an organisation, not a person)
	ReportStatus string
	Format       string
	CollectedAt  time.Time // zero when the payload carried none
	ReportedAt   time.Time // zero when the payload carried none
	Abnormal     bool      // some observation is flagged abnormal
	Critical     bool      // some observation is critical
	Observations []Observation
	Issues       []Issue
	NormalizedAt time.Time
}

// Observation is one normalized test result (mirrors labresult.Result without the lab's
// identifiers).
type Observation struct {
	Code          string  // canonical LOINC code
	Name          string  // test name
	Panel         string  // panel code, if known
	Value         float64 // canonical value; meaningful only when Numeric
	Numeric       bool
	Text          string // non-numeric result text
	Comparator    string // "<", "<=", ">", ">=" or ""
	Unit          string // canonical UCUM unit
	OriginalValue string
	OriginalUnit  string
	RefLow        *float64
	RefHigh       *float64
	RangeSource   string // "sender", "table:<citation>" or "none"
	Flag          string // N, L, H, LL, HH, A or N/A (no range, no flag)
	Critical      bool
	Rejected      bool // value not usable (implausible, unknown unit ...)
}

// Issue is a warning raised during normalization (machine code + field, no values).
type Issue struct {
	Severity string
	Code     string
	Field    string
	Message  string
}

// Contact is where a patient is notified.
type Contact struct {
	PatientKey string
	Email      string
}

// Email is one message. The service never puts PHI into it.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// AuditEvent is one audited action. Detail is a short machine-readable note (no PHI).
type AuditEvent struct {
	EventID   string // unique; adapters use it to make Append idempotent
	At        time.Time
	Actor     string // API client id, portal user sub, or a service name ("worker")
	Action    string // one of the Action* constants
	ResultID  string
	Outcome   string // "ok", "denied", "not_found", "error"
	RequestID string
	Detail    string
}

// Audited actions.
const (
	ActionIngest        = "result.ingest"
	ActionProcess       = "result.process"
	ActionNotify        = "result.notify"
	ActionStatusRead    = "result.status.read"
	ActionResultRead    = "result.read"
	ActionReportGen     = "report.generate"
	ActionReportURL     = "report.url.issue"
	ActionPatientsQuery = "result.query"
)

// WorkItem is the JSON body of a lab-results queue message.
type WorkItem struct {
	ResultID string `json:"result_id"`
	RawKey   string `json:"key"`
}

// NotifyItem is the JSON body of a notification queue message.
type NotifyItem struct {
	ResultID string `json:"result_id"`
}
