package labresult

import (
	"mime"
	"strings"
)

// FormatFromContentType maps an HTTP Content-Type header to a Format:
//
//   - application/json and application/vnd.<anything>+json (e.g.
//     application/vnd.labsecure.result+json;version=1) -> FormatNative
//   - application/fhir+json, application/json+fhir -> FormatFHIR
//   - x-application/hl7-v2+er7, application/hl7-v2, application/hl7-v2+er7,
//     application/edi-hl7 -> FormatHL7v2
//
// Parameters (charset, version, fhirVersion) are parsed with
// mime.ParseMediaType; a charset other than UTF-8 (or US-ASCII) and a native
// version other than 1 are refused. Anything else is an
// *UnsupportedMediaTypeError (HTTP 415).
func FormatFromContentType(contentType string) (Format, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "the Content-Type header is missing"}
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "the Content-Type header is malformed: " + err.Error()}
	}
	if cs, ok := params["charset"]; ok {
		switch strings.ToLower(cs) {
		case "utf-8", "utf8", "us-ascii":
		default:
			return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "charset " + cs + " is not supported; send UTF-8"}
		}
	}
	var f Format
	switch {
	case mt == "application/fhir+json" || mt == "application/json+fhir":
		f = FormatFHIR
		if v, ok := params["fhirversion"]; ok && v != "4.0" && v != "4.0.1" {
			return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "fhirVersion " + v + " is not supported; send FHIR R4 (4.0)"}
		}
	case mt == "application/json" || (strings.HasPrefix(mt, "application/vnd.") && strings.HasSuffix(mt, "+json")):
		f = FormatNative
		if v, ok := params["version"]; ok && v != NativeSchemaVersion {
			return "", &UnsupportedMediaTypeError{ContentType: contentType, Reason: "native schema version " + v + " is not supported; send version=" + NativeSchemaVersion}
		}
	case mt == "x-application/hl7-v2+er7" || mt == "application/hl7-v2" || mt == "application/hl7-v2+er7" ||
		mt == "application/edi-hl7" || mt == "application/x-hl7":
		f = FormatHL7v2
	default:
		return "", &UnsupportedMediaTypeError{ContentType: contentType}
	}
	return f, nil
}
