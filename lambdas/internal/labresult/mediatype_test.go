package labresult

import (
	"errors"
	"strings"
	"testing"
)

func TestFormatFromContentType(t *testing.T) {
	tests := []struct {
		ct   string
		want Format
	}{
		{"application/json", FormatNative},
		{"application/json; charset=utf-8", FormatNative},
		{"Application/JSON;charset=UTF-8", FormatNative},
		{"application/vnd.labsecure.result+json;version=1", FormatNative},
		{"application/fhir+json", FormatFHIR},
		{"application/fhir+json; fhirVersion=4.0", FormatFHIR},
		{"application/json+fhir", FormatFHIR},
		{"x-application/hl7-v2+er7", FormatHL7v2},
		{"x-application/hl7-v2+er7; charset=us-ascii", FormatHL7v2},
		{"application/hl7-v2", FormatHL7v2},
		{"application/edi-hl7", FormatHL7v2},
	}
	for _, tc := range tests {
		got, err := FormatFromContentType(tc.ct)
		if err != nil || got != tc.want {
			t.Errorf("%q: %v %v, want %v", tc.ct, got, err, tc.want)
		}
	}
	for _, ct := range []string{"", "text/plain", "application/xml", "application/fhir+xml", "application/json; charset=latin1",
		"application/vnd.labsecure.result+json;version=2", "application/fhir+json; fhirVersion=5.0", "application/json;;;=", "multipart/form-data"} {
		_, err := FormatFromContentType(ct)
		var u *UnsupportedMediaTypeError
		if !errors.As(err, &u) || u.ContentType != ct || u.Error() == "" {
			t.Errorf("%q: want *UnsupportedMediaTypeError, got %v", ct, err)
		}
	}
}

func TestParseDispatch(t *testing.T) {
	if _, err := Parse(Format("xml"), []byte("<x/>")); err == nil {
		t.Error("unknown format accepted")
	}
	_, err := Parse(FormatNative, []byte{0xff, 0xfe, '{'})
	requireProblem(t, err, "$", "UTF-8")
	ve := &ValidationError{Format: FormatNative}
	if ve.Error() == "" {
		t.Error("empty error text")
	}
}

func TestValidationErrorTextCarriesNoValues(t *testing.T) {
	_, err := Parse(FormatNative, []byte(`{"schema_version":"1","accession_id":"A","patient_id":"SECRET-PATIENT","lab_id":"L","status":"Q","results":[{"loinc":"x","value":1}]}`))
	msg := err.Error()
	if !strings.Contains(msg, "status") || !strings.Contains(msg, "results[0].loinc") || strings.Contains(msg, "SECRET") || strings.Contains(msg, `"Q"`) {
		t.Errorf("error text %q", msg)
	}
}

func TestRecoverParseTurnsPanicIntoValidationError(t *testing.T) {
	err := func() (err error) {
		defer recoverParse(FormatHL7v2, &err)
		panic("parser bug")
	}()
	requireProblem(t, err, "$", "could not be parsed")
}
