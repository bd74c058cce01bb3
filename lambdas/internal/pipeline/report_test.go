package pipeline_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

func TestNewRejectsLongPresignTTL(t *testing.T) {
	tests := []struct {
		ttl time.Duration
		ok  bool
	}{{time.Hour, true}, {time.Second, true}, {0, true}, {time.Hour + time.Second, false}, {-time.Minute, false}}
	for _, tt := range tests {
		_, err := pipeline.New(pipeline.Deps{}, &pipeline.Options{PresignTTL: tt.ttl})
		if (err == nil) != tt.ok {
			t.Errorf("PresignTTL %s: err = %v, want ok=%v", tt.ttl, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "PresignTTL") {
			t.Errorf("error does not name the option: %v", err)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []pipeline.Options{
		{PatientKeySecret: []byte("short")},
		{PortalURL: "http://portal.example.org"},
		{PortalURL: "portal"},
	} {
		if _, err := pipeline.New(pipeline.Deps{}, &o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestReport(t *testing.T) {
	e := newEnv(t, nil)
	ready := e.ingest(t, nativeBody("ACC-30", "F", 13.2))
	e.work(t)
	pending := e.ingest(t, nativeBody("ACC-31", "F", 13.2))
	pk := pipeline.PatientKey(secret, "LAB-9", patientID)

	tests := []struct {
		name   string
		req    pipeline.ReportRequest
		status int
		audit  []string // actions + outcomes appended
	}{
		{"ok", pipeline.ReportRequest{ResultID: ready.ResultID, Actor: "user-1", PatientKey: pk}, 0,
			[]string{"result.read/ok", "report.generate/ok", "report.url.issue/ok"}},
		{"not ready", pipeline.ReportRequest{ResultID: pending.ResultID, Actor: "user-1"}, http.StatusConflict, nil},
		{"unknown", pipeline.ReportRequest{ResultID: "res-00000099", Actor: "user-1"}, http.StatusNotFound, []string{"result.read/not_found"}},
		{"other patient", pipeline.ReportRequest{ResultID: ready.ResultID, Actor: "user-2", PatientKey: strings.Repeat("0", 64)}, http.StatusNotFound, []string{"result.read/denied"}},
		{"bad id", pipeline.ReportRequest{ResultID: "a/../b", Actor: "user-1"}, http.StatusBadRequest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.audit.Events())
			resp, err := e.svc.Report(context.Background(), tt.req)
			if tt.status != 0 {
				wantStatus(t, err, tt.status)
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if resp.URL != "mem://reports/"+ready.ResultID+".pdf?ttl=1800" || !resp.ExpiresAt.Equal(e.now.Add(30*time.Minute)) {
					t.Errorf("resp = %+v", resp)
				}
				obj, ok := e.reports.Object("reports/" + ready.ResultID + ".pdf")
				if !ok || obj.ContentType != "application/pdf" || !strings.HasPrefix(string(obj.Body), "%PDF") {
					t.Errorf("stored report = %+v, %v", obj, ok)
				}
			}
			var got []string
			for _, ev := range e.audit.Events()[before:] {
				got = append(got, ev.Action+"/"+ev.Outcome)
				if ev.Actor != tt.req.Actor || ev.ResultID != tt.req.ResultID || ev.EventID == "" {
					t.Errorf("audit event %+v", ev)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.audit, ",") {
				t.Errorf("audit = %v, want %v", got, tt.audit)
			}
		})
	}
}

func TestReportFailsClosedWithoutAudit(t *testing.T) {
	e := newEnv(t, nil)
	r := e.ingest(t, nativeBody("ACC-32", "F", 13.2))
	e.work(t)
	e.audit.Err = errors.New("audit table down")
	_, err := e.svc.Report(context.Background(), pipeline.ReportRequest{ResultID: r.ResultID, Actor: "u"})
	wantStatus(t, err, http.StatusInternalServerError)
	if e.rendered != 0 || len(e.reports.Keys()) != 0 {
		t.Error("a report was rendered although the read could not be audited")
	}
}

func TestStatus(t *testing.T) {
	e := newEnv(t, nil)
	r := e.ingest(t, nativeBody("ACC-40", "F", 13.2))
	got, err := e.svc.Status(context.Background(), pipeline.StatusRequest{ResultID: r.ResultID, Sender: sender})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != pipeline.StatusReceived || got.ReportStatus != "F" || got.Format != "native-json" {
		t.Errorf("status = %+v", got)
	}
	e.work(t)
	got, _ = e.svc.Status(context.Background(), pipeline.StatusRequest{ResultID: r.ResultID, Sender: sender})
	if got.Status != pipeline.StatusReady || got.Notification != pipeline.NotifyNoContact {
		t.Errorf("status = %+v", got)
	}
	_, err = e.svc.Status(context.Background(), pipeline.StatusRequest{ResultID: r.ResultID, Sender: "other-lab"})
	wantStatus(t, err, http.StatusNotFound)
	reads := 0
	for _, ev := range e.audit.Events() {
		if ev.Action == pipeline.ActionStatusRead {
			reads++
		}
	}
	if reads != 2 {
		t.Errorf("%d status reads audited, want 2", reads)
	}
	e.audit.Err = errors.New("down")
	_, err = e.svc.Status(context.Background(), pipeline.StatusRequest{ResultID: r.ResultID, Sender: sender})
	wantStatus(t, err, http.StatusInternalServerError)
	if h := e.svc.Health(context.Background()); h.Status != "ok" {
		t.Errorf("health = %+v", h)
	}
}
