package pipeline

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"time"
)

// Notification e-mail text. It carries no PHI: no name, no test, no value, only a link
// holding the opaque result id.
const (
	notifySubject = "A new lab result is available"
	notifyText    = "A new lab result is available in your patient portal.\n\nSign in to view it: %s\n\nThis message contains no medical information. Do not reply to it."
	notifyHTML    = `<p>A new lab result is available in your patient portal.</p><p><a href="%s">Sign in to view it</a></p><p>This message contains no medical information. Do not reply to it.</p>`
)

// Notify handles one notification queue message: it e-mails the patient that a result is
// available (no PHI), retrying transient mailer errors with exponential backoff and full
// jitter for at most NotifyAttempts tries, and records the outcome. A result version
// (result_id) is announced at most once: a conditional claim guards the send.
//
// A nil error means the message is done (sent, already sent, no contact, or a permanent
// rejection, each recorded). A non-nil error asks SQS to redeliver later.
func (s *Service) Notify(ctx context.Context, item NotifyItem) error {
	if s.d.Results == nil || s.d.Notifications == nil || s.d.Contacts == nil || s.d.Mailer == nil {
		return notConfigured("Results/Notifications/Contacts/Mailer")
	}
	if s.o.PortalURL == "" {
		return notConfigured("PortalURL")
	}
	if !ValidResultID(item.ResultID) {
		return fmt.Errorf("notify item: result_id is not a result id; the message is malformed and belongs in the DLQ")
	}
	now := s.o.Now().UTC()
	prior, err := s.d.Notifications.ClaimNotification(ctx, item.ResultID, now, now.Add(s.o.NotifyLease))
	if errors.Is(err, ErrConditionFailed) {
		return s.notClaimed(ctx, item.ResultID)
	}
	if err != nil {
		return fmt.Errorf("claim notification: %w", err)
	}
	attempts := prior.Notification.Attempts
	if prior.Status != StatusReady || prior.PatientKey == "" {
		// Only READY records are announced; release the claim so a later READY can be.
		s.record(ctx, item.ResultID, Notification{Status: NotifyPending, Attempts: attempts, ErrorCode: "not_ready"})
		return fmt.Errorf("result %s is %s, not READY; retry later", item.ResultID, prior.Status)
	}

	c, err := s.d.Contacts.GetContact(ctx, prior.PatientKey)
	if errors.Is(err, ErrNotFound) {
		s.record(ctx, item.ResultID, Notification{Status: NotifyNoContact, Attempts: attempts, ErrorCode: "no_contact"})
		s.auditNotify(ctx, item.ResultID, "not_found", "no_contact")
		return nil
	}
	if err != nil {
		s.record(ctx, item.ResultID, Notification{Status: NotifyRetry, Attempts: attempts, ErrorCode: "contact_lookup_failed"})
		return fmt.Errorf("get contact: %w", err)
	}

	link := s.o.PortalURL + "/results/" + url.PathEscape(item.ResultID)
	mail := Email{To: c.Email, Subject: notifySubject, Text: fmt.Sprintf(notifyText, link), HTML: fmt.Sprintf(notifyHTML, html.EscapeString(link))}
	var lastErr error
	for i := 0; i < s.o.NotifyAttempts; i++ {
		if i > 0 {
			if err := s.o.Sleep(ctx, s.backoff(i)); err != nil {
				lastErr = err
				break
			}
		}
		attempts++
		id, err := s.d.Mailer.Send(ctx, mail)
		if err == nil {
			s.recordSent(ctx, item.ResultID, Notification{Status: NotifySent, Attempts: attempts, MessageID: id})
			s.o.Logger.LogAttrs(ctx, slogInfo, "notification sent", attrID(item.ResultID), attrAttempt(attempts))
			s.auditNotify(ctx, item.ResultID, "ok", "sent")
			return nil
		}
		lastErr = err
		if IsPermanent(err) {
			s.record(ctx, item.ResultID, Notification{Status: NotifyFailed, Attempts: attempts, ErrorCode: "rejected"})
			s.o.Logger.LogAttrs(ctx, slogWarn, "notification rejected", attrID(item.ResultID), attrAttempt(attempts), attrCode("rejected"), attrClass(err))
			s.auditNotify(ctx, item.ResultID, "error", "rejected")
			return nil
		}
		s.o.Logger.LogAttrs(ctx, slogWarn, "notification attempt failed", attrID(item.ResultID), attrAttempt(attempts), attrClass(err))
	}
	s.record(ctx, item.ResultID, Notification{Status: NotifyRetry, Attempts: attempts, ErrorCode: "transient"})
	return fmt.Errorf("send notification after %d attempts: %w", attempts, lastErr)
}

// backoff is the delay before retry i (1-based): full jitter over min(max, base*2^(i-1)).
func (s *Service) backoff(i int) time.Duration {
	d := s.o.NotifyBaseDelay
	for k := 1; k < i && d < s.o.NotifyMaxDelay; k++ {
		d *= 2
	}
	if d > s.o.NotifyMaxDelay {
		d = s.o.NotifyMaxDelay
	}
	return s.o.Jitter(d)
}

// notClaimed decides what a lost claim means: already decided (done) or held by a live
// sender (retry later, so a crashed sender's work is picked up after its lease).
func (s *Service) notClaimed(ctx context.Context, id string) error {
	rec, err := s.d.Results.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("get record after lost claim: %w", err)
	}
	switch rec.Notification.Status {
	case NotifySent, NotifyFailed, NotifyNoContact:
		s.o.Logger.LogAttrs(ctx, slogInfo, "notification already decided", attrID(id), attrStatus(string(rec.Notification.Status)))
		return nil
	}
	return fmt.Errorf("notification of %s is claimed by another sender until %s; retry later", id, rec.Notification.LeaseUntil.Format(time.RFC3339))
}

func (s *Service) record(ctx context.Context, id string, n Notification) {
	n.At = s.o.Now().UTC()
	if err := s.d.Notifications.RecordNotification(ctx, id, n); err != nil {
		s.o.Logger.LogAttrs(ctx, slogError, "record notification failed", attrID(id), attrCode("record_failed"), attrClass(err))
	}
}

// recordSent retries recording a successful send: if it cannot be recorded, the claim
// lease still blocks a resend until it ends.
func (s *Service) recordSent(ctx context.Context, id string, n Notification) {
	n.At = s.o.Now().UTC()
	var err error
	for i := 0; i < 3; i++ {
		if err = s.d.Notifications.RecordNotification(ctx, id, n); err == nil {
			return
		}
		if s.o.Sleep(ctx, s.backoff(i+1)) != nil {
			break
		}
	}
	s.o.Logger.LogAttrs(ctx, slogError, "record sent notification failed", attrID(id), attrCode("record_failed"), attrClass(err))
}

func (s *Service) auditNotify(ctx context.Context, id, outcome, detail string) {
	if err := s.audit(ctx, AuditEvent{Actor: "notify", Action: ActionNotify, ResultID: id, Outcome: outcome, Detail: detail}); err != nil {
		s.o.Logger.LogAttrs(ctx, slogError, "audit append failed", attrID(id), attrCode("audit_failed"), attrClass(err))
	}
}
