package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labsecure/labsecure/lambdas/internal/labresult"
)

// IngestRequest is one POST /api/v1/ingest.
type IngestRequest struct {
	Sender      string // authenticated client id (Cognito client-credentials token)
	ContentType string
	Body        []byte
	RequestID   string
}

// IngestResponse is the outcome of an accepted ingest.
type IngestResponse struct {
	ResultID  string
	Status    Status
	Duplicate bool   // the same payload was accepted before; ResultID is the original one
	Format    string // detected payload format
	HL7Ack    []byte // HL7 v2 ACK (AA) when the payload was HL7 v2; one per message for a batch
	// Batch holds one response per message when the payload was an HL7 v2 batch; ResultID and
	// Status are then the first message's.
	Batch []IngestResponse
}

// maxCreateRetries bounds the re-decisions when another request moves the accession head.
const maxCreateRetries = 3

// Ingest validates a lab report, records it (RECEIVED), stores the raw payload under an
// opaque key and enqueues it for the worker. Errors are *Error with the HTTP status:
// 401 no sender, 413 too large, 415 unknown content type, 400 invalid (precise problems),
// 409 a different final report for the same accession, 500 internal faults.
//
// Crash safety: the record is written before the payload and the queue message; a repeat of
// the same payload finds the record and finishes whatever did not happen (store, enqueue).
func (s *Service) Ingest(ctx context.Context, req IngestRequest) (IngestResponse, error) {
	if s.d.Raw == nil || s.d.LabQueue == nil || s.d.Ingestions == nil {
		return IngestResponse{}, notConfigured("Raw/LabQueue/Ingestions")
	}
	if req.Sender == "" {
		return IngestResponse{}, &Error{HTTPStatus: http.StatusUnauthorized, Code: "unauthenticated",
			Message: "no authenticated client id; call with a Cognito client-credentials access token"}
	}
	if len(req.Body) > labresult.MaxPayloadBytes {
		return IngestResponse{}, &Error{HTTPStatus: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: fmt.Sprintf("body has %d bytes, the limit is %d; split the batch into smaller messages", len(req.Body), labresult.MaxPayloadBytes)}
	}
	f, err := labresult.FormatFromContentType(req.ContentType)
	if err != nil {
		var ume *labresult.UnsupportedMediaTypeError
		if errors.As(err, &ume) {
			return IngestResponse{}, &Error{HTTPStatus: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: ume.Error()}
		}
		return IngestResponse{}, internal("detect format", err)
	}
	if f == labresult.FormatHL7v2 {
		if parts := labresult.SplitBatch(req.Body); len(parts) > 1 {
			return s.ingestBatch(ctx, req, f, parts)
		}
	}
	msg, err := s.validate(f, req.Body)
	if err != nil {
		return IngestResponse{}, err
	}
	return s.ingestOne(ctx, req, f, msg)
}

// validate parses a report and checks it has what the pipeline needs: a 400 Error (with an
// HL7 ACK for HL7 senders) naming every problem otherwise.
func (s *Service) validate(f labresult.Format, body []byte) (*labresult.Message, error) {
	msg, err := labresult.Parse(f, body)
	if err != nil {
		return nil, s.withAck(f, body, validationError(f, err))
	}
	if probs := requiredForPipeline(msg); len(probs) > 0 {
		return nil, s.withAck(f, body, &Error{HTTPStatus: http.StatusBadRequest, Code: "validation_failed",
			Message: "the report lacks fields the pipeline needs", Problems: probs})
	}
	return msg, nil
}

// ingestBatch ingests every message of an HL7 v2 batch (FHS/BHS ... BTS/FTS) as a result of
// its own: its own idempotency key, raw object, work item and ACK. Every message is
// validated first, so an invalid one refuses the whole batch before anything is recorded
// (400, problems prefixed "message[i]."). A failure while recording message i leaves the
// messages before it accepted; resending the whole batch is safe (they come back as
// duplicates with their original result ids). The response carries every message's result
// and one ACK per message, in batch order.
func (s *Service) ingestBatch(ctx context.Context, req IngestRequest, f labresult.Format, parts [][]byte) (IngestResponse, error) {
	msgs := make([]*labresult.Message, len(parts))
	var probs []Problem
	invalid := 0
	for i, part := range parts {
		m, err := s.validate(f, part)
		if err == nil {
			msgs[i] = m
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			return IngestResponse{}, err
		}
		invalid++
		if len(pe.Problems) == 0 {
			probs = append(probs, Problem{Field: fmt.Sprintf("message[%d]", i), Problem: pe.Message, Fix: "correct the message and resend the batch"})
		}
		for _, p := range pe.Problems {
			p.Field = fmt.Sprintf("message[%d].%s", i, p.Field)
			probs = append(probs, p)
		}
	}
	if invalid > 0 {
		return IngestResponse{}, s.withAck(f, req.Body, &Error{HTTPStatus: http.StatusBadRequest, Code: "validation_failed",
			Message: fmt.Sprintf("%d of the batch's %d messages are invalid; nothing was recorded", invalid, len(parts)), Problems: probs})
	}
	out := IngestResponse{Format: string(f), Duplicate: true}
	var acks []byte
	for i, part := range parts {
		one := req
		one.Body = part
		r, err := s.ingestOne(ctx, one, f, msgs[i])
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				return IngestResponse{}, err
			}
			e := *pe
			e.Message = fmt.Sprintf("message[%d] of the batch: %s (the %d messages before it were accepted; resending the whole batch is safe)", i, pe.Message, i)
			return IngestResponse{}, &e
		}
		out.Batch = append(out.Batch, r)
		out.Duplicate = out.Duplicate && r.Duplicate
		acks = append(acks, r.HL7Ack...)
	}
	out.ResultID, out.Status, out.HL7Ack = out.Batch[0].ResultID, out.Batch[0].Status, acks
	return out, nil
}

