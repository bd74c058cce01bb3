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
	{"Test", 52, "L"}, {"LOINC", 16, "L"}, {"Result", 26, "R"}, {"Unit", 22, "L"}, {"Reference range", 28, "C"}, {"Range", 12, "C"}, {"Flag", 14, "C"},
}

// lineH is the height of one text line in a table row (mm); maxLines bounds a cell.
const (
	lineH    = 4.5
	maxLines = 6
)

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
		abnormal := o.Flag != "" && o.Flag != "N" && o.Flag != "N/A"
		name := o.Name
		if name == "" {
			name = o.Code
		}
		result, unit := resultText(o)
		cells := []string{name, o.Code, result, unit, rangeText(o), rangeSource(o.RangeSource), flagText(o)}
		// Wrap every cell; the row is as tall as its tallest cell (bounded).
		lines := make([][]string, len(cells))
		rows := 1
		for i, c := range cols {
			pdf.SetFont("Helvetica", styleOf(abnormal, i), 8.5)
			lines[i] = wrap(pdf, tr(cells[i]), c.w-2)
			rows = max(rows, len(lines[i]))
		}
		h := float64(rows)*lineH + 1.5
		if pdf.GetY()+h > pageH-25 {
			pdf.AddPage()
			header()
		}
		x0, y0 := pdf.GetX(), pdf.GetY()
		x := x0
		for i, c := range cols {
			pdf.SetTextColor(0, 0, 0)
			if abnormal && (i == 2 || i == 6) {
				pdf.SetTextColor(170, 0, 0)
			}
			pdf.SetFont("Helvetica", styleOf(abnormal, i), 8.5)
			pdf.Rect(x, y0, c.w, h, "D")
			for k, l := range lines[i] {
				pdf.SetXY(x, y0+0.75+float64(k)*lineH)
				pdf.CellFormat(c.w, lineH, l, "", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(x0, y0+h)
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

// styleOf is the font style of column i: bold result and flag for abnormal rows.
func styleOf(abnormal bool, i int) string {
	if abnormal && (i == 2 || i == 6) {
		return "B"
	}
	return ""
}

// wrap splits s into lines of at most w mm (at most maxLines; the last one shortened).
func wrap(pdf *fpdf.Fpdf, s string, w float64) []string {
	if s == "" {
		return []string{""}
	}
	lines := pdf.SplitText(s, w)
	if len(lines) == 0 {
		return []string{""}
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = fit(pdf, lines[maxLines-1]+" ...", w)
	}
	for i, l := range lines { // SplitText cannot break a word longer than w
		lines[i] = fit(pdf, l, w)
	}
	return lines
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
