package handler_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/labresult"
	"github.com/labsecure/labsecure/lambdas/internal/logging"
	"github.com/labsecure/labsecure/lambdas/internal/pdfreport"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/memstore"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// stack is a full in-memory pipeline with every handler and a shared log buffer.
type stack struct {
	raw, reports *memstore.Blobs
	labQ, notQ   *memstore.Queue
	table        *memstore.Table
	mailer       *memstore.Mailer
	audit        *memstore.Audit
	logs         *bytes.Buffer
	ingest       *handler.Ingest
	worker       *handler.Worker
	notify       *handler.Notify
	report       *handler.Report
	status       *handler.Status
}

type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func newStack(t testing.TB) *stack {
	t.Helper()
	s := &stack{raw: memstore.NewBlobs(), reports: memstore.NewBlobs(), labQ: &memstore.Queue{}, notQ: &memstore.Queue{},
		table: memstore.NewTable(), mailer: &memstore.Mailer{}, audit: &memstore.Audit{}}
	buf := &syncBuffer{}
	s.logs = &buf.Buffer
	log := logging.New(buf, slog.LevelDebug)
	var mu sync.Mutex
	n := 0
	svc, err := pipeline.New(pipeline.Deps{Raw: s.raw, Reports: s.reports, LabQueue: s.labQ, NotifyQueue: s.notQ,
		Ingestions: s.table, Results: s.table, Notifications: s.table, Contacts: s.table, Mailer: s.mailer,
		Audit: s.audit, Renderer: pdfreport.New(nil)}, &pipeline.Options{
		PatientKeySecret: secret, PortalURL: "https://portal.example.org", Logger: log,
		Now: func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) },
		NewID: func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("res-%08d", n)
		},
		Sleep: func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ingest, s.worker, s.notify = &handler.Ingest{Svc: svc, Log: log}, &handler.Worker{Svc: svc, Log: log}, &handler.Notify{Svc: svc, Log: log}
	s.report, s.status = &handler.Report{Svc: svc, Log: log}, &handler.Status{Svc: svc, Log: log}
	return s
}

func load[T any](t testing.TB, name string) T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func decodeJSON[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("response body is not JSON: %v: %s", err, body)
	}
	return v
}

