package awsadapter

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// item is a DynamoDB item under construction or being read.
type item map[string]types.AttributeValue

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}
func b(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }

// fixedTime formats t in UTC with a fixed width so that stored times sort as strings.
func fixedTime(t time.Time) string { return t.UTC().Format(fixedTimeLayout) }

// setS stores v unless it is empty (DynamoDB index keys may not be empty strings).
func (it item) setS(k, v string) {
	if v != "" {
		it[k] = s(v)
	}
}

func (it item) setTime(k string, t time.Time) {
	if !t.IsZero() {
		it[k] = s(fixedTime(t))
	}
}

func (it item) str(k string) string {
	if v, ok := it[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func (it item) boolean(k string) bool {
	if v, ok := it[k].(*types.AttributeValueMemberBOOL); ok {
		return v.Value
	}
	return false
}

func (it item) integer(k string) int {
	if v, ok := it[k].(*types.AttributeValueMemberN); ok {
		i, _ := strconv.ParseInt(v.Value, 10, 64)
		return int(i)
	}
	return 0
}

func (it item) time(k string) time.Time {
	v := it.str(k)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(fixedTimeLayout, v)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, v)
	}
	return t
}

// Record attribute names (record items, sk RECORD).
const (
	aResultID     = "result_id"
	aIdemKey      = "idempotency_key"
	aAccessionKey = "accession_key"
	aSender       = "sender"
	aFormat       = "format"
	aContentType  = "content_type"
	aContentSHA   = "content_sha256"
	aReportStatus = "report_status"
	aRawKey       = "raw_key"
	aStatus       = "status"
	aEnqueued     = "enqueued"
	aSupersedes   = "supersedes"
	aSupersededBy = "superseded_by"
	aPatientKey   = "patient_key"
	aErrorCode    = "error_code"
	aReceivedAt   = "received_at"
	aUpdatedAt    = "updated_at"
	aNotifQueued  = "notification_queued"
	aNStatus      = "n_status"
	aNAttempts    = "n_attempts"
	aNMessageID   = "n_message_id"
	aNErrorCode   = "n_error_code"
	aNLease       = "n_lease_until"
	aNAt          = "n_at"
	aDoc          = "doc"
	aEmail        = "email"
	aItemType     = "type"
)

func recordKey(resultID string) item {
	return item{AttrPK: s(resultPrefix + resultID), AttrSK: s(recordSK)}
}

func patientGSI(patientKey string) string { return patientPrefix + patientKey }

func gsiSort(receivedAt time.Time, resultID string) string {
	return fixedTime(receivedAt) + "#" + resultID
}

func recordItem(r pipeline.Record) item {
	it := recordKey(r.ResultID)
	it[aItemType] = s("record")
	it.setS(aResultID, r.ResultID)
	it.setS(aIdemKey, r.IdempotencyKey)
	it.setS(aAccessionKey, r.AccessionKey)
	it.setS(aSender, r.Sender)
	it.setS(aFormat, r.Format)
	it.setS(aContentType, r.ContentType)
	it.setS(aContentSHA, r.ContentSHA256)
	it.setS(aReportStatus, r.ReportStatus)
	it.setS(aRawKey, r.RawKey)
	it.setS(aStatus, string(r.Status))
	it[aEnqueued] = b(r.Enqueued)
	it.setS(aSupersedes, r.Supersedes)
	it.setS(aSupersededBy, r.SupersededBy)
	it.setS(aPatientKey, r.PatientKey)
	if r.PatientKey != "" {
		it[AttrGSI1PK] = s(patientGSI(r.PatientKey))
		it[AttrGSI1SK] = s(gsiSort(r.ReceivedAt, r.ResultID))
	}
	it.setS(aErrorCode, r.ErrorCode)
	it.setTime(aReceivedAt, r.ReceivedAt)
	it.setTime(aUpdatedAt, r.UpdatedAt)
	it[aNotifQueued] = b(r.NotificationQueued)
	nt := r.Notification
	it.setS(aNStatus, string(nt.Status))
	if nt.Attempts != 0 {
		it[aNAttempts] = n(int64(nt.Attempts))
	}
	it.setS(aNMessageID, nt.MessageID)
	it.setS(aNErrorCode, nt.ErrorCode)
	it.setTime(aNLease, nt.LeaseUntil)
	it.setTime(aNAt, nt.At)
	return it
}

func recordFrom(it item) (pipeline.Record, error) {
	if it.str(AttrSK) != recordSK || it.str(aResultID) == "" {
		return pipeline.Record{}, fmt.Errorf("item %s/%s is not a result record", it.str(AttrPK), it.str(AttrSK))
	}
	return pipeline.Record{
		ResultID:           it.str(aResultID),
		IdempotencyKey:     it.str(aIdemKey),
		AccessionKey:       it.str(aAccessionKey),
		Sender:             it.str(aSender),
		Format:             it.str(aFormat),
		ContentType:        it.str(aContentType),
		ContentSHA256:      it.str(aContentSHA),
		ReportStatus:       it.str(aReportStatus),
		RawKey:             it.str(aRawKey),
		Status:             pipeline.Status(it.str(aStatus)),
		Enqueued:           it.boolean(aEnqueued),
		Supersedes:         it.str(aSupersedes),
		SupersededBy:       it.str(aSupersededBy),
		PatientKey:         it.str(aPatientKey),
		ErrorCode:          it.str(aErrorCode),
		ReceivedAt:         it.time(aReceivedAt),
		UpdatedAt:          it.time(aUpdatedAt),
		NotificationQueued: it.boolean(aNotifQueued),
		Notification: pipeline.Notification{
			Status:     pipeline.NotificationStatus(it.str(aNStatus)),
			Attempts:   it.integer(aNAttempts),
			MessageID:  it.str(aNMessageID),
			ErrorCode:  it.str(aNErrorCode),
			LeaseUntil: it.time(aNLease),
			At:         it.time(aNAt),
		},
	}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
