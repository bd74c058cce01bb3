package localrun_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/localrun"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/test/emulators"
)

func TestPoisonMessageLandsInDLQ(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, _ := newStack(t, "poison", 0)
	poison := []string{`not json at all`, `{"result_id":"deadbeefdeadbeef","key":"raw/2026/11/deadbeefdeadbeef"}`, `{"result_id":"../../etc"}`}
	for _, p := range poison {
		if _, err := st.LabQueue.Send(ctx, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := st.DrainWorker(ctx, 60*time.Second)
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	// Each poison message is received maxReceiveCount (3) times, fails every time and then
	// sits in the DLQ; none is deleted as handled.
	if stats.Succeeded != 0 || stats.Failed != 3*len(poison) {
		t.Errorf("worker stats %+v; want %d failures (3 receives each) and no success", stats, 3*len(poison))
	}
	dlq, err := localrun.DLQBodies(ctx, st.LabDLQ)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range poison {
		if !contains(dlq, p) {
			t.Errorf("poison message %q is not in the DLQ (DLQ holds %q)", p, dlq)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestEmulatorOutagesLoseNothing stops SQS and then S3 during ingestion, DynamoDB during
// processing and SES during notification. A lab client retries refused (5xx) submissions;
// every accepted result must end READY (or FAILED with a code, or in a DLQ), and every READY
// one notified exactly once or sitting in the notification DLQ.
func TestEmulatorOutagesLoseNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, _ := newStack(t, "outage", 1)
	files := corpus(t)
	// A few messages per outage are enough: each refused call spends the SDK's retries.
	const per = 4
	acc := ingestCorpus(t, ctx, st, files[2*per:])
	for _, svc := range []emulators.Service{emulators.SQS, emulators.S3} {
		batch := files[:per]
		if svc == emulators.S3 {
			batch = files[per : 2*per]
		}
		acc = append(acc, ingestThroughOutage(t, ctx, st, svc, batch)...)
	}

	// DynamoDB Local goes away while the worker runs: one batch fails and stays queued.
	if err := env.Stop(emulators.DynamoDB); err != nil {
		t.Fatal(err)
	}
	if s, err := st.PumpWorker(ctx, 1); err != nil || s.Failed == 0 || s.Succeeded != 0 {
		t.Errorf("worker during the DynamoDB outage: %+v, %v; want only failures", s, err)
	}
	if err := env.Restart(ctx, emulators.DynamoDB); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DrainWorker(ctx, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	labDLQ, _ := localrun.DLQBodies(ctx, st.LabDLQ)
	var readyIDs []string
	for _, a := range acc {
		rec, err := st.Results.Get(ctx, a.resultID)
		if err != nil {
			t.Fatalf("%s: %v", a.file.Name, err)
		}
		switch {
		case rec.Status == pipeline.StatusReady:
			readyIDs = append(readyIDs, a.resultID)
		case rec.Status == pipeline.StatusFailed && rec.ErrorCode != "", inDLQ(labDLQ, a.resultID):
		default:
			t.Errorf("%s: accepted result lost: status %s, not in the DLQ", a.file.Name, rec.Status)
		}
	}
	if len(readyIDs) == 0 {
		t.Fatal("no result READY after the outages")
	}

	if _, err := st.RegisterContacts(ctx, readyIDs); err != nil {
		t.Fatal(err)
	}
	if err := env.Stop(emulators.SES); err != nil {
		t.Fatal(err)
	}
	s, err := st.PumpNotify(ctx, 1)
	if err != nil || s.Failed == 0 || s.Succeeded != 0 {
		t.Errorf("notify during the SES outage: %+v, %v; want only failures", s, err)
	}
	if err := env.Restart(ctx, emulators.SES); err != nil { // the restarted emulator's store is empty
		t.Fatal(err)
	}
	if _, err := st.DrainNotify(ctx, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	notifyDLQ, _ := localrun.DLQBodies(ctx, st.NotifyDLQ)
	mails, _ := env.SentEmails(ctx)
	sent := 0
	for _, id := range readyIDs {
		rec, _ := st.Results.Get(ctx, id)
		switch {
		case rec.Notification.Status == pipeline.NotifySent:
			sent++
		case inDLQ(notifyDLQ, id):
			t.Logf("%s: notification in the DLQ after the SES outage", id)
		default:
			t.Errorf("%s: notification %+v, not SENT and not in the DLQ", id, rec.Notification)
		}
	}
	links := 0
	for _, m := range mails {
		links += strings.Count(m.Body.Text, "/results/")
	}
	if len(mails) != sent || links != sent {
		t.Errorf("SES holds %d e-mails (%d links) for %d SENT notifications; want one each", len(mails), links, sent)
	}
	t.Logf("outage run: %d accepted, %d READY, %d e-mails, %d in lab DLQ, %d in notify DLQ", len(acc), len(readyIDs), sent, len(labDLQ), len(notifyDLQ))
}

// ingestThroughOutage submits files while svc is stopped (valid ones must be refused with a
// 5xx, never accepted), restarts svc and resubmits the refused ones as a lab client would.
func ingestThroughOutage(t *testing.T, ctx context.Context, st *localrun.Stack, svc emulators.Service, files []localrun.CorpusFile) []accepted {
	t.Helper()
	if err := env.Stop(svc); err != nil {
		t.Fatal(err)
	}
	var retry []localrun.CorpusFile
	for _, f := range files {
		o, err := st.IngestMessage(ctx, f.ContentType, f.Body, "outage")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case o.HTTPStatus >= 500:
			retry = append(retry, f)
		case o.HTTPStatus == http.StatusAccepted:
			t.Errorf("%s accepted (202) while %s was down", f.Name, svc)
		}
	}
	if len(retry) == 0 {
		t.Errorf("no submission was refused with a 5xx while %s was down", svc)
	}
	if err := env.Restart(ctx, svc); err != nil {
		t.Fatal(err)
	}
	var out []accepted
	for _, f := range retry {
		o, err := st.IngestMessage(ctx, f.ContentType, f.Body, "retry")
		if err != nil {
			t.Fatal(err)
		}
		if o.Accepted() {
			out = append(out, accepted{file: f, body: f.Body, resultID: o.ResultID})
		} else {
			t.Errorf("%s: retry after the %s outage answered %d %s", f.Name, svc, o.HTTPStatus, o.ErrorCode)
		}
	}
	return out
}
