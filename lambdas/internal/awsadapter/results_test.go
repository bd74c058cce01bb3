package awsadapter_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

var seq atomic.Int64

// newRecord returns a RECEIVED record with fresh keys.
func newRecord(accession string) pipeline.Record {
	id := fmt.Sprintf("res-%d-%d", time.Now().UnixNano(), seq.Add(1))
	at := time.Date(2026, 11, 22, 9, 0, int(seq.Load()), 0, time.UTC)
	return pipeline.Record{
		ResultID: id, IdempotencyKey: "idem-" + id, AccessionKey: accession, Sender: "lab-client",
		Format: "fhir-r4", ContentType: "application/fhir+json", ContentSHA256: "sha-" + id, ReportStatus: "F",
		RawKey: pipeline.RawKey(id, at), Status: pipeline.StatusReceived, ReceivedAt: at, UpdatedAt: at,
	}
}

func store() *awsadapter.ResultStore { return awsadapter.NewResultStore(env.DynamoDB(), resultsTable) }

func TestCreateIngestion(t *testing.T) {
	ctx := testCtx(t)
	st := store()
	acc1 := fmt.Sprintf("acc-1-%d", seq.Add(1))
	first := newRecord(acc1)
	if err := st.CreateIngestion(ctx, first); err != nil {
		t.Fatalf("first ingestion: %v", err)
	}
	got, err := st.Get(ctx, first.ResultID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResultID != first.ResultID || got.Status != pipeline.StatusReceived || !got.ReceivedAt.Equal(first.ReceivedAt) ||
		got.RawKey != first.RawKey || got.IdempotencyKey != first.IdempotencyKey || got.Enqueued {
		t.Errorf("Get = %+v; want the created record", got)
	}
	correction := newRecord(acc1)
	correction.Supersedes = first.ResultID

	tests := []struct {
		name string
		rec  func() pipeline.Record
		want error
	}{
		{"same idempotency key", func() pipeline.Record { r := newRecord(acc1); r.IdempotencyKey = first.IdempotencyKey; return r }, pipeline.ErrDuplicate},
		{"head exists but no supersedes", func() pipeline.Record { return newRecord(acc1) }, pipeline.ErrAccessionMoved},
		{"supersedes a stale head", func() pipeline.Record { r := newRecord(acc1); r.Supersedes = "res-other"; return r }, pipeline.ErrAccessionMoved},
		{"result id reused", func() pipeline.Record { r := newRecord("acc-2"); r.ResultID = first.ResultID; return r }, pipeline.ErrConditionFailed},
		{"correction of the head", func() pipeline.Record { return correction }, nil},
		{"second correction of the old head", func() pipeline.Record { r := newRecord(acc1); r.Supersedes = first.ResultID; return r }, pipeline.ErrAccessionMoved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.CreateIngestion(ctx, tt.rec())
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CreateIngestion err = %v; want %v", err, tt.want)
			}
		})
	}
	head, err := st.GetAccessionHead(ctx, acc1)
	if err != nil || head.ResultID != correction.ResultID {
		t.Errorf("head = %s, %v; want the correction %s", head.ResultID, err, correction.ResultID)
	}
	old, _ := st.Get(ctx, first.ResultID)
	if old.SupersededBy != correction.ResultID {
		t.Errorf("superseded_by = %q; want %q", old.SupersededBy, correction.ResultID)
	}
	byKey, err := st.GetByIdempotencyKey(ctx, first.IdempotencyKey)
	if err != nil || byKey.ResultID != first.ResultID {
		t.Errorf("GetByIdempotencyKey = %s, %v", byKey.ResultID, err)
	}
	if _, err := st.GetByIdempotencyKey(ctx, "idem-none"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("unknown idempotency key err = %v", err)
	}
	if _, err := st.GetAccessionHead(ctx, "acc-none"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("unknown accession err = %v", err)
	}
}

func TestCreateIngestionRace(t *testing.T) {
	ctx := testCtx(t)
	st := store()
	var wg sync.WaitGroup
	var ok, moved atomic.Int32
	acc := fmt.Sprintf("acc-race-%d", seq.Add(1))
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.CreateIngestion(ctx, newRecord(acc))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, pipeline.ErrAccessionMoved):
				moved.Add(1)
			default:
				t.Errorf("racing ingestion: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || moved.Load() != 5 {
		t.Errorf("racing first versions: %d accepted, %d moved; want exactly 1 and 5", ok.Load(), moved.Load())
	}
}

