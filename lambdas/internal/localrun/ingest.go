package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

// ContentTypeOf returns the Content-Type a lab system would send for a corpus file:
// HL7 v2 for .hl7, FHIR R4 JSON for .json.
func ContentTypeOf(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".hl7":
		return "x-application/hl7-v2+er7", nil
	case ".json":
		return "application/fhir+json; fhirVersion=4.0", nil
	}
	return "", fmt.Errorf("no content type for %s: corpus messages are .hl7 (HL7 v2) or .json (FHIR R4)", filepath.Base(path))
}

// IngestOutcome is what the ingest handler answered (codes only, no PHI).
type IngestOutcome struct {
	HTTPStatus int
	ResultID   string
	Duplicate  bool
	ErrorCode  string   // machine code of a refusal ("validation_failed", ...)
	Problems   []string // fields named by the refusal
}

// Accepted reports whether the pipeline took the message (202 new, 200 duplicate).
func (o IngestOutcome) Accepted() bool {
	return (o.HTTPStatus == http.StatusAccepted || o.HTTPStatus == http.StatusOK) && o.ResultID != ""
}

// IngestMessage sends body through the real ingest handler as API Gateway would deliver
// POST /api/v1/ingest from an authenticated lab client.
func (st *Stack) IngestMessage(ctx context.Context, contentType string, body []byte, requestID string) (IngestOutcome, error) {
	req := events.APIGatewayProxyRequest{
		Resource: "/api/v1/ingest", Path: "/api/v1/ingest", HTTPMethod: http.MethodPost,
		Headers: map[string]string{"Content-Type": contentType},
		Body:    string(body),
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID: requestID, ResourcePath: "/api/v1/ingest", HTTPMethod: http.MethodPost, Stage: "local",
			Authorizer: map[string]any{"claims": map[string]any{"client_id": st.opts.Sender, "sub": st.opts.Sender,
				"token_use": "access", "scope": "labsecure/ingest"}},
		},
	}
	resp, err := st.Ingest.Handle(ctx, req)
	if err != nil {
		return IngestOutcome{}, fmt.Errorf("ingest handler returned a Lambda error: %w", err)
	}
	out := IngestOutcome{HTTPStatus: resp.StatusCode, ResultID: resp.Headers["X-Result-Id"], ErrorCode: resp.Headers["X-Error-Code"]}
	if strings.HasPrefix(resp.Headers["Content-Type"], "application/json") {
		if resp.StatusCode < 300 {
			var ok handler.IngestResponse
			if err := json.Unmarshal([]byte(resp.Body), &ok); err != nil {
				return out, fmt.Errorf("ingest answered %d with a body that is not IngestResponse JSON: %w", resp.StatusCode, err)
			}
			out.ResultID, out.Duplicate = ok.ResultID, ok.Duplicate
		} else {
			var eb handler.ErrorBody
			if err := json.Unmarshal([]byte(resp.Body), &eb); err != nil {
				return out, fmt.Errorf("ingest answered %d with a body that is not ErrorBody JSON: %w", resp.StatusCode, err)
			}
			out.ErrorCode = eb.Error.Code
			for _, p := range eb.Error.Problems {
				out.Problems = append(out.Problems, p.Field)
			}
		}
	}
	if resp.StatusCode == http.StatusOK {
		out.Duplicate = true
	}
	return out, nil
}