func TestIngestFixtures(t *testing.T) {
	tests := []struct {
		fixture     string
		mutate      func(*events.APIGatewayProxyRequest)
		status      int
		contentType string
		check       func(t *testing.T, r events.APIGatewayProxyResponse)
	}{
		{"apigw-ingest-native.json", nil, 202, "application/json", func(t *testing.T, r events.APIGatewayProxyResponse) {
			b := decodeJSON[handler.IngestResponse](t, r.Body)
			if b.ResultID != "res-00000001" || b.Status != "RECEIVED" || b.Duplicate || b.StatusURL != "/api/v1/status/res-00000001" {
				t.Errorf("body = %+v", b)
			}
		}},
		{"apigw-ingest-hl7-base64.json", nil, 202, "x-application/hl7-v2+er7", func(t *testing.T, r events.APIGatewayProxyResponse) {
			if !strings.HasPrefix(r.Body, "MSH|") || !strings.Contains(r.Body, "MSA|AA") || r.Headers["X-Result-Id"] != "res-00000001" {
				t.Errorf("ACK = %q headers %v", r.Body, r.Headers)
			}
		}},
		{"apigw-ingest-fhir.json", nil, 202, "application/json", nil},
		{"apigw-ingest-unauthenticated.json", nil, 401, "application/json", nil},
		{"apigw-ingest-native.json", func(r *events.APIGatewayProxyRequest) {
			r.Headers = map[string]string{"content-type": "text/csv"}
			r.MultiValueHeaders = nil
		}, 415, "application/json", nil},
		{"apigw-ingest-native.json", func(r *events.APIGatewayProxyRequest) {
			r.Body = base64.StdEncoding.EncodeToString(make([]byte, labresult.MaxPayloadBytes+10))
			r.IsBase64Encoded = true
		}, 413, "application/json", nil},
		{"apigw-ingest-native.json", func(r *events.APIGatewayProxyRequest) {
			r.Body = strings.Repeat(" ", labresult.MaxPayloadBytes+1)
		}, 413, "application/json", nil},
		{"apigw-ingest-native.json", func(r *events.APIGatewayProxyRequest) {
			r.Body = strings.Replace(r.Body, `"lab_id"`, `"lab_idx"`, 1)
		}, 400, "application/json", func(t *testing.T, r events.APIGatewayProxyResponse) {
			b := decodeJSON[handler.ErrorBody](t, r.Body)
			if b.Error.Code != "validation_failed" || len(b.Error.Problems) < 2 || b.RequestID == "" {
				t.Errorf("body = %+v", b)
			}
			fields := map[string]bool{}
			for _, p := range b.Error.Problems {
				fields[p.Field] = p.Fix != ""
			}
			if !fields["lab_id"] || !fields["lab_idx"] {
				t.Errorf("problems %+v do not name lab_id (missing) and lab_idx (unknown) with fixes", b.Error.Problems)
			}
		}},
		{"apigw-ingest-hl7-base64.json", func(r *events.APIGatewayProxyRequest) { r.Body = "%%%" }, 400, "application/json", nil},
		{"apigw-ingest-hl7-base64.json", func(r *events.APIGatewayProxyRequest) {
			r.Body = base64.StdEncoding.EncodeToString([]byte("MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\r"))
		}, 400, "x-application/hl7-v2+er7", func(t *testing.T, r events.APIGatewayProxyResponse) {
			if !strings.Contains(r.Body, "MSA|AE") || r.Headers["X-Error-Code"] != "validation_failed" {
				t.Errorf("HL7 error ACK = %q", r.Body)
			}
		}},
		{"apigw-ingest-native.json", func(r *events.APIGatewayProxyRequest) { r.HTTPMethod = "GET" }, 405, "application/json", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.fixture, tt.status), func(t *testing.T) {
			s := newStack(t)
			req := load[events.APIGatewayProxyRequest](t, tt.fixture)
			if tt.mutate != nil {
				tt.mutate(&req)
			}
			resp, err := s.ingest.Handle(context.Background(), req)
			if err != nil {
				t.Fatalf("handler returned a Lambda error: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if got := resp.Headers["Content-Type"]; got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if resp.Headers["Cache-Control"] != "no-store" || resp.Headers["X-Content-Type-Options"] != "nosniff" {
				t.Errorf("security headers missing: %v", resp.Headers)
			}
			if tt.check != nil {
				tt.check(t, resp)
			}
		})
	}
}