func TestTransitionAndQueryByPatient(t *testing.T) {
	ctx := testCtx(t)
	st := store()
	a, b := newRecord(fmt.Sprintf("acc-t1-%d", seq.Add(1))), newRecord(fmt.Sprintf("acc-t2-%d", seq.Add(1)))
	pk := fmt.Sprintf("pk-%d", seq.Add(1))
	for _, r := range []pipeline.Record{a, b} {
		if err := st.CreateIngestion(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		id   string
		from []pipeline.Status
		to   pipeline.Status
		p    pipeline.Patch
		want error
	}{
		{"received -> processing", a.ResultID, []pipeline.Status{pipeline.StatusReceived}, pipeline.StatusProcessing, pipeline.Patch{At: at}, nil},
		{"wrong source", a.ResultID, []pipeline.Status{pipeline.StatusReceived}, pipeline.StatusProcessing, pipeline.Patch{}, pipeline.ErrConditionFailed},
		{"processing -> ready with patient key", a.ResultID, []pipeline.Status{pipeline.StatusReceived, pipeline.StatusProcessing}, pipeline.StatusReady, pipeline.Patch{PatientKey: pk, At: at}, nil},
		{"second record ready", b.ResultID, []pipeline.Status{pipeline.StatusReceived}, pipeline.StatusReady, pipeline.Patch{PatientKey: pk}, nil},
		{"missing record", "res-none-000", []pipeline.Status{pipeline.StatusReceived}, pipeline.StatusReady, pipeline.Patch{}, pipeline.ErrNotFound},
		{"empty from", a.ResultID, nil, pipeline.StatusFailed, pipeline.Patch{}, pipeline.ErrConditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Transition(ctx, tt.id, tt.from, tt.to, tt.p)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Transition err = %v; want %v", err, tt.want)
			}
		})
	}
	got, _ := st.Get(ctx, a.ResultID)
	if got.Status != pipeline.StatusReady || got.PatientKey != pk || !got.UpdatedAt.Equal(at) {
		t.Errorf("after transitions: %+v", got)
	}
	if err := st.MarkEnqueued(ctx, a.ResultID, at); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkNotificationQueued(ctx, a.ResultID, at); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkEnqueued(ctx, "res-none-000", at); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("MarkEnqueued(missing) = %v", err)
	}
	got, _ = st.Get(ctx, a.ResultID)
	if !got.Enqueued || !got.NotificationQueued {
		t.Errorf("flags not set: %+v", got)
	}
	raw, err := env.DynamoDB().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(resultsTable), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{awsadapter.AttrPK: &types.AttributeValueMemberS{Value: "RESULT#" + a.ResultID}, awsadapter.AttrSK: &types.AttributeValueMemberS{Value: "RECORD"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantSK := a.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000000000Z") + "#" + a.ResultID
	if got, _ := raw.Item[awsadapter.AttrGSI1SK].(*types.AttributeValueMemberS); got == nil || got.Value != wantSK {
		t.Errorf("gsi1sk = %v; want %q", raw.Item[awsadapter.AttrGSI1SK], wantSK)
	}
	recs, err := st.QueryByPatient(ctx, pk)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].ResultID != b.ResultID || recs[1].ResultID != a.ResultID {
		t.Errorf("QueryByPatient = %v; want [%s %s] (newest first)", ids(recs), b.ResultID, a.ResultID)
	}
	if recs, _ := st.QueryByPatient(ctx, "pk-none"); len(recs) != 0 {
		t.Errorf("unknown patient has %d records", len(recs))
	}
}

func ids(rs []pipeline.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ResultID)
	}
	return out
}

func TestNotificationClaims(t *testing.T) {
	ctx := testCtx(t)
	st := store()
	r := newRecord(fmt.Sprintf("acc-n-%d", seq.Add(1)))
	if err := st.CreateIngestion(ctx, r); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	prior, err := st.ClaimNotification(ctx, r.ResultID, now, now.Add(time.Minute))
	if err != nil || prior.Notification.Status != pipeline.NotifyNone {
		t.Fatalf("first claim = %+v, %v", prior.Notification, err)
	}
	steps := []struct {
		name string
		set  *pipeline.Notification // recorded before the claim
		now  time.Time
		want error
	}{
		{"live lease blocks", nil, now.Add(30 * time.Second), pipeline.ErrConditionFailed},
		{"expired lease can be taken over", nil, now.Add(2 * time.Minute), nil},
		{"retry can be claimed", &pipeline.Notification{Status: pipeline.NotifyRetry, Attempts: 1, ErrorCode: "TooManyRequestsException"}, now.Add(3 * time.Minute), nil},
		{"sent is final", &pipeline.Notification{Status: pipeline.NotifySent, Attempts: 2, MessageID: "m-1", At: now}, now.Add(10 * time.Minute), pipeline.ErrConditionFailed},
		{"no contact is final", &pipeline.Notification{Status: pipeline.NotifyNoContact}, now.Add(20 * time.Minute), pipeline.ErrConditionFailed},
		{"pending can be claimed", &pipeline.Notification{Status: pipeline.NotifyPending}, now.Add(30 * time.Minute), nil},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			if tt.set != nil {
				if err := st.RecordNotification(ctx, r.ResultID, *tt.set); err != nil {
					t.Fatal(err)
				}
				got, _ := st.Get(ctx, r.ResultID)
				if got.Notification.Status != tt.set.Status || got.Notification.Attempts != tt.set.Attempts ||
					got.Notification.MessageID != tt.set.MessageID || got.Notification.ErrorCode != tt.set.ErrorCode || !got.Notification.LeaseUntil.IsZero() {
					t.Fatalf("recorded %+v, read back %+v", *tt.set, got.Notification)
				}
			}
			prior, err := st.ClaimNotification(ctx, r.ResultID, tt.now, tt.now.Add(time.Minute))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("claim err = %v; want %v", err, tt.want)
			}
			if tt.want == nil && tt.set != nil && prior.Notification.Status != tt.set.Status {
				t.Errorf("prior status %q; want %q", prior.Notification.Status, tt.set.Status)
			}
		})
	}
	if _, err := st.ClaimNotification(ctx, "res-none-000", now, now); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("claim on a missing record: %v", err)
	}
}

