package labresult

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// checkNarrative compares the values shown in a DiagnosticReport's
// human-readable narrative table (text.div) with the coded values. A
// narrative line is matched to a result when it starts with the result's
// display text followed by whitespace; the first number after the result's
// unit on that line is the shown value. A difference is a warning: the
// patient or clinician may have read the narrative.
func (p *fhirParser) checkNarrative(r fhirRes) {
	div := jstr(jget(r.obj, "text"), "div")
	// Bounded work: the check is a heuristic, not worth a slow request.
	if div == "" || len(div) > 200_000 || len(p.m.Results) > 500 {
		return
	}
	lines := strings.Split(stripTags(div), "\n")
	if len(lines) > 2000 {
		return
	}
	for i, res := range p.m.Results {
		label := strings.ToLower(strings.TrimSpace(res.Display))
		if label == "" || !res.Numeric {
			continue
		}
		want, err := strconv.ParseFloat(res.Value, 64)
		if err != nil {
			continue
		}
		for _, l := range lines {
			ll := strings.ToLower(strings.TrimSpace(l))
			if !strings.HasPrefix(ll, label) || len(ll) == len(label) || (ll[len(label)] != ' ' && ll[len(label)] != '\t') {
				continue
			}
			rest := strings.Fields(ll[len(label):])
			if res.Unit != "" && len(rest) > 0 && rest[0] == strings.ToLower(res.Unit) {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				continue
			}
			got, err := strconv.ParseFloat(rest[0], 64)
			if err != nil || got == want {
				continue
			}
			p.m.Warnings = append(p.m.Warnings, Issue{
				Severity: SeverityWarning, Field: r.path + ".text.div", Code: CodeNarrativeMismatch,
				Message: fmt.Sprintf("the narrative shows a different value for %s (result %d, %s) than the coded value", truncate(res.Display, 40), i, res.Source),
				Fix:     "regenerate the narrative from the coded values",
			})
			break
		}
	}
}

// stripTags removes XHTML tags and unescapes entities.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return html.UnescapeString(b.String())
}
