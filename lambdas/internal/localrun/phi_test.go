package localrun_test

import (
	"encoding/json"
	"regexp"
	"strings"
)

// phiNeedles extracts identifying strings of one corpus message: patient identifiers, names,
// birth dates and result values. An e-mail or log line that contains one of them as a whole
// word leaks PHI.
func phiNeedles(format string, body []byte) []string {
	var out []string
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= 2 {
			out = append(out, v)
		}
	}
	if format == "hl7v2" {
		text := strings.ReplaceAll(strings.TrimPrefix(string(body), "\ufeff"), "\r", "\n")
		for _, seg := range strings.Split(text, "\n") {
			f := strings.Split(seg, "|")
			get := func(i int) string {
				if i < len(f) {
					return f[i]
				}
				return ""
			}
			switch f[0] {
			case "PID":
				add(strings.Split(get(3), "^")[0])
				for i, c := range strings.Split(get(5), "^") {
					if i < 3 {
						add(c)
					}
				}
				add(get(7))
			case "OBX":
				for _, c := range strings.Split(get(5), "^") {
					add(c)
				}
			}
		}
		return out
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return out
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				walk(k, c)
			}
		case []any:
			for _, c := range t {
				walk(key, c)
			}
		case string:
			switch key {
			case "family", "given", "birthDate", "value":
				add(t)
			case "reference":
				if strings.HasPrefix(t, "Patient/") {
					add(strings.TrimPrefix(t, "Patient/"))
				}
			}
		case float64:
			if key == "value" {
				add(strings.TrimRight(strings.TrimRight(jsonNumber(t), "0"), "."))
			}
		}
	}
	walk("", doc)
	return out
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// leaks returns the needles found in text as whole words (case-insensitive).
func leaks(text string, needles []string, minLen int) []string {
	var found []string
	for _, n := range needles {
		if len(n) < minLen {
			continue
		}
		re := regexp.MustCompile(`(?i)(^|[^A-Za-z0-9])` + regexp.QuoteMeta(n) + `($|[^A-Za-z0-9])`)
		if re.MatchString(text) {
			found = append(found, n)
		}
	}
	return found
}
