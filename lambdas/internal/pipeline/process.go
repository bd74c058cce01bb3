package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"time"

	"github.com/labsecure/labsecure/lambdas/internal/labresult"
)

// Process handles one lab-results queue message: fetch the raw payload, parse, normalize,
// write the normalized result under the opaque patient key, move the record
// RECEIVED -> PROCESSING -> READY (or FAILED) with conditional transitions and enqueue one
// notification.
//
// A nil error means the message is done (including permanent failures recorded as FAILED).
// A non-nil error is transient: the caller reports the message as a batch item failure so
// SQS redelivers it and, after maxReceiveCount, moves it to the DLQ.
func (s *Service) Process(ctx context.Context, item WorkItem) error {
	if s.d.Raw == nil || s.d.Results == nil || s.d.NotifyQueue == nil {
		return notConfigured("Raw/Results/NotifyQueue")
	}
	if len(s.o.PatientKeySecret) == 0 {
		return notConfigured("PatientKeySecret")
	}
	if !ValidResultID(item.ResultID) {
		return fmt.Errorf("work item: result_id is not a result id; the message is malformed and belongs in the DLQ")
	}
	rec, err := s.d.Results.Get(ctx, item.ResultID)
	if err != nil {
		return fmt.Errorf("get record: %w", err)
	}
	switch rec.Status {
	case StatusFailed:
		return nil // already decided
	case StatusReady:
		return s.queueNotification(ctx, rec) // a crash may have happened before the enqueue
	case StatusReceived:
		err := s.d.Results.Transition(ctx, rec.ResultID, []Status{StatusReceived}, StatusProcessing, Patch{At: s.o.Now().UTC()})
		if err != nil && !errors.Is(err, ErrConditionFailed) {
			return fmt.Errorf("transition to PROCESSING: %w", err)
		}
		if err != nil { // someone else moved it: start over with what they wrote
			return fmt.Errorf("record %s changed concurrently; retrying: %w", rec.ResultID, err)
		}
	case StatusProcessing:
		// An earlier attempt stopped midway: every step below is idempotent, so redo them.
	default:
		return fmt.Errorf("record has unknown status %q", rec.Status)
	}
	if item.RawKey != "" && item.RawKey != rec.RawKey {
		s.o.Logger.LogAttrs(ctx, slogWarn, "work item key differs from record; using the record", attrID(rec.ResultID), attrCode("raw_key_mismatch"))
	}

	raw, err := s.d.Raw.Get(ctx, rec.RawKey)
	if err != nil {
		return fmt.Errorf("get raw payload: %w", err)
	}
	msg, err := labresult.Parse(labresult.Format(rec.Format), raw)
	if err != nil {
		return s.fail(ctx, rec, "parse_failed")
	}
	if len(requiredForPipeline(msg)) > 0 {
		return s.fail(ctx, rec, "missing_required_field")
	}
	now := s.o.Now().UTC()
	rep := labresult.Normalize(msg, &labresult.NormalizeOptions{Now: now})
	res := toNormalized(rec, rep, PatientKey(s.o.PatientKeySecret, msg.LabID, msg.PatientID), now)
	if err := s.d.Results.PutResult(ctx, res); err != nil {
		return fmt.Errorf("put normalized result: %w", err)
	}
	err = s.d.Results.Transition(ctx, rec.ResultID, []Status{StatusProcessing}, StatusReady, Patch{PatientKey: res.PatientKey, At: now})
	if err != nil {
		return fmt.Errorf("transition to READY: %w", err)
	}
	rec.Status, rec.PatientKey = StatusReady, res.PatientKey
	if err := s.audit(ctx, AuditEvent{Actor: "worker", Action: ActionProcess, ResultID: rec.ResultID, Outcome: "ok", Detail: fmt.Sprintf("observations:%d issues:%d", len(res.Observations), len(res.Issues))}); err != nil {
		s.o.Logger.LogAttrs(ctx, slogError, "audit append failed", attrID(rec.ResultID), attrCode("audit_failed"), attrClass(err))
	}
	s.o.Logger.LogAttrs(ctx, slogInfo, "result ready", attrID(rec.ResultID), attrStatus(string(StatusReady)))
	return s.queueNotification(ctx, rec)
}

// fail records a permanent failure; the message is then done (no retry).
func (s *Service) fail(ctx context.Context, rec Record, code string) error {
	err := s.d.Results.Transition(ctx, rec.ResultID, []Status{StatusProcessing}, StatusFailed, Patch{ErrorCode: code, At: s.o.Now().UTC()})
	if err != nil && !errors.Is(err, ErrConditionFailed) {
		return fmt.Errorf("transition to FAILED: %w", err)
	}
	s.o.Logger.LogAttrs(ctx, slogWarn, "result failed", attrID(rec.ResultID), attrStatus(string(StatusFailed)), attrCode(code))
	if aerr := s.audit(ctx, AuditEvent{Actor: "worker", Action: ActionProcess, ResultID: rec.ResultID, Outcome: "error", Detail: code}); aerr != nil {
		s.o.Logger.LogAttrs(ctx, slogError, "audit append failed", attrID(rec.ResultID), attrCode("audit_failed"), attrClass(aerr))
	}
	return nil
}

// queueNotification sends the NotifyItem of a READY record unless it was sent already or the
// record was superseded before it was processed (a newer version will announce itself).
func (s *Service) queueNotification(ctx context.Context, rec Record) error {
	if rec.NotificationQueued || rec.SupersededBy != "" {
		return nil
	}
	body, err := json.Marshal(NotifyItem{ResultID: rec.ResultID})
	if err != nil {
		return fmt.Errorf("encode notify item: %w", err)
	}
	if _, err := s.d.NotifyQueue.Send(ctx, body); err != nil {
		return fmt.Errorf("enqueue notification: %w", err)
	}
	if err := s.d.Results.MarkNotificationQueued(ctx, rec.ResultID, s.o.Now().UTC()); err != nil {
		// The notification is queued; a redelivery would queue another, which Notify
		// deduplicates with its conditional claim.
		s.o.Logger.LogAttrs(ctx, slogWarn, "mark notification queued failed", attrID(rec.ResultID), attrCode("mark_queued_failed"), attrClass(err))
	}
	return nil
}

// toNormalized copies a labresult.Report into the stored form, leaving out the lab's
// identifiers (patient id, accession) and demographics.
func toNormalized(rec Record, rep *labresult.Report, patientKey string, now time.Time) NormalizedResult {
	res := NormalizedResult{
		ResultID: rec.ResultID, PatientKey: patientKey, LabID: rep.LabID,
		ReportStatus: string(rep.Status), Format: string(rep.Format),
		CollectedAt: rep.Collected, ReportedAt: rep.Issued,
		Abnormal: rep.Abnormal, Critical: rep.Critical, NormalizedAt: now,
	}
	for _, r := range rep.Results {
		res.Observations = append(res.Observations, Observation{
			Code: r.Code, Name: r.Name, Panel: r.Panel, Value: r.Value, Numeric: r.Numeric,
			Text: r.Text, Comparator: r.Comparator, Unit: r.Unit,
			OriginalValue: r.Original.Value, OriginalUnit: r.Original.Unit,
			RefLow: r.RefLow, RefHigh: r.RefHigh, RangeSource: r.RangeSource,
			Flag: string(r.Flag), Critical: r.Critical, Rejected: r.Rejected,
		})
	}
	for _, i := range rep.Issues {
		res.Issues = append(res.Issues, Issue{Severity: string(i.Severity), Code: i.Code, Field: i.Field, Message: i.Message})
	}
	return res
}
