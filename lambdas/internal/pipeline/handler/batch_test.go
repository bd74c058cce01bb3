package handler_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// hl7Batch wraps messages in an FHS/BHS ... BTS/FTS batch.
func hl7Batch(msgs ...[]byte) []byte {
	out := []byte("FHS|^~\\&|NIST Test Lab APP\rBHS|^~\\&|NIST Test Lab APP\r")
	for _, m := range msgs {
		out = append(out, m...)
	}
	return append(out, "BTS|2\rFTS|1\r"...)
}

func TestIngestHL7Batch(t *testing.T) {
	s := newStack(t)
	req := load[events.APIGatewayProxyRequest](t, "apigw-ingest-hl7-base64.json")
	one, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	one = bytes.TrimPrefix(one, []byte("\ufeff")) // a byte-order mark belongs only at the very start of a body
	// A second report of another accession, with its own control id.
	two := bytes.ReplaceAll(bytes.ReplaceAll(one, []byte("R-991133"), []byte("R-991134")), []byte("NIST-LRI-NG-002.00"), []byte("NIST-LRI-NG-002.01"))
	send := func(body []byte) events.APIGatewayProxyResponse {
		t.Helper()
		r := req
		r.Body = base64.StdEncoding.EncodeToString(body)
		resp, err := s.ingest.Handle(context.Background(), r)
		if err != nil && resp.StatusCode < 400 {
			t.Fatalf("handler error: %v", err)
		}
		return resp
	}

	resp := send(hl7Batch(one, two))
	if resp.StatusCode != 202 {
		t.Fatalf("batch status %d: %s", resp.StatusCode, resp.Body)
	}
	ids := strings.Split(resp.Headers["X-Result-Ids"], ",")
	if len(ids) != 2 || ids[0] == ids[1] || resp.Headers["X-Result-Id"] != ids[0] {
		t.Fatalf("result ids %q (first %q): want two distinct ids", resp.Headers["X-Result-Ids"], resp.Headers["X-Result-Id"])
	}
	if n := strings.Count(resp.Body, "MSA|AA|"); n != 2 || !strings.Contains(resp.Body, "MSA|AA|NIST-LRI-NG-002.01") {
		t.Errorf("want one AA acknowledgement per message, got %d: %q", n, resp.Body)
	}
	if n := s.labQ.Len(); n != 2 {
		t.Errorf("%d work items queued, want one per message", n)
	}
	if n := len(s.raw.Keys()); n != 2 {
		t.Errorf("%d raw objects, want one per message", n)
	}

	// Resending the batch is idempotent: same ids, nothing new queued.
	again := send(hl7Batch(one, two))
	if again.StatusCode != 200 || again.Headers["X-Result-Ids"] != resp.Headers["X-Result-Ids"] {
		t.Errorf("resend: status %d ids %q, want 200 and %q", again.StatusCode, again.Headers["X-Result-Ids"], resp.Headers["X-Result-Ids"])
	}
	if n := s.labQ.Len(); n != 2 {
		t.Errorf("resend queued more work: %d items", n)
	}

	// One invalid message refuses the whole batch before anything is recorded.
	three := bytes.ReplaceAll(bytes.ReplaceAll(two, []byte("R-991134"), []byte("R-991135")), []byte("NIST-LRI-NG-002.01"), []byte("NIST-LRI-NG-002.02"))
	broken := []byte("MSH|^~\\&|NIST Test Lab APP|NIST Lab Facility||NIST EHR Facility|20110531140551-0500||ORU^R01^ORU_R01|BROKEN-1|T|2.5.1\r")
	bad := send(hl7Batch(three, broken))
	if bad.StatusCode != 400 || bad.Headers["X-Error-Code"] != "validation_failed" || !strings.Contains(bad.Body, "MSA|AE") {
		t.Fatalf("batch with an invalid message: status %d code %q body %q", bad.StatusCode, bad.Headers["X-Error-Code"], bad.Body)
	}
	if n := s.labQ.Len(); n != 2 {
		t.Errorf("a refused batch queued work: %d items", n)
	}
	if alone := send(three); alone.StatusCode != 202 {
		t.Errorf("the valid message of the refused batch was recorded by it: resending it alone gave %d", alone.StatusCode)
	}
}
