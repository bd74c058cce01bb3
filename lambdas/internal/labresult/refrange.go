package labresult

import (
	"strconv"
	"strings"
)

// parseRangeText reads a reference range written as text: "3.5-5.0",
// "3.5 - 5.0", "4.3 to 6.2", "<5", "<=5", ">10", ">=10". Anything else
// (e.g. "70_105", "negative") is not a numeric range.
func parseRangeText(s string) (lo, hi *float64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil, false
	}
	for _, p := range []string{"<=", ">=", "<", ">"} {
		if strings.HasPrefix(s, p) {
			v, err := parseNumber(strings.TrimSpace(s[len(p):]))
			if err != nil {
				return nil, nil, false
			}
			if p[0] == '<' {
				return nil, &v, true
			}
			return &v, nil, true
		}
	}
	if a, b, found := strings.Cut(strings.ToLower(s), " to "); found {
		return twoNumbers(a, b)
	}
	// a-b where a may itself be negative: split at a '-' that follows a digit.
	for i := 1; i < len(s); i++ {
		if s[i] == '-' {
			prev := strings.TrimRight(s[:i], " ")
			if prev == "" {
				continue
			}
			if c := prev[len(prev)-1]; c >= '0' && c <= '9' || c == '.' {
				return twoNumbers(s[:i], s[i+1:])
			}
		}
	}
	return nil, nil, false
}

func twoNumbers(a, b string) (*float64, *float64, bool) {
	x, err1 := parseNumber(strings.TrimSpace(a))
	y, err2 := parseNumber(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return nil, nil, false
	}
	return &x, &y, true
}

// parseNumber parses a decimal number as written in lab messages (an
// exponent is tolerated for JSON numbers; no hex, no NaN/Inf).
func parseNumber(s string) (float64, error) {
	if s == "" {
		return 0, strconv.ErrSyntax
	}
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
		case (c == '-' || c == '+') && i == 0:
		case (c == 'e' || c == 'E') && digits > 0 && i < len(s)-1:
		case (c == '-' || c == '+') && (s[i-1] == 'e' || s[i-1] == 'E'):
		default:
			return 0, strconv.ErrSyntax
		}
	}
	if digits == 0 {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseFloat(s, 64)
}

// splitComparator splits a leading comparator from a value: "<5" -> "<", "5".
func splitComparator(s string) (string, string) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"<=", ">=", "<", ">", "="} {
		if strings.HasPrefix(s, p) {
			c := p
			if c == "=" {
				c = ""
			}
			return c, strings.TrimSpace(s[len(p):])
		}
	}
	return "", s
}
