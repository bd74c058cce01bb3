package pipeline

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// RawKey is the BlobStore key of a raw payload: raw/<yyyy>/<mm>/<result_id>. It holds no PHI.
func RawKey(resultID string, receivedAt time.Time) string {
	t := receivedAt.UTC()
	return fmt.Sprintf("raw/%04d/%02d/%s", t.Year(), int(t.Month()), resultID)
}

// ReportKey is the BlobStore key of a rendered PDF: reports/<result_id>.pdf.
func ReportKey(resultID string) string {
	return "reports/" + resultID + ".pdf"
}

// PatientKey is the opaque partition key of a patient: hex HMAC-SHA256 under secret over
// labID and patientID (NUL-separated so that ("ab","c") and ("a","bc") differ).
func PatientKey(secret []byte, labID, patientID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(labID))
	m.Write([]byte{0})
	m.Write([]byte(patientID))
	return hex.EncodeToString(m.Sum(nil))
}

// IdempotencyKey is hex sha256(sender, accession, contentSHA256), NUL-separated.
func IdempotencyKey(sender, accession, contentSHA256 string) string {
	return hashParts(sender, accession, contentSHA256)
}

// AccessionKey is hex sha256(sender, accession): it groups the versions of one report without
// storing the accession number itself.
func AccessionKey(sender, accession string) string {
	return hashParts("accession", sender, accession)
}

// ContentSHA256 is the hex sha256 of a raw body.
func ContentSHA256(body []byte) string {
	s := sha256.Sum256(body)
	return hex.EncodeToString(s[:])
}

func hashParts(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
