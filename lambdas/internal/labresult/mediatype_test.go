package labresult

import (
	"errors"
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
