package labresult

import (
	"strings"
	"testing"
)

func TestSplitBatch(t *testing.T) {
	msg := func(id, acc string) string {
		return "MSH|^~\\&|LIS|LAB|LS|LS|20260101120000||ORU^R01|" + id + "|P|2.5.1\nPID|1||MRN1^^^LAB^MR||DOE^JANE||19800101|F\nOBR|1||" + acc + "|58410-2^CBC^LN\nOBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|12.0-15.5|N|||F\n"
	}
	batch := "\ufeffFHS|^~\\&|LIS\r\nBHS|^~\\&|LIS\r\n" + msg("C1", "ACC-1") + msg("C2", "ACC-2") + "BTS|2\r\nFTS|1\r\n"
	parts := SplitBatch([]byte(batch))
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	for i, p := range parts {
		s := string(p)
		if !strings.HasPrefix(s, "MSH|") || strings.Contains(s, "\n") || strings.Contains(s, "BTS") || strings.Contains(s, "\ufeff") {
			t.Errorf("part %d is not a clean CR-terminated message: %q", i, s)
		}
		m, err := Parse(FormatHL7v2, p)
		if err != nil {
			t.Fatalf("part %d does not parse: %v", i, err)
		}
		if want := []string{"ACC-1", "ACC-2"}[i]; m.AccessionID != want {
			t.Errorf("part %d accession %q, want %q", i, m.AccessionID, want)
		}
	}
	// One message stays one part; what cannot be split comes back whole for Parse to judge.
	if got := SplitBatch([]byte(msg("C1", "A"))); len(got) != 1 {
		t.Errorf("single message split into %d parts", len(got))
	}
	for _, bad := range []string{"PID|1\rMSH|^~\\&|X\r", "BHS|^~\\&\rBTS|0\r", ""} {
		if got := SplitBatch([]byte(bad)); len(got) != 1 || string(got[0]) != bad {
			t.Errorf("SplitBatch(%q) = %q, want the body back whole", bad, got)
		}
	}
}
