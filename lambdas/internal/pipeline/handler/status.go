package handler

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Status serves GET /api/v1/status/{result_id} (authenticated lab clients; a client sees
// only its own results) and GET /api/v1/health (shallow, no data access).
type Status struct {
	Svc *pipeline.Service
	Log *slog.Logger
}

// Handle implements the Lambda handler.
func (h *Status) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	start := time.Now()
	reqID := requestID(ctx, req.RequestContext.RequestID)
	route := req.Resource
	if route == "" {
		route = req.Path
	}
	var resp events.APIGatewayProxyResponse
	var err error
	id := req.PathParameters["result_id"]
	switch {
	case req.HTTPMethod != "" && req.HTTPMethod != http.MethodGet:
		err = &pipeline.Error{HTTPStatus: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "use GET"}
	case strings.HasSuffix(route, "/health"):
		resp = jsonResponse(http.StatusOK, h.Svc.Health(ctx))
	case strings.Contains(route, "/status/"):
		if id == "" && strings.HasPrefix(req.Path, "/api/v1/status/") {
			id = strings.TrimPrefix(req.Path, "/api/v1/status/")
		}
		sender := claim(req, "client_id")
		if sender == "" {
			err = &pipeline.Error{HTTPStatus: http.StatusUnauthorized, Code: "unauthenticated", Message: "no authenticated client id; call with a Cognito client-credentials access token"}
			break
		}
		var out pipeline.StatusResponse
		out, err = h.Svc.Status(ctx, pipeline.StatusRequest{ResultID: id, Sender: sender, RequestID: reqID})
		if err == nil {
			resp = jsonResponse(http.StatusOK, out)
		}
	default:
		err = &pipeline.Error{HTTPStatus: http.StatusNotFound, Code: "no_route", Message: "unknown route; use /api/v1/status/{result_id} or /api/v1/health"}
	}
	if err != nil {
		resp = errorResponse(err, reqID)
	}
	attrs := []slog.Attr{slog.Int64("duration_ms", time.Since(start).Milliseconds())}
	if pipeline.ValidResultID(id) {
		attrs = append(attrs, slog.String("result_id", id))
	}
	logResult(ctx, h.Log, "status", reqID, resp.StatusCode, err, attrs...)
	return resp, nil
}
