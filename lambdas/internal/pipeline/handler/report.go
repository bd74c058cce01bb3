package handler

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// PatientKeyClaim is the token claim that carries the signed-in patient's opaque key. API
// calls to the report route must carry it (ID token, or an access token enriched by a
// pre-token-generation trigger); the service answers 404 for other patients' results.
const PatientKeyClaim = "custom:patient_key"

// ReportInvoke is the payload of a direct (IAM-authorized) invocation by the portal backend.
type ReportInvoke struct {
	ResultID   string `json:"result_id"`
	Actor      string `json:"actor"`                 // portal user sub, audited
	PatientKey string `json:"patient_key,omitempty"` // when set, must own the result
	RequestID  string `json:"request_id,omitempty"`
}

// ReportInvokeResponse answers a direct invocation. Errors are data (HTTPStatus + Error), not
// Lambda function errors, so the portal can tell 404 from 409 from 500.
type ReportInvokeResponse struct {
	HTTPStatus int                      `json:"http_status"`
	Report     *pipeline.ReportResponse `json:"report,omitempty"`
	Error      *ErrorDetail             `json:"error,omitempty"`
}

// Report serves GET /api/v1/results/{result_id}/report and direct invocations.
type Report struct {
	Svc *pipeline.Service
	Log *slog.Logger
}

// Handle accepts either an API Gateway proxy event or a ReportInvoke payload.
func (h *Report) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		HTTPMethod     *string         `json:"httpMethod"`
		RequestContext json.RawMessage `json:"requestContext"`
	}
	if err := json.Unmarshal(payload, &probe); err == nil && (probe.HTTPMethod != nil || probe.RequestContext != nil) {
		var req events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return jsonResponse(http.StatusBadRequest, ErrorBody{Error: ErrorDetail{Code: "bad_event", Message: "malformed API Gateway event"}}), nil
		}
		return h.HandleAPI(ctx, req)
	}
	var inv ReportInvoke
	if err := json.Unmarshal(payload, &inv); err != nil {
		return ReportInvokeResponse{HTTPStatus: http.StatusBadRequest, Error: &ErrorDetail{Code: "bad_payload",
			Message: "payload is not JSON", Problems: []pipeline.Problem{{Field: "$", Problem: "not a JSON object", Fix: `send {"result_id":"...","actor":"..."}`}}}}, nil
	}
	return h.HandleInvoke(ctx, inv), nil
}

// HandleAPI serves the API route.
func (h *Report) HandleAPI(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	start := time.Now()
	reqID := requestID(ctx, req.RequestContext.RequestID)
	id := req.PathParameters["result_id"]
	var resp events.APIGatewayProxyResponse
	var err error
	actor, pk := claim(req, "sub"), claim(req, PatientKeyClaim)
	switch {
	case req.HTTPMethod != "" && req.HTTPMethod != http.MethodGet:
		err = &pipeline.Error{HTTPStatus: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "use GET"}
	case actor == "":
		err = &pipeline.Error{HTTPStatus: http.StatusUnauthorized, Code: "unauthenticated", Message: "no authenticated user; sign in through the portal"}
	case pk == "":
		err = &pipeline.Error{HTTPStatus: http.StatusForbidden, Code: "forbidden", Message: "the token carries no " + PatientKeyClaim + " claim; sign in as a patient through the portal"}
	}
	if err == nil {
		var out pipeline.ReportResponse
		out, err = h.Svc.Report(ctx, pipeline.ReportRequest{ResultID: id, Actor: actor, PatientKey: pk, RequestID: reqID})
		if err == nil {
			resp = jsonResponse(http.StatusOK, out)
		}
	}
	if err != nil {
		resp = errorResponse(err, reqID)
	}
	attrs := []slog.Attr{slog.Int64("duration_ms", time.Since(start).Milliseconds())}
	if pipeline.ValidResultID(id) {
		attrs = append(attrs, slog.String("result_id", id))
	}
	logResult(ctx, h.Log, "report", reqID, resp.StatusCode, err, attrs...)
	return resp, nil
}

// HandleInvoke serves a direct invocation.
func (h *Report) HandleInvoke(ctx context.Context, inv ReportInvoke) ReportInvokeResponse {
	start := time.Now()
	reqID := requestID(ctx, inv.RequestID)
	var err error
	var out pipeline.ReportResponse
	if inv.Actor == "" {
		err = &pipeline.Error{HTTPStatus: http.StatusBadRequest, Code: "validation_failed", Message: "actor is missing",
			Problems: []pipeline.Problem{{Field: "actor", Problem: "missing", Fix: "send the portal user's sub as actor; every read is audited"}}}
	} else {
		out, err = h.Svc.Report(ctx, pipeline.ReportRequest{ResultID: inv.ResultID, Actor: inv.Actor, PatientKey: inv.PatientKey, RequestID: reqID})
	}
	resp := ReportInvokeResponse{HTTPStatus: http.StatusOK, Report: &out}
	if err != nil {
		status, body := errorBody(err, reqID)
		resp = ReportInvokeResponse{HTTPStatus: status, Error: &body.Error}
	}
	attrs := []slog.Attr{slog.Int64("duration_ms", time.Since(start).Milliseconds())}
	if pipeline.ValidResultID(inv.ResultID) {
		attrs = append(attrs, slog.String("result_id", inv.ResultID))
	}
	logResult(ctx, h.Log, "report", reqID, resp.HTTPStatus, err, attrs...)
	return resp
}
