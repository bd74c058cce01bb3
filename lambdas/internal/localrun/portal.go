package localrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

// ContactEmail is the e-mail address the local stack registers for a patient key. It is
// derived from the opaque key, so it carries no PHI.
func ContactEmail(patientKey string) string {
	if len(patientKey) > 12 {
		patientKey = patientKey[:12]
	}
	return "patient-" + patientKey + "@example.org"
}

// RegisterContacts plays the portal's profile page: every READY result's patient registers
// ContactEmail(patient key). It returns how many contacts it wrote.
func (st *Stack) RegisterContacts(ctx context.Context, resultIDs []string) (int, error) {
	seen := map[string]bool{}
	for _, id := range resultIDs {
		rec, err := st.Results.Get(ctx, id)
		if err != nil {
			return len(seen), fmt.Errorf("register contact of %s: %w", id, err)
		}
		if rec.Status != pipeline.StatusReady || rec.PatientKey == "" || seen[rec.PatientKey] {
			continue
		}
		seen[rec.PatientKey] = true
		if err := st.Results.PutContact(ctx, pipeline.Contact{PatientKey: rec.PatientKey, Email: ContactEmail(rec.PatientKey)}); err != nil {
			return len(seen), err
		}
	}
	return len(seen), nil
}

// RequestReport invokes the report handler as the portal backend does (direct invocation on
// behalf of the signed-in patient).
func (st *Stack) RequestReport(ctx context.Context, resultID, patientKey string) (handler.ReportInvokeResponse, error) {
	resp := st.Report.HandleInvoke(ctx, handler.ReportInvoke{ResultID: resultID, Actor: "portal-user-local", PatientKey: patientKey, RequestID: "local-" + resultID[:8]})
	if resp.HTTPStatus != http.StatusOK || resp.Report == nil {
		code := ""
		if resp.Error != nil {
			code = resp.Error.Code
		}
		return resp, fmt.Errorf("report of %s answered %d (%s)", resultID, resp.HTTPStatus, code)
	}
	return resp, nil
}

// Download GETs a presigned URL as a browser would and returns the status and body.
func Download(ctx context.Context, url string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("download report: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("download report: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil && !errors.Is(err, io.EOF) {
		return resp.StatusCode, nil, fmt.Errorf("download report: %w", err)
	}
	return resp.StatusCode, body, nil
}