// ingestOne records one validated report, stores it and enqueues it (or finds and finishes
// an earlier ingestion of the same payload).
func (s *Service) ingestOne(ctx context.Context, req IngestRequest, f labresult.Format, msg *labresult.Message) (IngestResponse, error) {
	hash := ContentSHA256(req.Body)
	idem := IdempotencyKey(req.Sender, msg.AccessionID, hash)
	acc := AccessionKey(req.Sender, msg.AccessionID)

	for try := 0; ; try++ {
		if existing, err := s.d.Ingestions.GetByIdempotencyKey(ctx, idem); err == nil {
			return s.resume(ctx, existing, req, f)
		} else if !errors.Is(err, ErrNotFound) {
			return IngestResponse{}, internal("look up idempotency key", err)
		}
		supersedes, err := s.decideAccession(ctx, acc, msg.Status)
		if err != nil {
			return IngestResponse{}, s.withAck(f, req.Body, err)
		}
		now := s.o.Now().UTC()
		id := s.o.NewID()
		rec := Record{
			ResultID: id, IdempotencyKey: idem, AccessionKey: acc, Sender: req.Sender,
			Format: string(f), ContentType: req.ContentType, ContentSHA256: hash,
			ReportStatus: string(msg.Status), RawKey: RawKey(id, now), Status: StatusReceived,
			Supersedes: supersedes, ReceivedAt: now, UpdatedAt: now,
		}
		err = s.d.Ingestions.CreateIngestion(ctx, rec)
		switch {
		case err == nil:
			return s.finish(ctx, rec, req, f, false)
		case errors.Is(err, ErrDuplicate), errors.Is(err, ErrAccessionMoved):
			// A concurrent request won the race; decide again against what it wrote.
			if try+1 >= maxCreateRetries {
				return IngestResponse{}, s.withAck(f, req.Body, &Error{HTTPStatus: http.StatusConflict, Code: "concurrent_update",
					Message: "the accession changed while this report was recorded; resend the report"})
			}
		default:
			return IngestResponse{}, internal("record ingestion", err)
		}
	}
}

// decideAccession returns the result id the new report supersedes ("" for a new accession),
// or a 409 Error when a final report already exists and the new one is not a correction.
func (s *Service) decideAccession(ctx context.Context, acc string, st labresult.ReportStatus) (string, error) {
	head, err := s.d.Ingestions.GetAccessionHead(ctx, acc)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", internal("look up accession", err)
	}
	switch {
	case st == labresult.StatusCorrected: // a correction supersedes any earlier version
		return head.ResultID, nil
	case head.Status == StatusFailed: // the earlier version never became a result
		return head.ResultID, nil
	case head.ReportStatus == string(labresult.StatusPreliminary) && st != labresult.StatusPreliminary,
		head.ReportStatus == string(labresult.StatusPreliminary) && st == labresult.StatusPreliminary:
		// preliminary -> preliminary update or final: the normal lifecycle of a report
		return head.ResultID, nil
	}
	return "", &Error{HTTPStatus: http.StatusConflict, Code: "conflict",
		Message: fmt.Sprintf("accession already has a report with status %s and different content (result_id %s); send changes as a corrected report (status C)", head.ReportStatus, head.ResultID)}
}

// resume answers a repeat of an accepted payload with the original result id and finishes
// storing / enqueueing if the first attempt stopped before the work item was queued.
func (s *Service) resume(ctx context.Context, rec Record, req IngestRequest, f labresult.Format) (IngestResponse, error) {
	if !rec.Enqueued && rec.Status == StatusReceived {
		s.o.Logger.LogAttrs(ctx, slogWarn, "ingest resumes an unfinished ingestion", attrID(rec.ResultID), attrReq(req.RequestID))
		return s.finish(ctx, rec, req, f, true)
	}
	return s.accepted(ctx, rec, req, f, true), nil
}

