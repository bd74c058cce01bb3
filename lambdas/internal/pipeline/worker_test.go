package pipeline_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

func TestProcessWritesOpaquePatientKey(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.ingest(t, nativeBody("ACC-10", "F", 13.2))
	e.work(t)
	rec := e.record(t, resp.ResultID)
	if rec.Status != pipeline.StatusReady {
		t.Fatalf("status = %s, want READY", rec.Status)
	}
	want := pipeline.PatientKey(secret, "LAB-9", patientID)
	if rec.PatientKey != want || strings.Contains(rec.PatientKey, patientID) || len(rec.PatientKey) != 64 {
		t.Errorf("patient key = %q, want HMAC %q", rec.PatientKey, want)
	}
	if other := pipeline.PatientKey([]byte(strings.Repeat("x", 32)), "LAB-9", patientID); other == want {
		t.Error("patient key does not depend on the secret")
	}
	res, err := e.table.GetResult(context.Background(), resp.ResultID)
	if err != nil {
		t.Fatal(err)
	}
	if res.PatientKey != want || len(res.Observations) != 2 {
		t.Fatalf("result = %+v", res)
	}
	hgb := res.Observations[0]
	if hgb.Code != "718-7" || hgb.OriginalValue == "" || !hgb.Numeric || hgb.Unit == "" {
		t.Errorf("hemoglobin = %+v", hgb)
	}
	recs, err := e.table.QueryByPatient(context.Background(), want)
	if err != nil || len(recs) != 1 || recs[0].ResultID != resp.ResultID {
		t.Errorf("QueryByPatient = %v, %v", recs, err)
	}
}

func TestProcessPermanentFailure(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.ingest(t, nativeBody("ACC-11", "F", 13.2))
	e.labQ.Drain()
	rec := e.record(t, resp.ResultID)
	// The stored payload is corrupted after acceptance: parsing can never succeed.
	if err := e.raw.Put(context.Background(), rec.RawKey, []byte("{garbage"), jsonCT); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID, RawKey: rec.RawKey}); err != nil {
		t.Fatalf("permanent failure returned %v; it must not be retried", err)
	}
	rec = e.record(t, resp.ResultID)
	if rec.Status != pipeline.StatusFailed || rec.ErrorCode != "parse_failed" {
		t.Errorf("record = %s / %s, want FAILED / parse_failed", rec.Status, rec.ErrorCode)
	}
	if e.notifyQ.Len() != 0 {
		t.Error("a failed result was announced")
	}
	// Redelivery of a FAILED item is a no-op.
	if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID}); err != nil {
		t.Error(err)
	}
}

func TestProcessTransientErrorsAreReturned(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*env, pipeline.Record)
	}{
		{"raw payload missing", func(e *env, r pipeline.Record) {}},
		{"table down", func(e *env, r pipeline.Record) { e.table.Err = errors.New("throttled") }},
		{"notify queue down", func(e *env, r pipeline.Record) { e.notifyQ.SendErr = errors.New("503") }},
		{"unknown result", func(e *env, r pipeline.Record) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			resp := e.ingest(t, nativeBody("ACC-12", "F", 13.2))
			e.labQ.Drain()
			rec := e.record(t, resp.ResultID)
			id := resp.ResultID
			switch tt.name {
			case "raw payload missing":
				rec.RawKey = "raw/2026/03/absent"
				e.table.SetRecord(rec)
			case "unknown result":
				id = "res-99999999"
			}
			tt.setup(e, rec)
			if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: id}); err == nil {
				t.Fatal("transient error swallowed: SQS would delete the message")
			}
		})
	}
}

func TestProcessResumesAfterCrash(t *testing.T) {
	e := newEnv(t, nil)
	e.addContact(t)
	resp := e.ingest(t, nativeBody("ACC-13", "F", 13.2))
	// Crash 1: the worker moved it to PROCESSING and died.
	if err := e.table.Transition(context.Background(), resp.ResultID, []pipeline.Status{pipeline.StatusReceived}, pipeline.StatusProcessing, pipeline.Patch{}); err != nil {
		t.Fatal(err)
	}
	e.work(t)
	if st := e.record(t, resp.ResultID).Status; st != pipeline.StatusReady {
		t.Fatalf("status = %s after redelivery, want READY", st)
	}
	// Crash 2: READY was written but the notification never queued.
	rec := e.record(t, resp.ResultID)
	rec.NotificationQueued, rec.Notification = false, pipeline.Notification{}
	e.table.SetRecord(rec)
	if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID}); err != nil {
		t.Fatal(err)
	}
	if e.notifyQ.Len() != 1 {
		t.Errorf("notification queue has %d items, want 1", e.notifyQ.Len())
	}
}

func TestNotifyCarriesNoPHI(t *testing.T) {
	e := newEnv(t, nil)
	e.addContact(t)
	resp := e.ingest(t, nativeBody("ACC-20", "F", 13.2))
	e.work(t)
	sent := e.mailer.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d mails", len(sent))
	}
	m := sent[0]
	if m.To != "patient@example.org" || m.Subject != "A new lab result is available" {
		t.Errorf("mail = %+v", m)
	}
	link := "https://portal.example.org/results/" + resp.ResultID
	if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, link) {
		t.Errorf("mail lacks the portal link %s: %q", link, m.Text)
	}
	for _, phi := range []string{patientID, "ACC-20", "13.2", "Hemoglobin", "718-7", "1980", "LAB-9", "g/dL"} {
		if strings.Contains(m.Subject+m.Text+m.HTML, phi) {
			t.Errorf("mail contains %q", phi)
		}
	}
	if n := e.record(t, resp.ResultID).Notification; n.Status != pipeline.NotifySent || n.MessageID == "" || n.Attempts != 1 {
		t.Errorf("notification = %+v", n)
	}
}

