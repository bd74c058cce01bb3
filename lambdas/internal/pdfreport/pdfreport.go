// Package pdfreport renders a normalized lab result (pipeline.NormalizedResult) as a PDF:
// one table row per observation with the normalized value, UCUM unit, reference range, where
// the range came from and the abnormal / critical flag, followed by the normalization notes.
// It uses only the PDF core fonts (no files), so it runs in a Lambda without assets, and the
// output is byte-for-byte deterministic for a given result.
package pdfreport

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Options tune a Renderer. A nil *Options means all defaults.
type Options struct {
	// Organization is printed in the header. Default: "LabSecure".
	Organization string
	// Uncompressed writes plain-text content streams (tests read them). Default: compressed.
	Uncompressed bool
}

// Renderer implements pipeline.Renderer.
type Renderer struct{ o Options }

var _ pipeline.Renderer = (*Renderer)(nil)

// New returns a Renderer.
func New(opts *Options) *Renderer {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Organization == "" {
		o.Organization = "LabSecure"
	}
	return &Renderer{o: o}
}

// column widths in mm (A4 portrait, 20 mm margins: 170 mm usable).
var cols = []struct {
	title string
	w     float64
	align string
}{
	{"Test", 56, "L"}, {"Result", 26, "R"}, {"Unit", 24, "L"}, {"Reference range", 34, "C"}, {"Range", 14, "C"}, {"Flag", 16, "C"},
}

// Render returns the PDF bytes of res. It never panics; a rendering fault is an error.
func (r *Renderer) Render(res pipeline.NormalizedResult) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("render report %s: %v", res.ResultID, p)
		}
	}()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252 for the core fonts
	stamp := res.NormalizedAt
	if stamp.IsZero() {
		stamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(!r.o.Uncompressed)
	pdf.SetTitle("Laboratory report "+res.ResultID, true)
	pdf.SetAuthor(r.o.Organization, true)
	pdf.SetProducer("labsecure pdfreport", true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "I", 7)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, tr("Confidential: protected health information. Result "+res.ResultID), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d/{nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, tr(r.o.Organization+" - Laboratory report"), "", 1, "L", false, 0, "")
	if res.ReportStatus == "C" {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.SetTextColor(160, 0, 0)
		pdf.CellFormat(0, 6, "CORRECTED REPORT - replaces an earlier version", "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.SetFont("Helvetica", "", 9)
	meta := [][2]string{
		{"Result ID", res.ResultID},
		{"Laboratory", res.LabID},
		{"Report status", statusName(res.ReportStatus)},
		{"Collected", dateOrDash(res.CollectedAt)},
		{"Reported", dateOrDash(res.ReportedAt)},
		{"Processed", dateOrDash(res.NormalizedAt)},
	}
	for _, m := range meta {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(32, 5, m[0], "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 5, tr(m[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)

	header := func() {
		pdf.SetFont("Helvetica", "B", 8.5)
		pdf.SetFillColor(225, 230, 240)
		for _, c := range cols {
			pdf.CellFormat(c.w, 7, c.title, "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
	}
	header()
	_, pageH := pdf.GetPageSize()
	for _, o := range res.Observations {
		if pdf.GetY() > pageH-35 {
			pdf.AddPage()
			header()
		}
		abnormal := o.Flag != "" && o.Flag != "N" && o.Flag != "N/A"
		name := o.Name
		if name == "" {
			name = o.Code
		} else if o.Code != "" {
			name += " (" + o.Code + ")"
		}
		result, unit := resultText(o)
		cells := []string{name, result, unit, rangeText(o), rangeSource(o.RangeSource), flagText(o)}
		for i, c := range cols {
			style := ""
			pdf.SetTextColor(0, 0, 0)
			if abnormal && (i == 1 || i == 5) {
				style = "B"
				pdf.SetTextColor(170, 0, 0)
			}
			pdf.SetFont("Helvetica", style, 8.5)
			pdf.CellFormat(c.w, 6, fit(pdf, tr(cells[i]), c.w-2), "1", 0, c.align, false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "", 7.5)
	pdf.MultiCell(0, 4, "Flags: N normal, L low, H high, LL critically low, HH critically high, A abnormal, "+
		"N/A no reference range (no flag computed). Range: lab = range sent by the laboratory, table = "+
		"reference table of this service, - = none.", "", "L", false)
	if res.Critical {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.SetTextColor(170, 0, 0)
		pdf.MultiCell(0, 5, "This report contains critical values. Contact your care provider.", "", "L", false)
		pdf.SetTextColor(0, 0, 0)
	}
	if len(res.Issues) > 0 {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(0, 5, "Notes from result normalization", "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 8)
		for _, is := range res.Issues {
			pdf.MultiCell(0, 4, tr(fmt.Sprintf("- [%s] %s: %s", is.Severity, is.Field, is.Message)), "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render report %s: %w", res.ResultID, err)
	}
	return buf.Bytes(), nil
}

func resultText(o pipeline.Observation) (string, string) {
	switch {
	case o.Rejected:
		v := strings.TrimSpace(o.OriginalValue + " " + o.OriginalUnit)
		return "not reported", "sent: " + v
	case !o.Numeric:
		if o.Text != "" {
			return o.Text, o.Unit
		}
		return o.OriginalValue, o.Unit
	}
	return o.Comparator + Number(o.Value), o.Unit
}

func rangeText(o pipeline.Observation) string {
	switch {
	case o.RefLow != nil && o.RefHigh != nil:
		return Number(*o.RefLow) + " - " + Number(*o.RefHigh)
	case o.RefLow != nil:
		return ">= " + Number(*o.RefLow)
	case o.RefHigh != nil:
		return "<= " + Number(*o.RefHigh)
	}
	return "-"
}

func rangeSource(s string) string {
	switch {
	case s == "sender":
		return "lab"
	case strings.HasPrefix(s, "table"):
		return "table"
	}
	return "-"
}

func flagText(o pipeline.Observation) string {
	f := o.Flag
	if f == "" {
		f = "N/A"
	}
	if o.Critical {
		f += " !"
	}
	return f
}

func statusName(s string) string {
	switch s {
	case "F":
		return "final"
	case "P":
		return "preliminary"
	case "C":
		return "corrected"
	}
	return s
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// Number formats a value without float noise: at most 4 decimals, trailing zeros trimmed.
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	s := strconv.FormatFloat(v, 'f', 4, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// fit shortens s with "..." until it fits w mm in the current font.
func fit(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"...") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
