package labresult

import (
	"os"
	"path/filepath"
	"testing"
)

// seedCorpus adds every corpus file with the given extension as a seed.
func seedCorpus(f *testing.F, ext string) {
	for _, p := range corpusFiles(f) {
		if filepath.Ext(p) != ext {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// fuzzOne checks that the parsers and Normalize never panic (it calls the
// parsers without Parse's recover, so a panic fails the target) and that
// errors are well formed.
func fuzzOne(t *testing.T, format Format, body []byte) {
	if checkUTF8(format, body) != nil {
		return
	}
	msgs, err := parseAll(format, body)
	if err != nil {
		if ve, ok := err.(*ValidationError); ok {
			for _, p := range ve.Problems {
				if p.Field == "" || p.Fix == "" {
					t.Fatalf("problem without field or fix: %+v", p)
				}
			}
		}
		return
	}
	for _, m := range msgs {
		rep := Normalize(m, fixedNow)
		for _, r := range rep.Results {
			if r.Rejected && r.Numeric {
				t.Fatalf("rejected numeric result %+v", r)
			}
			if r.RangeSource == RangeNone && (r.Flag == FlagNormal || r.Flag == FlagLow || r.Flag == FlagHigh) {
				t.Fatalf("flag without range %+v", r)
			}
		}
	}
	_ = HL7Ack(body, AckError, "fuzz")
}

func FuzzParseNative(f *testing.F) {
	if b, err := os.ReadFile("testdata/native-cmp.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"schema_version":"1","accession_id":"A","patient_id":"P","lab_id":"L","status":"F","results":[{"loinc":"2345-7","value":"<5","unit":"mmol/L","ref_low":3,"ref_high":1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzOne(t, FormatNative, body) })
}

func FuzzParseFHIR(f *testing.F) {
	seedCorpus(f, ".json")
	f.Fuzz(func(t *testing.T, body []byte) { fuzzOne(t, FormatFHIR, body) })
}

func FuzzParseHL7v2(f *testing.F) {
	seedCorpus(f, ".hl7")
	f.Add([]byte("FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1\rPID|||X\rOBR||A|B\rOBX|1|SN|2823-3^K^LN||<^2|mmol/L|3-5|L|||F\rBTS|1\rFTS|1"))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzOne(t, FormatHL7v2, body) })
}