func TestNotifyRetries(t *testing.T) {
	transient := errors.New("throttled")
	permanent := pipeline.Permanent(errors.New("MessageRejected"))
	tests := []struct {
		name       string
		errs       []error
		wantErr    bool
		wantStatus pipeline.NotificationStatus
		wantSent   int
		wantSleeps []time.Duration
	}{
		{"first try", nil, false, pipeline.NotifySent, 1, nil},
		{"two transient then ok", []error{transient, transient}, false, pipeline.NotifySent, 1,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{"permanent stops at once", []error{permanent}, false, pipeline.NotifyFailed, 0, nil},
		{"all transient -> retry later", []error{transient, transient, transient, transient}, true, pipeline.NotifyRetry, 0,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.addContact(t)
			resp := e.ingest(t, nativeBody("ACC-21", "F", 13.2))
			e.mailer.Errs = tt.errs
			e.labQ.Drain()
			if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID}); err != nil {
				t.Fatal(err)
			}
			e.notifyQ.Drain()
			err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Notify err = %v, wantErr %v", err, tt.wantErr)
			}
			n := e.record(t, resp.ResultID).Notification
			if n.Status != tt.wantStatus || len(e.mailer.Sent()) != tt.wantSent {
				t.Errorf("status %s sent %d, want %s %d", n.Status, len(e.mailer.Sent()), tt.wantStatus, tt.wantSent)
			}
			if len(e.sleeps) != len(tt.wantSleeps) {
				t.Fatalf("sleeps = %v, want %v", e.sleeps, tt.wantSleeps)
			}
			for i := range tt.wantSleeps {
				if e.sleeps[i] != tt.wantSleeps[i] {
					t.Errorf("sleep %d = %s, want %s", i, e.sleeps[i], tt.wantSleeps[i])
				}
			}
			if tt.wantErr { // SQS redelivers: the next call succeeds and counts attempts on
				if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID}); err != nil {
					t.Fatal(err)
				}
				if n := e.record(t, resp.ResultID).Notification; n.Status != pipeline.NotifySent || n.Attempts != 5 {
					t.Errorf("after redelivery: %+v", n)
				}
			}
			// Whatever happened, a further delivery never sends again once decided.
			before := len(e.mailer.Sent())
			if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID}); err != nil {
				t.Fatal(err)
			}
			if len(e.mailer.Sent()) != before {
				t.Error("a decided notification was sent again")
			}
		})
	}
}

func TestNotifyBackoffIsBounded(t *testing.T) {
	e := newEnv(t, func(o *pipeline.Options) {
		o.NotifyAttempts, o.NotifyBaseDelay, o.NotifyMaxDelay = 8, 100*time.Millisecond, time.Second
	})
	e.addContact(t)
	resp := e.ingest(t, nativeBody("ACC-22", "F", 13.2))
	e.labQ.Drain()
	if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID}); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		e.mailer.Errs = append(e.mailer.Errs, errors.New("timeout"))
	}
	if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID}); err == nil {
		t.Fatal("want error after exhausting attempts")
	}
	if len(e.sleeps) != 7 {
		t.Fatalf("%d sleeps for 8 attempts", len(e.sleeps))
	}
	for i, d := range e.sleeps {
		if d > time.Second {
			t.Errorf("sleep %d = %s exceeds the cap", i, d)
		}
	}
	if e.sleeps[6] != time.Second || e.sleeps[0] != 100*time.Millisecond {
		t.Errorf("sleeps = %v", e.sleeps)
	}
}

func TestNotifyEdgeCases(t *testing.T) {
	t.Run("no contact", func(t *testing.T) {
		e := newEnv(t, nil)
		resp := e.ingest(t, nativeBody("ACC-23", "F", 13.2))
		e.work(t)
		if n := e.record(t, resp.ResultID).Notification; n.Status != pipeline.NotifyNoContact || len(e.mailer.Sent()) != 0 {
			t.Errorf("notification = %+v", n)
		}
	})
	t.Run("live claim elsewhere -> retry later, expired claim -> send", func(t *testing.T) {
		e := newEnv(t, nil)
		e.addContact(t)
		resp := e.ingest(t, nativeBody("ACC-24", "F", 13.2))
		e.labQ.Drain()
		if err := e.svc.Process(context.Background(), pipeline.WorkItem{ResultID: resp.ResultID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.table.ClaimNotification(context.Background(), resp.ResultID, e.now, e.now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID}); err == nil {
			t.Error("a live claim of another sender must make this delivery retry, not vanish")
		}
		e.now = e.now.Add(2 * time.Minute)
		if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: resp.ResultID}); err != nil {
			t.Fatal(err)
		}
		if len(e.mailer.Sent()) != 1 {
			t.Errorf("%d mails after the lease ended", len(e.mailer.Sent()))
		}
	})
	t.Run("malformed item", func(t *testing.T) {
		e := newEnv(t, nil)
		if err := e.svc.Notify(context.Background(), pipeline.NotifyItem{ResultID: "../../x"}); err == nil {
			t.Error("malformed item accepted")
		}
	})
}
