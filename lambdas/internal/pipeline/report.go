package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ReportRequest asks for the PDF of one result.
type ReportRequest struct {
	ResultID string
	// Actor is who asks (portal user sub or API client id); it is audited.
	Actor string
	// PatientKey, when set, must match the result's opaque patient key (the portal passes
	// the signed-in patient's key); a mismatch answers 404 so existence is not revealed.
	PatientKey string
	RequestID  string
}

// ReportResponse carries the presigned URL of the stored PDF.
type ReportResponse struct {
	ResultID  string    `json:"result_id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Report renders the normalized result as a PDF, stores it in the (KMS-encrypted) reports
// store and returns a presigned URL valid for PresignTTL (at most one hour). The read of the
// result, the generation and the URL issuance are each audited; if the read cannot be
// audited nothing is returned (fail closed).
// Errors: 400 bad result id, 404 unknown (or not the caller's), 409 not READY, 500 faults.
func (s *Service) Report(ctx context.Context, req ReportRequest) (ReportResponse, error) {
	if s.d.Results == nil || s.d.Reports == nil || s.d.Renderer == nil || s.d.Audit == nil {
		return ReportResponse{}, notConfigured("Results/Reports/Renderer/Audit")
	}
	rec, err := s.readable(ctx, req.ResultID, req.Actor, req.RequestID, req.PatientKey, "")
	if err != nil {
		return ReportResponse{}, err
	}
	if rec.Status != StatusReady {
		return ReportResponse{}, &Error{HTTPStatus: http.StatusConflict, Code: "not_ready",
			Message: fmt.Sprintf("result is %s; a report exists once it is READY - poll GET /api/v1/status/{result_id}", rec.Status)}
	}
	res, err := s.d.Results.GetResult(ctx, rec.ResultID)
	if err != nil {
		return ReportResponse{}, internal("get normalized result", err)
	}
	ev := AuditEvent{Actor: req.Actor, ResultID: rec.ResultID, Outcome: "ok", RequestID: req.RequestID}
	if err := s.auditAs(ctx, ev, ActionResultRead, "report"); err != nil {
		return ReportResponse{}, internal("audit read", err)
	}
	pdf, err := s.d.Renderer.Render(res)
	if err != nil {
		return ReportResponse{}, internal("render report", err)
	}
	key := ReportKey(rec.ResultID)
	if err := s.d.Reports.Put(ctx, key, pdf, "application/pdf"); err != nil {
		return ReportResponse{}, internal("store report", err)
	}
	if err := s.auditAs(ctx, ev, ActionReportGen, fmt.Sprintf("bytes:%d", len(pdf))); err != nil {
		return ReportResponse{}, internal("audit generation", err)
	}
	now := s.o.Now().UTC()
	u, err := s.d.Reports.PresignGet(ctx, key, s.o.PresignTTL)
	if err != nil {
		return ReportResponse{}, internal("presign report URL", err)
	}
	if err := s.auditAs(ctx, ev, ActionReportURL, "ttl_s:"+fmt.Sprint(int(s.o.PresignTTL.Seconds()))); err != nil {
		return ReportResponse{}, internal("audit URL issuance", err)
	}
	s.o.Logger.LogAttrs(ctx, slogInfo, "report issued", attrID(rec.ResultID), attrReq(req.RequestID))
	return ReportResponse{ResultID: rec.ResultID, URL: u, ExpiresAt: now.Add(s.o.PresignTTL)}, nil
}

func (s *Service) auditAs(ctx context.Context, ev AuditEvent, action, detail string) error {
	ev.Action, ev.Detail = action, detail
	return s.audit(ctx, ev)
}

// readable loads a record for a caller, answering 400 / 404 as an API would. When
// patientKey or sender is set it must match the record (404 otherwise). Denials are audited.
func (s *Service) readable(ctx context.Context, id, actor, requestID, patientKey, sender string) (Record, error) {
	if !ValidResultID(id) {
		return Record{}, &Error{HTTPStatus: http.StatusBadRequest, Code: "validation_failed", Message: "result_id is malformed",
			Problems: []Problem{{Field: "result_id", Problem: "not a result id", Fix: "use the result_id returned by POST /api/v1/ingest (8-64 letters, digits or '-')"}}}
	}
	rec, err := s.d.Results.Get(ctx, id)
	notFound := &Error{HTTPStatus: http.StatusNotFound, Code: "not_found", Message: "no such result; check the result_id"}
	if errors.Is(err, ErrNotFound) {
		_ = s.audit(ctx, AuditEvent{Actor: actor, Action: ActionResultRead, ResultID: id, Outcome: "not_found", RequestID: requestID})
		return Record{}, notFound
	}
	if err != nil {
		return Record{}, internal("get record", err)
	}
	if patientKey != "" && rec.PatientKey != patientKey || sender != "" && rec.Sender != sender {
		_ = s.audit(ctx, AuditEvent{Actor: actor, Action: ActionResultRead, ResultID: id, Outcome: "denied", RequestID: requestID})
		return Record{}, notFound
	}
	return rec, nil
}
