package localrun_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/localrun"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/test/emulators"
)

// accepted is one corpus message the ingest handler accepted.
type accepted struct {
	file     localrun.CorpusFile
	body     []byte
	resultID string
}

// ingestCorpus sends every file once and checks the answers: 202 with a result id, or a 4xx
// refusal with a code; never a 5xx (the emulators are up).
func ingestCorpus(t *testing.T, ctx context.Context, st *localrun.Stack, files []localrun.CorpusFile) []accepted {
	t.Helper()
	var out []accepted
	for i, f := range files {
		body := f.Body
		o, err := st.IngestMessage(ctx, f.ContentType, body, "e2e-"+strings.Repeat("0", 4)+string(rune('a'+i%26)))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		switch {
		case o.HTTPStatus == http.StatusAccepted && o.ResultID != "" && !o.Duplicate:
			out = append(out, accepted{file: f, body: body, resultID: o.ResultID})
		case o.HTTPStatus >= 400 && o.HTTPStatus < 500 && o.ErrorCode != "":
			t.Logf("%-50s refused %d %s %v", f.Name, o.HTTPStatus, o.ErrorCode, o.Problems)
		default:
			t.Errorf("%s: ingest answered %+v; want 202 with a result id or a 4xx with an error code", f.Name, o)
		}
	}
	return out
}

