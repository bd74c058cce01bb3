package pipeline

import (
	"context"
	"time"
)

// StatusRequest asks for the processing status of one result.
type StatusRequest struct {
	ResultID string
	// Sender, when set (API clients), must be the client that ingested the result;
	// otherwise the answer is 404.
	Sender    string
	Actor     string
	RequestID string
}

// StatusResponse is the public status of a result. It holds no PHI.
type StatusResponse struct {
	ResultID     string             `json:"result_id"`
	Status       Status             `json:"status"`
	ReportStatus string             `json:"report_status,omitempty"`
	Format       string             `json:"format,omitempty"`
	ErrorCode    string             `json:"error_code,omitempty"`
	Supersedes   string             `json:"supersedes,omitempty"`
	SupersededBy string             `json:"superseded_by,omitempty"`
	Notification NotificationStatus `json:"notification,omitempty"`
	ReceivedAt   time.Time          `json:"received_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
}

// Status returns the processing status of a result and audits the read (fail closed).
// Errors: 400 bad id, 404 unknown or not the sender's, 500 faults.
func (s *Service) Status(ctx context.Context, req StatusRequest) (StatusResponse, error) {
	if s.d.Results == nil || s.d.Audit == nil {
		return StatusResponse{}, notConfigured("Results/Audit")
	}
	actor := req.Actor
	if actor == "" {
		actor = req.Sender
	}
	rec, err := s.readable(ctx, req.ResultID, actor, req.RequestID, "", req.Sender)
	if err != nil {
		return StatusResponse{}, err
	}
	if err := s.audit(ctx, AuditEvent{Actor: actor, Action: ActionStatusRead, ResultID: rec.ResultID, Outcome: "ok", RequestID: req.RequestID}); err != nil {
		return StatusResponse{}, internal("audit status read", err)
	}
	return StatusResponse{
		ResultID: rec.ResultID, Status: rec.Status, ReportStatus: rec.ReportStatus, Format: rec.Format,
		ErrorCode: rec.ErrorCode, Supersedes: rec.Supersedes, SupersededBy: rec.SupersededBy,
		Notification: rec.Notification.Status, ReceivedAt: rec.ReceivedAt, UpdatedAt: rec.UpdatedAt,
	}, nil
}

// HealthResponse is the answer of GET /api/v1/health.
type HealthResponse struct {
	Status string    `json:"status"`
	Time   time.Time `json:"time"`
}

// Health is a shallow liveness check: it touches no data store (so it can be called
// unauthenticated and often) and reports the service clock.
func (s *Service) Health(context.Context) HealthResponse {
	return HealthResponse{Status: "ok", Time: s.o.Now().UTC()}
}