// finish stores the raw payload, enqueues the work item and marks the record enqueued.
func (s *Service) finish(ctx context.Context, rec Record, req IngestRequest, f labresult.Format, dup bool) (IngestResponse, error) {
	if err := s.d.Raw.Put(ctx, rec.RawKey, req.Body, req.ContentType); err != nil {
		return IngestResponse{}, s.withAck(f, req.Body, internal("store raw payload", err))
	}
	body, err := json.Marshal(WorkItem{ResultID: rec.ResultID, RawKey: rec.RawKey})
	if err != nil {
		return IngestResponse{}, internal("encode work item", err)
	}
	if _, err := s.d.LabQueue.Send(ctx, body); err != nil {
		return IngestResponse{}, s.withAck(f, req.Body, internal("enqueue work item", err))
	}
	if err := s.d.Ingestions.MarkEnqueued(ctx, rec.ResultID, s.o.Now().UTC()); err != nil {
		// The work item is queued: the report is safe. A repeat would enqueue it again, which
		// the worker tolerates (status transitions are conditional).
		s.o.Logger.LogAttrs(ctx, slogWarn, "mark enqueued failed", attrID(rec.ResultID), attrCode("mark_enqueued_failed"), attrClass(err))
	}
	return s.accepted(ctx, rec, req, f, dup), nil
}

func (s *Service) accepted(ctx context.Context, rec Record, req IngestRequest, f labresult.Format, dup bool) IngestResponse {
	detail := "new"
	if dup {
		detail = "duplicate"
	} else if rec.Supersedes != "" {
		detail = "supersedes:" + rec.Supersedes
	}
	if err := s.audit(ctx, AuditEvent{Actor: req.Sender, Action: ActionIngest, ResultID: rec.ResultID, Outcome: "ok", RequestID: req.RequestID, Detail: detail}); err != nil {
		// Ingest writes no PHI to the caller; an audit outage must not lose an accepted report.
		s.o.Logger.LogAttrs(ctx, slogError, "audit append failed", attrID(rec.ResultID), attrCode("audit_failed"), attrClass(err))
	}
	resp := IngestResponse{ResultID: rec.ResultID, Status: rec.Status, Duplicate: dup, Format: string(f)}
	if f == labresult.FormatHL7v2 {
		resp.HL7Ack = labresult.HL7Ack(req.Body, labresult.AckAccept, "")
	}
	return resp
}

// withAck attaches an HL7 v2 ACK to a service error when the payload was HL7 v2:
// AE (application error: fix the message) for 4xx, AR (reject: resend later) for 5xx.
func (s *Service) withAck(f labresult.Format, body []byte, err error) error {
	var e *Error
	if f != labresult.FormatHL7v2 || !errors.As(err, &e) {
		return err
	}
	code := labresult.AckError
	text := e.Message
	if e.HTTPStatus >= 500 {
		code, text = labresult.AckReject, "internal error; resend later"
	} else if len(e.Problems) > 0 {
		text = e.Problems[0].Field + ": " + e.Problems[0].Problem
	}
	e.HL7Ack = labresult.HL7Ack(body, code, text)
	return e
}

// validationError converts a labresult parse error to a 400 Error with the precise problems.
func validationError(f labresult.Format, err error) error {
	var ve *labresult.ValidationError
	if errors.As(err, &ve) {
		e := &Error{HTTPStatus: http.StatusBadRequest, Code: "validation_failed",
			Message: fmt.Sprintf("the %s report is invalid: %d problem(s)", f, len(ve.Problems))}
		for _, p := range ve.Problems {
			e.Problems = append(e.Problems, Problem{Field: p.Field, Problem: p.Problem, Fix: p.Fix})
		}
		return e
	}
	var ume *labresult.UnsupportedMediaTypeError
	if errors.As(err, &ume) {
		return &Error{HTTPStatus: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: ume.Error()}
	}
	// Parse reports bad input as *ValidationError; anything else is a fault of ours.
	return internal("parse payload", err)
}

// requiredForPipeline lists what Parse accepts but the pipeline cannot work without.
func requiredForPipeline(m *labresult.Message) []Problem {
	var p []Problem
	if m.AccessionID == "" {
		p = append(p, Problem{Field: "accession_id", Problem: "missing", Fix: "send the lab's accession number (native accession_id, FHIR DiagnosticReport.identifier, HL7 OBR-3 or ORC-3)"})
	}
	if m.PatientID == "" {
		p = append(p, Problem{Field: "patient_id", Problem: "missing", Fix: "send the lab's patient identifier (native patient_id, FHIR Patient.identifier, HL7 PID-3)"})
	}
	if m.LabID == "" {
		p = append(p, Problem{Field: "lab_id", Problem: "missing", Fix: "send the performing lab id (native lab_id, FHIR performer, HL7 MSH-4)"})
	}
	switch m.Status {
	case labresult.StatusPreliminary, labresult.StatusFinal, labresult.StatusCorrected:
	default:
		p = append(p, Problem{Field: "status", Problem: "report status is not P, F or C", Fix: "send P (preliminary), F (final) or C (corrected)"})
	}
	return p
}