func TestCorpusEndToEnd(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, logs := newStack(t, "e2e", 0)
	if err := env.ClearEmails(ctx); err != nil {
		t.Fatal(err)
	}
	files := corpus(t)
	acc := ingestCorpus(t, ctx, st, files)
	if len(acc) == 0 {
		t.Fatalf("none of the %d corpus messages was accepted", len(files))
	}

	// A lab resending the same payload gets the original result id back (200, duplicate).
	for _, a := range acc {
		o, err := st.IngestMessage(ctx, a.file.ContentType, a.body, "e2e-resend")
		if err != nil || o.HTTPStatus != http.StatusOK || !o.Duplicate || o.ResultID != a.resultID {
			t.Errorf("%s resent: %+v, %v; want 200 duplicate of %s", a.file.Name, o, err, a.resultID)
		}
	}

	ws, err := st.DrainWorker(ctx, 60*time.Second)
	if err != nil {
		t.Fatalf("drain worker: %v (stats %+v)", err, ws)
	}
	labDLQ, err := localrun.DLQBodies(ctx, st.LabDLQ)
	if err != nil {
		t.Fatal(err)
	}
	var ready []accepted
	perFormat := map[string]int{}
	for _, a := range acc {
		rec, err := st.Results.Get(ctx, a.resultID)
		if err != nil {
			t.Fatalf("%s: record %s: %v", a.file.Name, a.resultID, err)
		}
		switch {
		case rec.Status == pipeline.StatusReady:
			if rec.PatientKey == "" {
				t.Errorf("%s: READY without a patient key", a.file.Name)
			}
			ready = append(ready, a)
			perFormat[a.file.Format]++
		case rec.Status == pipeline.StatusFailed && rec.ErrorCode != "":
			t.Logf("%-50s FAILED %s", a.file.Name, rec.ErrorCode)
		case inDLQ(labDLQ, a.resultID):
			t.Logf("%-50s in the lab-results DLQ", a.file.Name)
		default:
			t.Errorf("%s: accepted result %s ended %s (error %q), not READY, FAILED with a code, or in the DLQ", a.file.Name, a.resultID, rec.Status, rec.ErrorCode)
		}
	}
	t.Logf("accepted %d of %d messages, READY %d %v, worker %+v", len(acc), len(files), len(ready), perFormat, ws)
	if perFormat["hl7v2"] == 0 || perFormat["fhir-r4"] == 0 {
		t.Errorf("READY per format %v; want at least one HL7 v2 and one FHIR report through the whole pipeline", perFormat)
	}

	ids := make([]string, 0, len(ready))
	for _, a := range ready {
		ids = append(ids, a.resultID)
	}
	if _, err := st.RegisterContacts(ctx, ids); err != nil {
		t.Fatal(err)
	}
	ns, err := st.DrainNotify(ctx, 60*time.Second)
	if err != nil {
		t.Fatalf("drain notify: %v (stats %+v)", err, ns)
	}
	mails, err := env.SentEmails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != len(ready) {
		t.Errorf("SES stored %d e-mails for %d READY results; want exactly one each", len(mails), len(ready))
	}
	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:8080/results/[0-9a-f]+`)
	for _, a := range ready {
		rec, _ := st.Results.Get(ctx, a.resultID)
		if rec.Notification.Status != pipeline.NotifySent || rec.Notification.MessageID == "" {
			t.Errorf("%s: notification %+v; want SENT with a message id", a.file.Name, rec.Notification)
			continue
		}
		i := slices.IndexFunc(mails, func(m emulators.Email) bool { return m.MessageID == rec.Notification.MessageID })
		if i < 0 {
			t.Errorf("%s: SES has no e-mail %s", a.file.Name, rec.Notification.MessageID)
			continue
		}
		m := mails[i]
		if len(m.Destination.To) != 1 || m.Destination.To[0] != localrun.ContactEmail(rec.PatientKey) {
			t.Errorf("%s: e-mail to %v; want the registered contact", a.file.Name, m.Destination.To)
		}
		if !strings.Contains(m.Body.Text, "/results/"+a.resultID) {
			t.Errorf("%s: e-mail does not link to result %s", a.file.Name, a.resultID)
		}
		content := linkRE.ReplaceAllString(m.Subject+"\n"+m.Body.Text+"\n"+m.Body.HTML, "")
		if found := leaks(content, phiNeedles(a.file.Format, a.body), 2); len(found) > 0 {
			t.Errorf("%s: e-mail carries PHI %q", a.file.Name, found)
		}
		if d := regexp.MustCompile(`[0-9]`).FindString(content); d != "" {
			t.Errorf("%s: e-mail carries a digit outside the portal link (a value or date?): %q", a.file.Name, content)
		}
	}

	// Redelivery and resends never announce a result twice.
	for _, a := range ready {
		body, _ := json.Marshal(pipeline.NotifyItem{ResultID: a.resultID})
		if _, err := st.NotifyQueue.Send(ctx, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DrainNotify(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if again, _ := env.SentEmails(ctx); len(again) != len(mails) {
		t.Errorf("after redelivered notifications SES holds %d e-mails; want still %d", len(again), len(mails))
	}

	checkReports(t, ctx, st, ready)

	// The audit trail holds the ingest and the processing of a result, without PHI.
	events, err := st.Audit.EventsOf(ctx, ready[0].resultID)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, e := range events {
		actions[e.Action] = true
	}
	for _, want := range []string{pipeline.ActionIngest, pipeline.ActionProcess, pipeline.ActionNotify, pipeline.ActionReportURL} {
		if !actions[want] {
			t.Errorf("audit of %s lacks %s (has %v)", ready[0].resultID, want, actions)
		}
	}

	// Handler logs carry ids and codes, never identifiers, names or values.
	all := logs.String()
	for _, a := range acc {
		if found := leaks(all, phiNeedles(a.file.Format, a.body), 5); len(found) > 0 {
			t.Errorf("%s: handler logs carry PHI %q", a.file.Name, found)
		}
	}
	t.Logf("corpus end to end: %s", time.Since(start).Round(time.Millisecond))
}

func inDLQ(bodies []string, resultID string) bool {
	for _, b := range bodies {
		if strings.Contains(b, resultID) {
			return true
		}
	}
	return false
}

// checkReports renders every READY result to a PDF, downloads it through the presigned URL
// from s3rver, and checks that an expired URL and another patient's key are refused.
func checkReports(t *testing.T, ctx context.Context, st *localrun.Stack, ready []accepted) {
	t.Helper()
	for _, a := range ready {
		rec, _ := st.Results.Get(ctx, a.resultID)
		resp, err := st.RequestReport(ctx, a.resultID, rec.PatientKey)
		if err != nil {
			t.Errorf("%s: %v", a.file.Name, err)
			continue
		}
		code, pdf, err := localrun.Download(ctx, resp.Report.URL)
		if err != nil || code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("%s: GET presigned report = %d, %d bytes, %v; want 200 and a PDF", a.file.Name, code, len(pdf), err)
		}
		if ttl := time.Until(resp.Report.ExpiresAt); ttl <= 0 || ttl > time.Hour {
			t.Errorf("%s: report URL expires in %s; want within (0, 1h]", a.file.Name, ttl)
		}
	}
	first := ready[0]
	rec, _ := st.Results.Get(ctx, first.resultID)
	if resp, err := st.RequestReport(ctx, first.resultID, "0000"+rec.PatientKey[4:]); err == nil || resp.HTTPStatus != http.StatusNotFound {
		t.Errorf("report for another patient's key answered %d; want 404", resp.HTTPStatus)
	}
	reports := awsadapter.NewBlobStore(env.S3(), s3.NewPresignClient(env.S3()), st.ReportsBucket, "")
	short, err := reports.PresignGet(ctx, pipeline.ReportKey(first.resultID), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	if code, _, err := localrun.Download(ctx, short); err != nil || code != http.StatusForbidden {
		t.Errorf("expired report URL answered %d, %v; want 403 from s3rver", code, err)
	}
}
