package labresult

import "testing"

func TestLOINCCheckDigit(t *testing.T) {
	for _, c := range []string{"718-7", "2345-7", "2093-3", "6690-2", "26464-8", "14647-2", "13457-7", "3016-3", "58410-2", "24323-8", "1554-5", "11273-0"} {
		if !loincCheckDigitOK(c) {
			t.Errorf("%s rejected", c)
		}
	}
	for _, c := range []string{"718-8", "2345-1", "12-34", "abc-1", "7187", ""} {
		if loincCheckDigitOK(c) {
			t.Errorf("%s accepted", c)
		}
	}
	// every code in the tables must carry a valid check digit (catches typos)
	for code := range analyteIndex {
		if !loincCheckDigitOK(code) {
			t.Errorf("table code %s has a bad check digit", code)
		}
	}
	for code, q := range qualitative {
		if !loincCheckDigitOK(code) || !loincCheckDigitOK(q.Meant) {
			t.Errorf("qualitative code %s / %s has a bad check digit", code, q.Meant)
		}
	}
}
