package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/labresult"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/memstore"
)

const (
	sender    = "lab-client-1"
	patientID = "MRN-777001"
	jsonCT    = "application/json"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// nativeBody is a native JSON report; value varies the content.
func nativeBody(accession, status string, hgb float64) []byte {
	return fmt.Appendf(nil, `{"schema_version":"1","accession_id":%q,"patient_id":%q,"lab_id":"LAB-9","status":%q,
 "test_type":"CBC","patient_sex":"F","patient_birth_date":"1980-02-03","collected_at":"2026-01-02T08:00:00Z",
 "results":[{"loinc":"718-7","value":%g,"unit":"g/dL","display":"Hemoglobin"},
            {"loinc":"6690-2","value":7.1,"unit":"10*3/uL","display":"Leukocytes"}]}`, accession, patientID, status, hgb)
}

type env struct {
	svc      *pipeline.Service
	raw      *memstore.Blobs
	reports  *memstore.Blobs
	labQ     *memstore.Queue
	notifyQ  *memstore.Queue
	table    *memstore.Table
	mailer   *memstore.Mailer
	audit    *memstore.Audit
	sleeps   []time.Duration
	now      time.Time
	rendered int
}

type renderFunc func(pipeline.NormalizedResult) ([]byte, error)

func (f renderFunc) Render(r pipeline.NormalizedResult) ([]byte, error) { return f(r) }

func newEnv(t *testing.T, mod func(*pipeline.Options)) *env {
	t.Helper()
	e := &env{raw: memstore.NewBlobs(), reports: memstore.NewBlobs(), labQ: &memstore.Queue{}, notifyQ: &memstore.Queue{},
		table: memstore.NewTable(), mailer: &memstore.Mailer{}, audit: &memstore.Audit{},
		now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	var mu sync.Mutex
	n := 0
	opts := &pipeline.Options{
		PatientKeySecret: secret, PortalURL: "https://portal.example.org/", PresignTTL: 30 * time.Minute,
		Now: func() time.Time { return e.now },
		NewID: func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("res-%08d", n)
		},
		Sleep:  func(_ context.Context, d time.Duration) error { e.sleeps = append(e.sleeps, d); return nil },
		Jitter: func(d time.Duration) time.Duration { return d }, // worst case, deterministic
	}
	if mod != nil {
		mod(opts)
	}
	r := renderFunc(func(res pipeline.NormalizedResult) ([]byte, error) {
		e.rendered++
		return []byte("%PDF-1.3 " + res.ResultID), nil
	})
	svc, err := pipeline.New(pipeline.Deps{Raw: e.raw, Reports: e.reports, LabQueue: e.labQ, NotifyQueue: e.notifyQ,
		Ingestions: e.table, Results: e.table, Notifications: e.table, Contacts: e.table, Mailer: e.mailer,
		Audit: e.audit, Renderer: r}, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.svc = svc
	return e
}

func (e *env) ingest(t *testing.T, body []byte) pipeline.IngestResponse {
	t.Helper()
	resp, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: body})
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return resp
}

// work runs every queued work item through Process and every notification through Notify.
func (e *env) work(t *testing.T) {
	t.Helper()
	for _, m := range e.labQ.Drain() {
		var it pipeline.WorkItem
		if err := json.Unmarshal(m, &it); err != nil {
			t.Fatalf("work item: %v", err)
		}
		if err := e.svc.Process(context.Background(), it); err != nil {
			t.Fatalf("Process: %v", err)
		}
	}
	for _, m := range e.notifyQ.Drain() {
		var it pipeline.NotifyItem
		if err := json.Unmarshal(m, &it); err != nil {
			t.Fatalf("notify item: %v", err)
		}
		if err := e.svc.Notify(context.Background(), it); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
}

func (e *env) record(t *testing.T, id string) pipeline.Record {
	t.Helper()
	r, err := e.table.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get %s: %v", id, err)
	}
	return r
}

