package labresult

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// er7 encoding characters of one HL7 v2 message (MSH-1 and MSH-2).
type er7 struct {
	field, comp, rep, esc, sub byte
}

var defaultER7 = er7{field: '|', comp: '^', rep: '~', esc: '\\', sub: '&'}

// segment is one ER7 segment. fields[0] is the segment name; fields[n] is
// field n as in the HL7 specification (for MSH, fields[1] is the field
// separator itself and fields[2] the encoding characters).
type segment struct {
	name   string
	fields []string
	line   int // 1-based segment number in the input
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// splitSegments strips a UTF-8 byte-order mark and splits ER7 text into
// segment strings, accepting CR, LF and CRLF terminators (and blank lines).
// One pass, one string conversion; the segments are substrings of it.
func splitSegments(body []byte) []string {
	var out []string
	eachSegment(body, func(line string) bool {
		out = append(out, line)
		return true
	})
	return out
}

// eachSegment calls fn with every non-blank segment until fn returns false.
func eachSegment(body []byte, fn func(string) bool) {
	s := string(bytes.TrimPrefix(body, utf8BOM))
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		line := s
		if i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		line = strings.TrimLeft(line, " \t\x00\x0b\x1c")
		line = strings.TrimRight(line, " \t\x00\x1c")
		if line != "" && !fn(line) {
			return
		}
	}
}

// readEncoding reads the delimiters from an MSH, FHS or BHS header.
func readEncoding(header string) (er7, error) {
	if len(header) < 8 {
		return er7{}, fmt.Errorf("header segment %q is too short to hold the field separator and the four encoding characters", truncate(header, 12))
	}
	e := er7{field: header[3], comp: header[4], rep: header[5], esc: header[6], sub: header[7]}
	chars := []byte{e.field, e.comp, e.rep, e.esc, e.sub}
	for i, c := range chars {
		if c < 0x21 || c > 0x7e || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
			return er7{}, fmt.Errorf("encoding character %d (%q) must be printable punctuation", i+1, c)
		}
		for _, d := range chars[:i] {
			if c == d {
				return er7{}, fmt.Errorf("encoding characters %q repeat %q; each delimiter must be distinct", string(chars), c)
			}
		}
	}
	// HL7 2.7 adds a truncation character; anything after it must be the
	// field separator.
	if len(header) > 8 && header[8] != e.field {
		if len(header) > 9 && header[9] != e.field {
			return er7{}, fmt.Errorf("MSH-2 %q holds more than the encoding characters", truncate(header[4:], 8))
		}
	}
	return e, nil
}

// parseSegment splits one segment line into fields.
func (e er7) parseSegment(line string, n int) segment {
	parts := strings.Split(line, string(e.field))
	name := parts[0]
	if name == "MSH" || name == "FHS" || name == "BHS" {
		// Insert the field separator as field 1.
		fields := make([]string, 0, len(parts)+1)
		fields = append(fields, name, string(e.field))
		fields = append(fields, parts[1:]...)
		return segment{name: name, fields: fields, line: n}
	}
	return segment{name: name, fields: parts, line: n}
}

// raw returns field n unparsed ("" if absent).
func (s segment) raw(n int) string {
	if n < 0 || n >= len(s.fields) {
		return ""
	}
	return s.fields[n]
}

// reps returns the repetitions of field n (raw).
func (e er7) reps(s segment, n int) []string {
	f := s.raw(n)
	if f == "" {
		return nil
	}
	if s.name == "MSH" && n <= 2 {
		return []string{f}
	}
	return strings.Split(f, string(e.rep))
}

// get returns field n, repetition rep (0-based), component c and
// subcomponent sc (1-based), unescaped.
func (e er7) get(s segment, n, rep, c, sc int) string {
	if s.name == "MSH" && n <= 2 {
		return s.raw(n)
	}
	f := s.raw(n)
	if f == "" || rep < 0 {
		return ""
	}
	return e.unescape(pick(pick(pick(f, e.rep, rep+1), e.comp, c), e.sub, sc))
}

// comp returns component c of the first repetition of field n.
func (e er7) comp1(s segment, n, c int) string { return e.get(s, n, 0, c, 1) }

// pick returns the i-th (1-based) part of s split by sep.
func pick(s string, sep byte, i int) string {
	for k := 1; k < i; k++ {
		j := strings.IndexByte(s, sep)
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, sep); j >= 0 {
		return s[:j]
	}
	return s
}

// unescape resolves HL7 escape sequences: \F\ \S\ \T\ \R\ \E\, \Xhh..\ hex
// data, \.br\ line breaks; formatting (\H\ \N\ \.sp\ ...) and character-set
// sequences are dropped. A malformed sequence is kept literally.
func (e er7) unescape(s string) string {
	if strings.IndexByte(s, e.esc) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != e.esc {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+1:], e.esc)
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		seq := s[i+1 : i+1+end]
		switch {
		case seq == "F":
			b.WriteByte(e.field)
		case seq == "S":
			b.WriteByte(e.comp)
		case seq == "T":
			b.WriteByte(e.sub)
		case seq == "R":
			b.WriteByte(e.rep)
		case seq == "E":
			b.WriteByte(e.esc)
		case seq == ".br":
			b.WriteByte('\n')
		case seq == "H" || seq == "N" || strings.HasPrefix(seq, ".sp") || strings.HasPrefix(seq, ".in") ||
			strings.HasPrefix(seq, ".ti") || seq == ".fi" || seq == ".nf" || strings.HasPrefix(seq, ".ce") ||
			strings.HasPrefix(seq, ".sk"):
			if strings.HasPrefix(seq, ".sp") {
				b.WriteByte('\n')
			}
		case len(seq) > 1 && seq[0] == 'X' && len(seq)%2 == 1:
			ok := true
			var dec []byte
			for k := 1; k+1 < len(seq); k += 2 {
				v, err := strconv.ParseUint(seq[k:k+2], 16, 8)
				if err != nil {
					ok = false
					break
				}
				dec = append(dec, byte(v))
			}
			if !ok {
				b.WriteString(s[i : i+2+end])
			} else {
				b.Write(dec)
			}
		case len(seq) > 0 && (seq[0] == 'C' || seq[0] == 'M' || seq[0] == 'Z'):
			// character set switches and locally defined escapes: dropped
		default:
			b.WriteString(s[i : i+2+end])
		}
		i += end + 1
	}
	return b.String()
}

// escape is the inverse of unescape for the delimiters (used for ACK text).
func (e er7) escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case e.esc:
			b.WriteString(string(e.esc) + "E" + string(e.esc))
		case e.field:
			b.WriteString(string(e.esc) + "F" + string(e.esc))
		case e.comp:
			b.WriteString(string(e.esc) + "S" + string(e.esc))
		case e.sub:
			b.WriteString(string(e.esc) + "T" + string(e.esc))
		case e.rep:
			b.WriteString(string(e.esc) + "R" + string(e.esc))
		case '\r', '\n':
			b.WriteString(string(e.esc) + ".br" + string(e.esc))
		default:
			if c < 0x20 {
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