func TestIngestConflictDuplicateAndInternal(t *testing.T) {
	s := newStack(t)
	req := load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json")
	first, _ := s.ingest.Handle(context.Background(), req)
	again, _ := s.ingest.Handle(context.Background(), req)
	if first.StatusCode != 202 || again.StatusCode != 200 || !decodeJSON[handler.IngestResponse](t, again.Body).Duplicate {
		t.Fatalf("first %d, repeat %d %s", first.StatusCode, again.StatusCode, again.Body)
	}
	changed := req
	changed.Body = strings.Replace(req.Body, "13.2", "9.9", 1)
	conflict, _ := s.ingest.Handle(context.Background(), changed)
	if conflict.StatusCode != http.StatusConflict {
		t.Fatalf("different final report: %d %s", conflict.StatusCode, conflict.Body)
	}
	corrected := changed
	corrected.Body = strings.Replace(changed.Body, `"status": "F"`, `"status": "C"`, 1)
	if r, _ := s.ingest.Handle(context.Background(), corrected); r.StatusCode != 202 {
		t.Fatalf("corrected report: %d %s", r.StatusCode, r.Body)
	}
	s.table.Err = errors.New("dynamodb: ProvisionedThroughputExceededException for table results")
	other := req
	other.Body = strings.Replace(req.Body, "ACC-2026-0001", "ACC-2026-0002", 1)
	r, _ := s.ingest.Handle(context.Background(), other)
	b := decodeJSON[handler.ErrorBody](t, r.Body)
	if r.StatusCode != 500 || b.Error.Code != "internal" || strings.Contains(r.Body, "dynamodb") || len(b.Error.Problems) != 0 {
		t.Errorf("internal error response %d %s", r.StatusCode, r.Body)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"error_op":"look_up_idempotency_key"`) || !strings.Contains(logs, `"error_class":"errors.errorString"`) {
		t.Errorf("the 500 is not diagnosable from the log:\n%s", logs)
	}
	if strings.Contains(logs, "ProvisionedThroughput") {
		t.Error("error text reached the log")
	}
}

func TestWorkerPartialBatch(t *testing.T) {
	s := newStack(t)
	if r, _ := s.ingest.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json")); r.StatusCode != 202 {
		t.Fatal(r.Body)
	}
	s.labQ.Drain()
	ev := load[events.SQSEvent](t, "sqs-worker-batch.json")
	resp, err := s.worker.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	want := []string{ev.Records[1].MessageId, ev.Records[2].MessageId}
	if strings.Join(failed, ",") != strings.Join(want, ",") {
		t.Errorf("failures = %v, want %v (malformed and unknown, not the good one)", failed, want)
	}
	rec, _ := s.table.Get(context.Background(), "res-00000001")
	if rec.Status != pipeline.StatusReady || s.notQ.Len() != 1 {
		t.Errorf("record %s, notify queue %d", rec.Status, s.notQ.Len())
	}
	// An SQS response must marshal with an empty list, not null, when all succeed.
	ok, _ := s.worker.Handle(context.Background(), events.SQSEvent{Records: ev.Records[:1]})
	if b, _ := json.Marshal(ok); !strings.Contains(string(b), `"batchItemFailures":[]`) {
		t.Errorf("all-success response = %s", b)
	}
}

func TestNotifyPartialBatchSendsOnce(t *testing.T) {
	s := newStack(t)
	s.ingest.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json"))
	s.worker.Handle(context.Background(), load[events.SQSEvent](t, "sqs-worker-batch.json"))
	pk := pipeline.PatientKey(secret, "LAB-9", "MRN-777001")
	s.table.PutContact(context.Background(), pipeline.Contact{PatientKey: pk, Email: "p@example.org"})
	ev := load[events.SQSEvent](t, "sqs-notify-batch.json") // record 1 and 3 announce the same result
	resp, _ := s.notify.Handle(context.Background(), ev)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ev.Records[1].MessageId {
		t.Errorf("failures = %+v, want only the malformed record", resp.BatchItemFailures)
	}
	if n := len(s.mailer.Sent()); n != 1 {
		t.Errorf("%d e-mails for one result version, want 1", n)
	}
	// Transient SES trouble on every attempt: the message is reported for redelivery.
	s2 := newStack(t)
	s2.ingest.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json"))
	s2.worker.Handle(context.Background(), load[events.SQSEvent](t, "sqs-worker-batch.json"))
	s2.table.PutContact(context.Background(), pipeline.Contact{PatientKey: pk, Email: "p@example.org"})
	s2.mailer.Errs = []error{errors.New("503"), errors.New("503"), errors.New("503"), errors.New("503")}
	resp, _ = s2.notify.Handle(context.Background(), events.SQSEvent{Records: ev.Records[:1]})
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("transient failure not reported: %+v", resp)
	}
}

func TestStatusAndHealth(t *testing.T) {
	s := newStack(t)
	s.ingest.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json"))
	tests := []struct {
		fixture string
		mutate  func(*events.APIGatewayProxyRequest)
		status  int
		want    string
	}{
		{"apigw-status.json", nil, 200, `"status":"RECEIVED"`},
		{"apigw-health.json", nil, 200, `"status":"ok"`},
		{"apigw-status.json", func(r *events.APIGatewayProxyRequest) {
			r.RequestContext.Authorizer["claims"].(map[string]any)["client_id"] = "other-lab"
		}, 404, `"not_found"`},
		{"apigw-status.json", func(r *events.APIGatewayProxyRequest) { r.RequestContext.Authorizer = nil }, 401, `"unauthenticated"`},
		{"apigw-status.json", func(r *events.APIGatewayProxyRequest) { r.PathParameters["result_id"] = "x;drop" }, 400, `"result_id"`},
		{"apigw-status.json", func(r *events.APIGatewayProxyRequest) { r.PathParameters["result_id"] = "res-00000404" }, 404, `"not_found"`},
		{"apigw-health.json", func(r *events.APIGatewayProxyRequest) { r.HTTPMethod = "DELETE" }, 405, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.fixture, tt.status), func(t *testing.T) {
			req := load[events.APIGatewayProxyRequest](t, tt.fixture)
			if tt.mutate != nil {
				tt.mutate(&req)
			}
			resp, err := s.status.Handle(context.Background(), req)
			if err != nil || resp.StatusCode != tt.status || !strings.Contains(resp.Body, tt.want) {
				t.Errorf("got %d %s (%v), want %d containing %s", resp.StatusCode, resp.Body, err, tt.status, tt.want)
			}
		})
	}
}

func TestReportAPIAndInvoke(t *testing.T) {
	s := newStack(t)
	s.ingest.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-ingest-native.json"))
	s.worker.Handle(context.Background(), load[events.SQSEvent](t, "sqs-worker-batch.json"))
	pk := pipeline.PatientKey(secret, "LAB-9", "MRN-777001")
	raw, _ := os.ReadFile("testdata/apigw-report.json")

	api := func(key string) events.APIGatewayProxyResponse {
		out, err := s.report.Handle(context.Background(), json.RawMessage(strings.Replace(string(raw), "PATIENT_KEY_PLACEHOLDER", key, 1)))
		if err != nil {
			t.Fatal(err)
		}
		r, ok := out.(events.APIGatewayProxyResponse)
		if !ok {
			t.Fatalf("API event answered with %T", out)
		}
		return r
	}
	r := api(pk)
	if r.StatusCode != 200 {
		t.Fatalf("report: %d %s", r.StatusCode, r.Body)
	}
	rep := decodeJSON[pipeline.ReportResponse](t, r.Body)
	if rep.URL != "mem://reports/res-00000001.pdf?ttl=900" {
		t.Errorf("report = %+v", rep)
	}
	obj, ok := s.reports.Object("reports/res-00000001.pdf")
	if !ok || !bytes.HasPrefix(obj.Body, []byte("%PDF-")) {
		t.Error("no PDF stored")
	}
	if r := api(strings.Repeat("f", 64)); r.StatusCode != 404 {
		t.Errorf("other patient's report: %d", r.StatusCode)
	}
	if r := api(""); r.StatusCode != 403 {
		t.Errorf("token without patient key: %d", r.StatusCode)
	}

	inv, _ := os.ReadFile("testdata/invoke-report.json")
	out, err := s.report.Handle(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	ir, ok := out.(handler.ReportInvokeResponse)
	if !ok || ir.HTTPStatus != 200 || ir.Report == nil || ir.Report.ResultID != "res-00000001" {
		t.Errorf("invoke = %#v", out)
	}
	out, _ = s.report.Handle(context.Background(), json.RawMessage(`{"result_id":"res-00000404","actor":"u"}`))
	if ir := out.(handler.ReportInvokeResponse); ir.HTTPStatus != 404 || ir.Error == nil || ir.Error.Code != "not_found" {
		t.Errorf("unknown invoke = %+v", ir)
	}
	out, _ = s.report.Handle(context.Background(), json.RawMessage(`{"result_id":"res-00000001"}`))
	if ir := out.(handler.ReportInvokeResponse); ir.HTTPStatus != 400 {
		t.Errorf("invoke without actor = %+v", ir)
	}
	var reads int
	for _, e := range s.audit.Events() {
		if e.Action == pipeline.ActionResultRead || e.Action == pipeline.ActionReportURL {
			reads++
		}
	}
	if reads < 5 { // 2 successful reports x (read + url) + denied + not found
		t.Errorf("%d audited reads/issuances", reads)
	}
}

// TestLogsArePHIFree drives every handler over real corpus messages and checks that nothing
// identifying or clinical reaches the log output.
func TestLogsArePHIFree(t *testing.T) {
	s := newStack(t)
	pk := pipeline.PatientKey(secret, "LAB-9", "MRN-777001")
	s.table.PutContact(context.Background(), pipeline.Contact{PatientKey: pk, Email: "jane.doe@example.org"})
	for _, f := range []string{"apigw-ingest-native.json", "apigw-ingest-hl7-base64.json", "apigw-ingest-fhir.json"} {
		req := load[events.APIGatewayProxyRequest](t, f)
		s.ingest.Handle(context.Background(), req)
		bad := req
		bad.Body = strings.Replace(req.Body, "LAB-9", "", 1)
		s.ingest.Handle(context.Background(), bad)
	}
	var recs []events.SQSMessage
	for i, m := range s.labQ.Drain() {
		recs = append(recs, events.SQSMessage{MessageId: fmt.Sprint("m", i), Body: string(m)})
	}
	s.worker.Handle(context.Background(), events.SQSEvent{Records: recs})
	recs = nil
	for i, m := range s.notQ.Drain() {
		recs = append(recs, events.SQSMessage{MessageId: fmt.Sprint("n", i), Body: string(m)})
	}
	s.notify.Handle(context.Background(), events.SQSEvent{Records: recs})
	raw, _ := os.ReadFile("testdata/apigw-report.json")
	s.report.Handle(context.Background(), json.RawMessage(strings.Replace(string(raw), "PATIENT_KEY_PLACEHOLDER", pk, 1)))
	s.status.Handle(context.Background(), load[events.APIGatewayProxyRequest](t, "apigw-status.json"))

	// Drop the timestamps: "…:04.41…" must not count as the value 4.41.
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		delete(m, "time")
		b, _ := json.Marshal(m)
		lines = append(lines, string(b))
	}
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, `"result_id":"res-00000001"`) || !strings.Contains(out, `"http_status":202`) {
		t.Fatalf("logs lack the operational fields:\n%s", out)
	}
	for _, phi := range []string{
		"MRN-777001", "1980-02-03", "13.2", "Hemoglobin", "jane.doe", // native payload and contact
		"PATID1234", "Jones", "William", "19610615", "4.41", "Knowsalot", // HL7 PID / OBX
		"ACC-2026-0001", "R-991133", "5234342", pk, // accessions and the patient key
		"MSH|", "schema_version", "resourceType",
	} {
		if strings.Contains(out, phi) {
			t.Errorf("log output contains %q", phi)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	base := map[string]string{"RESULTS_TABLE": "results", "AUDIT_TABLE": "audit"}
	with := func(kv ...string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		role    handler.Role
		env     func(string) string
		wantErr []string
		ttl     time.Duration
	}{
		{handler.RoleStatus, with(), nil, 15 * time.Minute},
		{handler.RoleStatus, func(string) string { return "" }, []string{"RESULTS_TABLE", "AUDIT_TABLE"}, 0},
		{handler.RoleIngest, with(), []string{"RAW_BUCKET", "LAB_RESULTS_QUEUE_URL"}, 0},
		{handler.RoleWorker, with("RAW_BUCKET", "b", "NOTIFICATION_QUEUE_URL", "q", "PATIENT_KEY_SECRET", "short"), []string{"PATIENT_KEY_SECRET has 5 bytes"}, 0},
		{handler.RoleWorker, with("RAW_BUCKET", "b", "NOTIFICATION_QUEUE_URL", "q"), []string{"PATIENT_KEY_SECRET_ARN"}, 0},
		{handler.RoleWorker, with("RAW_BUCKET", "b", "NOTIFICATION_QUEUE_URL", "q", "PATIENT_KEY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:k"), nil, 15 * time.Minute},
		{handler.RoleNotify, with("SES_FROM", "no-reply@example.org"), []string{"PORTAL_URL"}, 0},
		{handler.RoleReport, with("REPORTS_BUCKET", "r", "PRESIGN_TTL", "2h"), []string{"PRESIGN_TTL 2h0m0s is out of range"}, 0},
		{handler.RoleReport, with("REPORTS_BUCKET", "r", "PRESIGN_TTL", "3601"), []string{"out of range"}, 0},
		{handler.RoleReport, with("REPORTS_BUCKET", "r", "PRESIGN_TTL", "soon"), []string{"not a duration"}, 0},
		{handler.RoleReport, with("REPORTS_BUCKET", "r", "PRESIGN_TTL", "3600"), nil, time.Hour},
		{handler.RoleReport, with("REPORTS_BUCKET", "r", "PRESIGN_TTL", "10m"), nil, 10 * time.Minute},
		{handler.RoleStatus, with("LOG_LEVEL", "loud"), []string{"LOG_LEVEL"}, 0},
	}
	for _, tt := range tests {
		c, err := handler.LoadConfig(tt.role, tt.env)
		if len(tt.wantErr) == 0 {
			if err != nil || c.PresignTTL != tt.ttl {
				t.Errorf("%s: %v, ttl %s", tt.role, err, c.PresignTTL)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want %v", tt.role, tt.wantErr)
			continue
		}
		for _, w := range tt.wantErr {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.role, err, w)
			}
		}
	}
}
