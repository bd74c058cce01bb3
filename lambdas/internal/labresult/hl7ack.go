package labresult

import (
	"strings"
	"time"
)

// HL7Ack builds an original-mode HL7 v2 acknowledgment (ACK) for original:
// MSH with sending and receiving application/facility swapped, MSA with code
// and the original MSH-10 control id, and an ERR segment when code is not AA.
// It uses the original's delimiters and version and still answers (with a
// minimal MSH and the default delimiters) when the original is garbage. text
// goes into MSA-3 and ERR and must not carry patient data. Segments end in CR.
func HL7Ack(original []byte, code AckCode, text string) []byte {
	return hl7AckAt(original, code, text, time.Now().UTC())
}

func hl7AckAt(original []byte, code AckCode, text string, now time.Time) []byte {
	switch code {
	case AckAccept, AckError, AckReject:
	default:
		code = AckReject
	}
	e := defaultER7
	var msh segment
	haveMSH := false
	eachSegment(original, func(l string) bool {
		if strings.HasPrefix(l, "MSH") {
			if enc, err := readEncoding(l); err == nil {
				e = enc
				msh = e.parseSegment(l, 1)
				haveMSH = true
			}
			return false
		}
		return true
	})
	f := string(e.field)
	rawField := func(n int) string {
		if !haveMSH {
			return ""
		}
		return sanitizeField(msh.raw(n), e)
	}
	ver := "2.5.1"
	if v := rawField(12); v != "" {
		ver = v
	}
	processing := "P"
	if p := rawField(11); p != "" {
		processing = p
	}
	control := rawField(10)
	ackControl := "ACK" + now.Format("20060102150405.000")
	ackControl = strings.ReplaceAll(ackControl, ".", "")
	encChars := string([]byte{e.comp, e.rep, e.esc, e.sub})
	fields := []string{
		"MSH" + f + encChars,
		rawField(5), rawField(6), // sending app/facility = original receiver
		rawField(3), rawField(4), // receiving app/facility = original sender
		now.Format("20060102150405-0700"),
		"",
		"ACK" + string(e.comp) + trigger(msh, e, haveMSH) + string(e.comp) + "ACK",
		ackControl,
		processing,
		ver,
	}
	var b strings.Builder
	b.WriteString(strings.Join(fields, f))
	b.WriteByte('\r')
	b.WriteString("MSA" + f + string(code) + f + control)
	if text != "" {
		b.WriteString(f + e.escape(truncate(text, 80)))
	}
	b.WriteByte('\r')
	if code != AckAccept {
		// ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message.
		errCode := "207" + string(e.comp) + "Application internal error" + string(e.comp) + "HL70357"
		if code == AckReject {
			errCode = "200" + string(e.comp) + "Unsupported message type" + string(e.comp) + "HL70357"
			if haveMSH {
				errCode = "102" + string(e.comp) + "Data type error" + string(e.comp) + "HL70357"
			}
		}
		b.WriteString("ERR" + f + f + f + errCode + f + "E" + f + f + f + f + e.escape(truncate(text, 200)))
		b.WriteByte('\r')
	}
	return []byte(b.String())
}

func trigger(msh segment, e er7, have bool) string {
	if !have {
		return "R01"
	}
	if t := sanitizeField(e.comp1(msh, 9, 2), e); t != "" {
		return t
	}
	return "R01"
}

// sanitizeField keeps a copied field free of segment terminators and caps
// its length.
func sanitizeField(s string, e er7) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r < 0x20 {
			return -1
		}
		return r
	}, s)
	if len(s) > 199 {
		s = s[:199]
	}
	return s
}