func TestResultsAndContacts(t *testing.T) {
	ctx := testCtx(t)
	st := store()
	lo, hi := 4.0, 10.0
	res := pipeline.NormalizedResult{ResultID: "res-doc-1", PatientKey: "pk-doc", LabID: "lab", ReportStatus: "F", Format: "hl7v2",
		CollectedAt:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Observations: []pipeline.Observation{{Code: "6690-2", Name: "WBC", Value: 12.5, Numeric: true, Unit: "10*3/uL", RefLow: &lo, RefHigh: &hi, Flag: "H"}},
		Issues:       []pipeline.Issue{{Code: "unit_alias", Field: "OBX-6"}}}
	if err := st.PutResult(ctx, res); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetResult(ctx, "res-doc-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Observations[0].Value != 12.5 || *got.Observations[0].RefHigh != 10 || got.Observations[0].Flag != "H" || !got.CollectedAt.Equal(res.CollectedAt) || got.Issues[0].Code != "unit_alias" {
		t.Errorf("GetResult = %+v", got)
	}
	if _, err := st.GetResult(ctx, "res-doc-none"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("missing result: %v", err)
	}
	if err := st.PutContact(ctx, pipeline.Contact{PatientKey: "pk-doc", Email: "p@example.org"}); err != nil {
		t.Fatal(err)
	}
	c, err := st.GetContact(ctx, "pk-doc")
	if err != nil || c.Email != "p@example.org" {
		t.Errorf("GetContact = %+v, %v", c, err)
	}
	if _, err := st.GetContact(ctx, "pk-none"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("missing contact: %v", err)
	}
	if err := st.PutContact(ctx, pipeline.Contact{PatientKey: "pk-doc"}); err == nil {
		t.Error("contact without e-mail accepted")
	}
}

func TestTableSchemas(t *testing.T) {
	in := awsadapter.ResultsTableSchema().CreateTableInput("x")
	if len(in.KeySchema) != 2 || len(in.GlobalSecondaryIndexes) != 1 || *in.GlobalSecondaryIndexes[0].IndexName != awsadapter.ByPatientIndex || len(in.AttributeDefinitions) != 4 {
		t.Errorf("results CreateTableInput = %+v", in)
	}
	in = awsadapter.AuditTableSchema().CreateTableInput("y")
	if len(in.KeySchema) != 1 || *in.KeySchema[0].AttributeName != awsadapter.AttrEventID || len(in.AttributeDefinitions) != 3 {
		t.Errorf("audit CreateTableInput = %+v", in)
	}
}

// DynamoDB Local serializes transactions, so conflicts and reason mapping are checked on
// synthetic cancellations.
func TestIngestionErrorMapping(t *testing.T) {
	cancel := func(codes ...string) error {
		var rs []types.CancellationReason
		for _, c := range codes {
			rs = append(rs, types.CancellationReason{Code: aws.String(c)})
		}
		return &types.TransactionCanceledException{CancellationReasons: rs}
	}
	tests := []struct {
		name      string
		err       error
		want      error
		wantRetry bool
	}{
		{"duplicate wins over a moved head", cancel("None", "ConditionalCheckFailed", "ConditionalCheckFailed"), pipeline.ErrDuplicate, false},
		{"moved head", cancel("None", "None", "ConditionalCheckFailed"), pipeline.ErrAccessionMoved, false},
		{"result id reused", cancel("ConditionalCheckFailed", "None", "None"), pipeline.ErrConditionFailed, false},
		{"superseded record missing", cancel("None", "None", "None", "ConditionalCheckFailed"), pipeline.ErrConditionFailed, false},
		{"conflict only is retried", cancel("None", "TransactionConflict", "None"), nil, true},
		{"condition beats conflict", cancel("None", "TransactionConflict", "ConditionalCheckFailed"), pipeline.ErrAccessionMoved, false},
		{"other error", errors.New("throttled"), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, retry := awsadapter.IngestionError("results", tt.err)
			if retry != tt.wantRetry || tt.want != nil && !errors.Is(got, tt.want) || got == nil {
				t.Errorf("IngestionError = %v, retry %v; want %v, retry %v", got, retry, tt.want, tt.wantRetry)
			}
		})
	}
}
