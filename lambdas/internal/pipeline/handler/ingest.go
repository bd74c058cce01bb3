package handler

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/labresult"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// IngestResponse is the JSON body of an accepted POST /api/v1/ingest.
type IngestResponse struct {
	ResultID  string          `json:"result_id"`
	Status    pipeline.Status `json:"status"`
	Duplicate bool            `json:"duplicate"`
	StatusURL string          `json:"status_url"`
}

// hl7ContentType is the media type of HL7 v2 ACK responses.
const hl7ContentType = "x-application/hl7-v2+er7"

// Ingest handles POST /api/v1/ingest (API Gateway REST, Lambda proxy integration). The sender
// is the authorizer's client_id claim (Cognito client-credentials token).
// 202 new report, 200 repeat of an accepted one, 4xx/5xx as the service decides. HL7 v2
// senders receive an HL7 ACK body (AA / AE / AR) with the result id in X-Result-Id.
type Ingest struct {
	Svc *pipeline.Service
	Log *slog.Logger
}

// Handle implements the Lambda handler.
func (h *Ingest) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	start := time.Now()
	reqID := requestID(ctx, req.RequestContext.RequestID)
	resp, err := h.handle(ctx, req, reqID)
	attrs := []slog.Attr{slog.Int64("duration_ms", time.Since(start).Milliseconds())}
	if id := resp.Headers["X-Result-Id"]; id != "" {
		attrs = append(attrs, slog.String("result_id", id))
	}
	logResult(ctx, h.Log, "ingest", reqID, resp.StatusCode, err, attrs...)
	return resp, nil
}

func (h *Ingest) handle(ctx context.Context, req events.APIGatewayProxyRequest, reqID string) (events.APIGatewayProxyResponse, error) {
	if req.HTTPMethod != "" && req.HTTPMethod != http.MethodPost {
		err := &pipeline.Error{HTTPStatus: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "use POST"}
		return errorResponse(err, reqID), err
	}
	body, err := decodeBody(req)
	if err != nil {
		return errorResponse(err, reqID), err
	}
	out, err := h.Svc.Ingest(ctx, pipeline.IngestRequest{
		Sender: claim(req, "client_id"), ContentType: header(req, "Content-Type"), Body: body, RequestID: reqID,
	})
	if err != nil {
		var pe *pipeline.Error
		if errors.As(err, &pe) && pe.HL7Ack != nil {
			r := events.APIGatewayProxyResponse{StatusCode: pe.HTTPStatus, Headers: securityHeaders(hl7ContentType), Body: string(pe.HL7Ack)}
			r.Headers["X-Error-Code"] = pe.Code
			return r, err
		}
		return errorResponse(err, reqID), err
	}
	status := http.StatusAccepted
	if out.Duplicate {
		status = http.StatusOK
	}
	if out.HL7Ack != nil {
		r := events.APIGatewayProxyResponse{StatusCode: status, Headers: securityHeaders(hl7ContentType), Body: string(out.HL7Ack)}
		r.Headers["X-Result-Id"] = out.ResultID
		if len(out.Batch) > 0 {
			// A batch: every message's result id, in batch order (the body holds one ACK each).
			ids := make([]string, len(out.Batch))
			for i, b := range out.Batch {
				ids[i] = b.ResultID
			}
			r.Headers["X-Result-Ids"] = strings.Join(ids, ",")
		}
		return r, nil
	}
	r := jsonResponse(status, IngestResponse{ResultID: out.ResultID, Status: out.Status, Duplicate: out.Duplicate,
		StatusURL: "/api/v1/status/" + out.ResultID})
	r.Headers["X-Result-Id"] = out.ResultID
	return r, nil
}

// decodeBody returns the request body, decoding base64 (binary media types) and refusing
// oversized bodies before decoding them.
func decodeBody(req events.APIGatewayProxyRequest) ([]byte, error) {
	if !req.IsBase64Encoded {
		return []byte(req.Body), nil
	}
	if len(req.Body) > base64.StdEncoding.EncodedLen(labresult.MaxPayloadBytes) {
		return nil, &pipeline.Error{HTTPStatus: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: fmt.Sprintf("body exceeds %d bytes; split the batch into smaller messages", labresult.MaxPayloadBytes)}
	}
	b, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, &pipeline.Error{HTTPStatus: http.StatusBadRequest, Code: "bad_encoding", Message: "body is flagged base64 but does not decode",
			Problems: []pipeline.Problem{{Field: "body", Problem: "invalid base64", Fix: "send the payload as-is with its Content-Type"}}}
	}
	return b, nil
}
