package handler_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzIngestHandler feeds arbitrary bodies and content types through the ingest handler over
// in-memory ports: it must never panic, never answer 5xx (nothing is broken), and always
// answer JSON or an HL7 ACK with the security headers.
func FuzzIngestHandler(f *testing.F) {
	for _, name := range []string{"apigw-ingest-native.json", "apigw-ingest-fhir.json"} {
		var req events.APIGatewayProxyRequest
		b, _ := os.ReadFile("testdata/" + name)
		if json.Unmarshal(b, &req) == nil {
			f.Add(req.Body, req.Headers["Content-Type"])
		}
	}
	hl7, _ := os.ReadFile("/work/shared/corpus/hl7v2/LAB-ORU-1.hl7")
	f.Add(string(hl7), "x-application/hl7-v2+er7")
	f.Add("MSH|^~\\&|\r", "application/hl7-v2")
	f.Add(`{"resourceType":"Bundle"}`, "application/fhir+json")
	s := newStack(f)
	base := events.APIGatewayProxyRequest{HTTPMethod: "POST", RequestContext: events.APIGatewayProxyRequestContext{
		RequestID: "fuzz", Authorizer: map[string]any{"claims": map[string]any{"client_id": "fuzz-lab"}}}}
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := base
		req.Body, req.Headers = body, map[string]string{"Content-Type": contentType}
		type result struct {
			resp events.APIGatewayProxyResponse
			err  error
		}
		done := make(chan result, 1)
		go func() {
			r, err := s.ingest.Handle(context.Background(), req)
			done <- result{r, err}
		}()
		var resp events.APIGatewayProxyResponse
		var err error
		select {
		case r := <-done:
			resp, err = r.resp, r.err
		case <-time.After(5 * time.Second):
			t.Fatalf("ingest hangs on %q body %q", contentType, body)
		}
		if err != nil {
			t.Fatalf("Lambda error: %v", err)
		}
		switch resp.StatusCode {
		case 200, 202, 400, 409, 413, 415:
		default:
			t.Fatalf("status %d for %q (%s): %s", resp.StatusCode, contentType, body, resp.Body)
		}
		if resp.Headers["Cache-Control"] != "no-store" {
			t.Fatalf("headers %v", resp.Headers)
		}
		if resp.Headers["Content-Type"] == "application/json" && !json.Valid([]byte(resp.Body)) {
			t.Fatalf("invalid JSON response %q", resp.Body)
		}
	})
}
