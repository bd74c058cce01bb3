package localrun

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/test/emulators"
)

// Row is one line of the demo table (codes and counts only).
type Row struct {
	File, Format, ResultID, Status string
	Flags                          string // e.g. "H:2 L:1 N:5"
	Codes                          string // warning codes, or the rejection code and problem count
	Email                          string // yes / no / -
	Report                         string // PDF size when downloaded through the presigned URL
}

// Demo starts the emulators, runs every corpus message through the pipeline, prints the
// table to w and stops the emulators. ok is false when an accepted message was lost.
func Demo(ctx context.Context, w io.Writer, corpusDir string) (ok bool, err error) {
	t0 := time.Now()
	files, err := CorpusFiles(corpusDir)
	if err != nil {
		return false, err
	}
	env, err := emulators.Launch(ctx, emulators.Options{Services: []emulators.Service{
		emulators.S3, emulators.SQS, emulators.DynamoDB, emulators.SES}})
	if err != nil {
		return false, err
	}
	defer func() {
		if cerr := env.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	fmt.Fprintf(w, "emulators up in %s (%s)\n", time.Since(t0).Round(time.Millisecond), formatStartTimes(env.StartTimes()))
	st, err := Setup(ctx, env, &Options{Prefix: "demo"})
	if err != nil {
		return false, err
	}
	rows, lost, err := st.RunCorpus(ctx, files)
	if err != nil {
		return false, err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tFORMAT\tRESULT_ID\tSTATUS\tFLAGS\tWARNINGS/REJECTION\tEMAIL\tREPORT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.File, r.Format, r.ResultID, r.Status, r.Flags, r.Codes, r.Email, r.Report)
	}
	if err := tw.Flush(); err != nil {
		return false, err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Status]++
	}
	fmt.Fprintf(w, "%d messages: %s; %d lost; total %s\n", len(rows), formatCounts(counts), lost, time.Since(t0).Round(time.Millisecond))
	return lost == 0, nil
}

// RunCorpus ingests files, drains the worker, registers a contact per patient, drains the
// notifications, downloads each READY result's PDF and returns one Row per file. lost counts
// accepted messages that ended neither READY, FAILED with a code, nor in a DLQ.
func (st *Stack) RunCorpus(ctx context.Context, files []CorpusFile) (rows []Row, lost int, err error) {
	rows = make([]Row, len(files))
	for i, f := range files {
		rows[i] = Row{File: f.Name, Format: f.Format, ResultID: "-", Flags: "-", Codes: "-", Email: "-", Report: "-"}
		o, err := st.IngestMessage(ctx, f.ContentType, f.Body, fmt.Sprintf("demo-%03d", i))
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", f.Name, err)
		}
		if o.Accepted() {
			rows[i].ResultID = o.ResultID
			continue
		}
		rows[i].Status = fmt.Sprintf("REFUSED %d", o.HTTPStatus)
		rows[i].Codes = o.ErrorCode
		if len(o.Problems) > 0 {
			rows[i].Codes += fmt.Sprintf(" (%d problems)", len(o.Problems))
		}
	}
	if _, err := st.DrainWorker(ctx, 90*time.Second); err != nil {
		return nil, 0, err
	}
	var ids []string
	for _, r := range rows {
		if r.ResultID != "-" {
			ids = append(ids, r.ResultID)
		}
	}
	if _, err := st.RegisterContacts(ctx, ids); err != nil {
		return nil, 0, err
	}
	if _, err := st.DrainNotify(ctx, 90*time.Second); err != nil {
		return nil, 0, err
	}
	labDLQ, err := DLQBodies(ctx, st.LabDLQ)
	if err != nil {
		return nil, 0, err
	}
	for i := range rows {
		r := &rows[i]
		if r.ResultID == "-" {
			continue
		}
		rec, err := st.Results.Get(ctx, r.ResultID)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", r.File, err)
		}
		r.Status = string(rec.Status)
		switch {
		case rec.Status == pipeline.StatusReady:
		case rec.Status == pipeline.StatusFailed && rec.ErrorCode != "":
			r.Codes = rec.ErrorCode
		case containsID(labDLQ, r.ResultID):
			r.Status += " (in DLQ)"
		default:
			lost++
		}
		r.Email = "no"
		if rec.Notification.Status == pipeline.NotifySent {
			r.Email = "yes"
		}
		if rec.Status != pipeline.StatusReady {
			continue
		}
		res, err := st.Results.GetResult(ctx, r.ResultID)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", r.File, err)
		}
		r.Flags, r.Codes = flagSummary(res), issueCodes(res)
		rep, err := st.RequestReport(ctx, r.ResultID, rec.PatientKey)
		if err != nil {
			r.Report = "error"
			continue
		}
		code, pdf, err := Download(ctx, rep.Report.URL)
		if err != nil || code != http.StatusOK || !strings.HasPrefix(string(pdf), "%PDF-") {
			r.Report = fmt.Sprintf("GET %d", code)
			continue
		}
		r.Report = fmt.Sprintf("pdf %dB", len(pdf))
	}
	return rows, lost, nil
}

func containsID(bodies []string, id string) bool {
	for _, b := range bodies {
		if strings.Contains(b, id) {
			return true
		}
	}
	return false
}

func flagSummary(res pipeline.NormalizedResult) string {
	counts := map[string]int{}
	for _, o := range res.Observations {
		f := o.Flag
		if o.Rejected {
			f = "rejected"
		} else if f == "" {
			f = "none"
		}
		counts[f]++
	}
	if len(counts) == 0 {
		return "no observations"
	}
	return formatCounts(counts)
}

func issueCodes(res pipeline.NormalizedResult) string {
	seen := map[string]int{}
	for _, is := range res.Issues {
		seen[is.Code]++
	}
	if len(seen) == 0 {
		return "-"
	}
	return formatCounts(seen)
}

func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func formatStartTimes(m map[emulators.Service]time.Duration) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %s", k, m[emulators.Service(k)].Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}
