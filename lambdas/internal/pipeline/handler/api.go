package handler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// ErrorBody is the JSON error of every API response.
type ErrorBody struct {
	Error     ErrorDetail `json:"error"`
	RequestID string      `json:"request_id,omitempty"`
}

// ErrorDetail describes an error; Problems name the field and the fix.
type ErrorDetail struct {
	Code     string             `json:"code"`
	Message  string             `json:"message"`
	Problems []pipeline.Problem `json:"problems,omitempty"`
}

// securityHeaders go on every API response.
func securityHeaders(contentType string) map[string]string {
	return map[string]string{
		"Content-Type":              contentType,
		"Cache-Control":             "no-store",
		"X-Content-Type-Options":    "nosniff",
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	}
}

func jsonResponse(status int, v any) events.APIGatewayProxyResponse {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: securityHeaders("application/json"), Body: string(b)}
}

// errorBody turns a service error into what the client may see: 5xx never carry details.
func errorBody(err error, requestID string) (int, ErrorBody) {
	status := pipeline.HTTPStatusOf(err)
	var pe *pipeline.Error
	if status >= 500 || !errors.As(err, &pe) {
		return status, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "internal error; retry later"}, RequestID: requestID}
	}
	return status, ErrorBody{Error: ErrorDetail{Code: pe.Code, Message: pe.Message, Problems: pe.Problems}, RequestID: requestID}
}

func errorResponse(err error, requestID string) events.APIGatewayProxyResponse {
	status, body := errorBody(err, requestID)
	return jsonResponse(status, body)
}

// header returns a request header case-insensitively.
func header(req events.APIGatewayProxyRequest, name string) string {
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range req.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// claim reads an authorizer value: REST Cognito user-pool authorizers put token claims under
// "claims"; Lambda authorizers put context values at the top level.
func claim(req events.APIGatewayProxyRequest, name string) string {
	auth := req.RequestContext.Authorizer
	if auth == nil {
		return ""
	}
	if claims, ok := auth["claims"].(map[string]any); ok {
		if s, ok := claims[name].(string); ok {
			return s
		}
	}
	if s, ok := auth[name].(string); ok {
		return s
	}
	return ""
}

// requestID prefers API Gateway's id (it is in the access log), then Lambda's.
func requestID(ctx context.Context, apiID string) string {
	if apiID != "" {
		return apiID
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

func logResult(ctx context.Context, log *slog.Logger, handler, reqID string, status int, err error, attrs ...slog.Attr) {
	attrs = append(attrs, slog.String("handler", handler), slog.String("request_id", reqID), slog.Int("http_status", status))
	level := slog.LevelInfo
	if err != nil {
		var pe *pipeline.Error
		code := "internal"
		if errors.As(err, &pe) {
			code = pe.Code
		}
		attrs = append(attrs, slog.String("error_code", code))
		if status >= 500 {
			attrs = append(attrs, slog.String("error_op", pipeline.ErrorOp(err)), slog.String("error_class", errClass(err)))
			level = slog.LevelError
		} else {
			level = slog.LevelWarn
		}
	}
	log.LogAttrs(ctx, level, "request done", attrs...)
}
