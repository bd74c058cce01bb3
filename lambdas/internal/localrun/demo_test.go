package localrun_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/localrun"
)

// RunCorpus is what the demo prints; check its rows on a refused, an HL7 v2 and a FHIR file.
func TestRunCorpusRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, _ := newStack(t, "rows", 0)
	var pick []localrun.CorpusFile
	for _, f := range corpus(t) {
		switch f.Name {
		case "fhir-r4-examples/DiagnosticReport-f201.json", "hl7v2/LRI_2.0-NG_CBC_Typ_Message.hl7", "fhir-r4-examples/Bundle-lipids.json":
			pick = append(pick, f)
		}
	}
	if len(pick) != 3 {
		t.Fatalf("corpus lacks the three files this test uses; found %d", len(pick))
	}
	rows, lost, err := st.RunCorpus(ctx, pick)
	if err != nil || lost != 0 || len(rows) != 3 {
		t.Fatalf("RunCorpus = %d rows, %d lost, %v", len(rows), lost, err)
	}
	for _, r := range rows {
		refused := strings.HasPrefix(r.Status, "REFUSED 4")
		switch {
		case r.File == "fhir-r4-examples/DiagnosticReport-f201.json":
			if !refused || r.ResultID != "-" || !strings.Contains(r.Codes, "validation_failed") {
				t.Errorf("refused row %+v", r)
			}
		case r.Status != "READY" || r.Email != "yes" || !strings.HasPrefix(r.Report, "pdf ") || r.Flags == "-" || len(r.ResultID) != 32:
			t.Errorf("row %+v; want READY, e-mail yes, a PDF and flag counts", r)
		}
	}
}