func (e *env) addContact(t *testing.T) {
	t.Helper()
	pk := pipeline.PatientKey(secret, "LAB-9", patientID)
	if err := e.table.PutContact(context.Background(), pipeline.Contact{PatientKey: pk, Email: "patient@example.org"}); err != nil {
		t.Fatal(err)
	}
}

func wantStatus(t *testing.T, err error, status int) *pipeline.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want HTTP %d", status)
	}
	var pe *pipeline.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err %v is %T, want *pipeline.Error", err, err)
	}
	if pe.HTTPStatus != status || pipeline.HTTPStatusOf(err) != status {
		t.Fatalf("status = %d (%s), want %d", pe.HTTPStatus, pe, status)
	}
	return pe
}

func TestIngestErrors(t *testing.T) {
	big := make([]byte, labresult.MaxPayloadBytes+1)
	tests := []struct {
		name      string
		req       pipeline.IngestRequest
		breakPort func(*env)
		status    int
		field     string // a problem must name this field
	}{
		{"no sender", pipeline.IngestRequest{ContentType: jsonCT, Body: nativeBody("A1", "F", 13)}, nil, 401, ""},
		{"too large", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: big}, nil, 413, ""},
		{"unknown content type", pipeline.IngestRequest{Sender: sender, ContentType: "text/csv", Body: []byte("a,b")}, nil, 415, ""},
		{"missing content type", pipeline.IngestRequest{Sender: sender, Body: nativeBody("A1", "F", 13)}, nil, 415, ""},
		{"not JSON", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: []byte("{oops")}, nil, 400, "$"},
		{"missing accession", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT,
			Body: []byte(`{"schema_version":"1","patient_id":"P","lab_id":"L","status":"F","results":[{"loinc":"718-7","value":1,"unit":"g/dL"}]}`)}, nil, 400, "accession_id"},
		{"bad status", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("A1", "X", 13)}, nil, 400, "status"},
		{"table down", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("A1", "F", 13)},
			func(e *env) { e.table.Err = errors.New("throttled") }, 500, ""},
		{"raw bucket down", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("A1", "F", 13)},
			func(e *env) { e.raw.PutErr = errors.New("503") }, 500, ""},
		{"queue down", pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("A1", "F", 13)},
			func(e *env) { e.labQ.SendErr = errors.New("503") }, 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if tt.breakPort != nil {
				tt.breakPort(e)
			}
			_, err := e.svc.Ingest(context.Background(), tt.req)
			pe := wantStatus(t, err, tt.status)
			if tt.field != "" {
				found := false
				for _, p := range pe.Problems {
					found = found || p.Field == tt.field && p.Fix != ""
				}
				if !found {
					t.Errorf("problems %+v do not name field %q with a fix", pe.Problems, tt.field)
				}
			}
			if tt.status == 500 && strings.Contains(pe.Message, "503") {
				t.Errorf("internal detail leaks into the client message: %q", pe.Message)
			}
		})
	}
}

func TestIngestStoresOpaqueKeyAndEnqueues(t *testing.T) {
	e := newEnv(t, nil)
	body := nativeBody("ACC-1", "F", 13.2)
	resp := e.ingest(t, body)
	if resp.Duplicate || resp.Status != pipeline.StatusReceived || resp.Format != string(labresult.FormatNative) {
		t.Errorf("resp = %+v", resp)
	}
	wantKey := "raw/2026/03/" + resp.ResultID
	obj, ok := e.raw.Object(wantKey)
	if !ok || string(obj.Body) != string(body) {
		t.Fatalf("raw payload not under %s; keys %v", wantKey, e.raw.Keys())
	}
	for _, k := range e.raw.Keys() {
		if strings.Contains(k, patientID) || strings.Contains(k, "ACC-1") {
			t.Errorf("key %q carries an identifier", k)
		}
	}
	msgs := e.labQ.Drain()
	if len(msgs) != 1 {
		t.Fatalf("%d queue messages, want 1", len(msgs))
	}
	var it pipeline.WorkItem
	if err := json.Unmarshal(msgs[0], &it); err != nil || it.ResultID != resp.ResultID || it.RawKey != wantKey {
		t.Errorf("work item %s (%v)", msgs[0], err)
	}
	rec := e.record(t, resp.ResultID)
	if !rec.Enqueued || rec.Status != pipeline.StatusReceived || rec.ReportStatus != "F" {
		t.Errorf("record = %+v", rec)
	}
	if ev := e.audit.Events(); len(ev) != 1 || ev[0].Action != pipeline.ActionIngest || ev[0].Actor != sender {
		t.Errorf("audit = %+v", ev)
	}
}

func TestIngestIdempotentNotifiesOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.addContact(t)
	body := nativeBody("ACC-1", "F", 13.2)
	first := e.ingest(t, body)
	e.work(t)
	second := e.ingest(t, body)
	if !second.Duplicate || second.ResultID != first.ResultID || second.Status != pipeline.StatusReady {
		t.Errorf("repeat = %+v, want duplicate of %s in READY", second, first.ResultID)
	}
	if n := e.labQ.Len(); n != 0 {
		t.Errorf("repeat of a processed payload enqueued %d work items", n)
	}
	e.work(t)
	// A redelivered work item must not notify again either.
	if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: first.ResultID}); err != nil {
		t.Fatal(err)
	}
	e.work(t)
	if n := len(e.mailer.Sent()); n != 1 {
		t.Errorf("%d e-mails, want 1", n)
	}
}

func TestIngestResumesAfterFailedEnqueue(t *testing.T) {
	e := newEnv(t, nil)
	body := nativeBody("ACC-2", "F", 13.2)
	e.labQ.SendErr = errors.New("sqs 503")
	_, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: body})
	wantStatus(t, err, http.StatusInternalServerError)
	e.labQ.SendErr = nil
	resp := e.ingest(t, body)
	if resp.ResultID != "res-00000001" || !resp.Duplicate {
		t.Errorf("retry = %+v, want the first result id", resp)
	}
	if e.labQ.Len() != 1 || !e.record(t, resp.ResultID).Enqueued {
		t.Errorf("retry did not enqueue the accepted report (queue %d)", e.labQ.Len())
	}
}

func TestIngestAccessionVersions(t *testing.T) {
	tests := []struct {
		name       string
		first      string
		second     string
		wantStatus int // 0 = accepted as a new version
	}{
		{"different final -> conflict", "F", "F", http.StatusConflict},
		{"preliminary after final -> conflict", "F", "P", http.StatusConflict},
		{"corrected supersedes final", "F", "C", 0},
		{"final supersedes preliminary", "P", "F", 0},
		{"corrected supersedes corrected", "C", "C", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.addContact(t)
			first := e.ingest(t, nativeBody("ACC-3", tt.first, 13.2))
			e.work(t)
			resp, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("ACC-3", tt.second, 9.1)})
			if tt.wantStatus != 0 {
				pe := wantStatus(t, err, tt.wantStatus)
				if !strings.Contains(pe.Message, "corrected") {
					t.Errorf("conflict message does not say how to fix: %q", pe.Message)
				}
				return
			}
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			if resp.ResultID == first.ResultID || resp.Duplicate {
				t.Fatalf("new version = %+v", resp)
			}
			e.work(t)
			if got := e.record(t, first.ResultID).SupersededBy; got != resp.ResultID {
				t.Errorf("old SupersededBy = %q, want %q", got, resp.ResultID)
			}
			if got := e.record(t, resp.ResultID).Supersedes; got != first.ResultID {
				t.Errorf("new Supersedes = %q", got)
			}
			if n := len(e.mailer.Sent()); n != 2 {
				t.Errorf("%d e-mails, want 2 (one per version)", n)
			}
		})
	}
}

func TestIngestSameAccessionOtherSender(t *testing.T) {
	e := newEnv(t, nil)
	e.ingest(t, nativeBody("ACC-4", "F", 13.2))
	resp, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: "other-lab", ContentType: jsonCT, Body: nativeBody("ACC-4", "F", 9.1)})
	if err != nil || resp.Duplicate {
		t.Fatalf("other sender's accession collided: %+v %v", resp, err)
	}
}
