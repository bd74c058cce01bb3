package awsadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// ResultStore implements pipeline.IngestionStore, ResultStore, NotificationStore and
// ContactStore on one DynamoDB table laid out as ResultsTableSchema describes.
type ResultStore struct {
	db    *dynamodb.Client
	table string
}

var (
	_ pipeline.IngestionStore    = (*ResultStore)(nil)
	_ pipeline.ResultStore       = (*ResultStore)(nil)
	_ pipeline.NotificationStore = (*ResultStore)(nil)
	_ pipeline.ContactStore      = (*ResultStore)(nil)
)

// NewResultStore returns a ResultStore on table.
func NewResultStore(client *dynamodb.Client, table string) *ResultStore {
	return &ResultStore{db: client, table: table}
}

// CreateIngestion implements pipeline.IngestionStore with one TransactWriteItems: the record
// (must not exist), the idempotency item (must not exist: ErrDuplicate), the accession head
// (must be rec.Supersedes: ErrAccessionMoved) and, for a correction, superseded_by on the
// previous version.
func (r *ResultStore) CreateIngestion(ctx context.Context, rec pipeline.Record) error {
	if rec.ResultID == "" || rec.IdempotencyKey == "" || rec.AccessionKey == "" {
		return fmt.Errorf("create ingestion: ResultID, IdempotencyKey and AccessionKey are required; set them from pipeline.RandomID, IdempotencyKey and AccessionKey")
	}
	tbl := aws.String(r.table)
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: tbl, Item: recordItem(rec), ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Put: &types.Put{TableName: tbl, Item: item{AttrPK: s(idemPrefix + rec.IdempotencyKey), AttrSK: s(idemSK), aItemType: s("idempotency"), aResultID: s(rec.ResultID)},
			ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	}
	headKey := item{AttrPK: s(headPrefix + rec.AccessionKey), AttrSK: s(headSK)}
	if rec.Supersedes == "" {
		head := item{aItemType: s("accession_head"), aResultID: s(rec.ResultID)}
		for k, v := range headKey {
			head[k] = v
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: tbl, Item: head, ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	} else {
		items = append(items,
			types.TransactWriteItem{Update: &types.Update{TableName: tbl, Key: headKey,
				UpdateExpression:          aws.String("SET result_id = :new"),
				ConditionExpression:       aws.String("result_id = :old"),
				ExpressionAttributeValues: item{":new": s(rec.ResultID), ":old": s(rec.Supersedes)}}},
			types.TransactWriteItem{Update: &types.Update{TableName: tbl, Key: recordKey(rec.Supersedes),
				UpdateExpression:          aws.String("SET superseded_by = :new"),
				ConditionExpression:       aws.String("attribute_exists(pk)"),
				ExpressionAttributeValues: item{":new": s(rec.ResultID)}}})
	}
	for attempt := 1; ; attempt++ {
		_, err := r.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		err, retry := ingestionError(r.table, err)
		if !retry || attempt == maxConflictAttempts {
			return err
		}
		// Another transaction holds one of the items (same accession racing): try again shortly.
		t := time.NewTimer(time.Duration(attempt) * 25 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("create ingestion: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// maxConflictAttempts bounds the TransactWriteItems attempts of CreateIngestion when DynamoDB
// cancels it with TransactionConflict only.
const maxConflictAttempts = 3

// ingestionError maps a failed CreateIngestion transaction to the port's sentinel errors, by
// the cancellation reason of each item (0 record, 1 idempotency key, 2 accession head,
// 3 superseded record). retry is true when the only problem was a conflicting transaction.
func ingestionError(table string, err error) (mapped error, retry bool) {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return fmt.Errorf("create ingestion in %s: %w", table, err), false
	}
	code := func(i int) string {
		if i < len(tc.CancellationReasons) {
			return aws.ToString(tc.CancellationReasons[i].Code)
		}
		return ""
	}
	failed := func(i int) bool { return code(i) == "ConditionalCheckFailed" }
	switch {
	case failed(1):
		return fmt.Errorf("create ingestion: %w", pipeline.ErrDuplicate), false
	case failed(2):
		return fmt.Errorf("create ingestion: %w", pipeline.ErrAccessionMoved), false
	case failed(0):
		return fmt.Errorf("create ingestion: result id reused: %w", pipeline.ErrConditionFailed), false
	case failed(3):
		return fmt.Errorf("create ingestion: superseded record missing: %w", pipeline.ErrConditionFailed), false
	}
	for i := range tc.CancellationReasons {
		if code(i) == "TransactionConflict" {
			return fmt.Errorf("create ingestion in %s: %w", table, err), true
		}
	}
	return fmt.Errorf("create ingestion in %s: %w", table, err), false
}

// GetByIdempotencyKey implements pipeline.IngestionStore.
func (r *ResultStore) GetByIdempotencyKey(ctx context.Context, key string) (pipeline.Record, error) {
	return r.follow(ctx, item{AttrPK: s(idemPrefix + key), AttrSK: s(idemSK)}, "idempotency key")
}

// GetAccessionHead implements pipeline.IngestionStore.
func (r *ResultStore) GetAccessionHead(ctx context.Context, accessionKey string) (pipeline.Record, error) {
	return r.follow(ctx, item{AttrPK: s(headPrefix + accessionKey), AttrSK: s(headSK)}, "accession head")
}

// follow reads a pointer item (result_id) and then the record it names.
func (r *ResultStore) follow(ctx context.Context, key item, what string) (pipeline.Record, error) {
	ptr, err := r.getItem(ctx, key)
	if err != nil {
		return pipeline.Record{}, fmt.Errorf("%s: %w", what, err)
	}
	return r.Get(ctx, ptr.str(aResultID))
}

// MarkEnqueued implements pipeline.IngestionStore.
func (r *ResultStore) MarkEnqueued(ctx context.Context, resultID string, at time.Time) error {
	return r.setFlag(ctx, resultID, aEnqueued, at)
}

// MarkNotificationQueued implements pipeline.ResultStore.
func (r *ResultStore) MarkNotificationQueued(ctx context.Context, resultID string, at time.Time) error {
	return r.setFlag(ctx, resultID, aNotifQueued, at)
}

func (r *ResultStore) setFlag(ctx context.Context, resultID, attr string, at time.Time) error {
	_, err := r.update(ctx, resultID, &dynamodb.UpdateItemInput{
		UpdateExpression:          aws.String("SET #f = :t, updated_at = :at"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#f": attr},
		ExpressionAttributeValues: item{":t": b(true), ":at": s(fixedTime(at))},
	})
	if err != nil {
		return fmt.Errorf("set %s: %w", attr, err)
	}
	return nil
}

// Get implements pipeline.ResultStore.
func (r *ResultStore) Get(ctx context.Context, resultID string) (pipeline.Record, error) {
	it, err := r.getItem(ctx, recordKey(resultID))
	if err != nil {
		return pipeline.Record{}, fmt.Errorf("record %s: %w", resultID, err)
	}
	return recordFrom(it)
}

// Transition implements pipeline.ResultStore: one conditional UpdateItem (status IN from).
func (r *ResultStore) Transition(ctx context.Context, resultID string, from []pipeline.Status, to pipeline.Status, p pipeline.Patch) error {
	if len(from) == 0 {
		return fmt.Errorf("transition %s -> %s: no allowed source status: %w", resultID, to, pipeline.ErrConditionFailed)
	}
	sets := []string{"#status = :to"}
	vals := item{":to": s(string(to))}
	var in []string
	for i, f := range from {
		ph := ":f" + strconv.Itoa(i)
		in = append(in, ph)
		vals[ph] = s(string(f))
	}
	if p.PatientKey != "" {
		// The index sort key is "<received_at>#<result_id>"; received_at never changes after
		// ingest, so reading it first is race-free.
		rec, err := r.Get(ctx, resultID)
		if err != nil {
			return fmt.Errorf("transition %s -> %s: %w", resultID, to, err)
		}
		sets = append(sets, "patient_key = :pk", "gsi1pk = :g", "gsi1sk = :gs")
		vals[":pk"], vals[":g"], vals[":gs"] = s(p.PatientKey), s(patientGSI(p.PatientKey)), s(gsiSort(rec.ReceivedAt, resultID))
	}
	if p.ErrorCode != "" {
		sets = append(sets, "error_code = :ec")
		vals[":ec"] = s(p.ErrorCode)
	}
	if !p.At.IsZero() {
		sets = append(sets, "updated_at = :at")
		vals[":at"] = s(fixedTime(p.At))
	}
	_, err := r.update(ctx, resultID, &dynamodb.UpdateItemInput{
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status IN (" + strings.Join(in, ", ") + ")"),
		ExpressionAttributeNames:  map[string]string{"#status": aStatus},
		ExpressionAttributeValues: vals,
	})
	if err != nil {
		return fmt.Errorf("transition %s -> %s: %w", resultID, to, err)
	}
	return nil
}

// PutResult implements pipeline.ResultStore (the normalized result as JSON in "doc").
func (r *ResultStore) PutResult(ctx context.Context, res pipeline.NormalizedResult) error {
	doc, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("put result %s: encode: %w", res.ResultID, err)
	}
	it := item{AttrPK: s(resultPrefix + res.ResultID), AttrSK: s(resultSK), aItemType: s("result"), aResultID: s(res.ResultID), aDoc: s(string(doc))}
	it.setS(aPatientKey, res.PatientKey)
	if _, err := r.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(r.table), Item: it}); err != nil {
		return fmt.Errorf("put result %s in %s: %w", res.ResultID, r.table, err)
	}
	return nil
}

// GetResult implements pipeline.ResultStore.
func (r *ResultStore) GetResult(ctx context.Context, resultID string) (pipeline.NormalizedResult, error) {
	it, err := r.getItem(ctx, item{AttrPK: s(resultPrefix + resultID), AttrSK: s(resultSK)})
	if err != nil {
		return pipeline.NormalizedResult{}, fmt.Errorf("result %s: %w", resultID, err)
	}
	var res pipeline.NormalizedResult
	if err := json.Unmarshal([]byte(it.str(aDoc)), &res); err != nil {
		return pipeline.NormalizedResult{}, fmt.Errorf("result %s: decode stored document: %w", resultID, err)
	}
	return res, nil
}

// QueryByPatient implements pipeline.ResultStore through the by-patient GSI, newest first.
// The index is eventually consistent: a record processed a moment ago may be missing.
func (r *ResultStore) QueryByPatient(ctx context.Context, patientKey string) ([]pipeline.Record, error) {
	if patientKey == "" {
		return nil, fmt.Errorf("query by patient: empty patient key; pass the opaque key from pipeline.PatientKey")
	}
	var out []pipeline.Record
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(r.table),
		IndexName:                 aws.String(ByPatientIndex),
		KeyConditionExpression:    aws.String("gsi1pk = :g"),
		ExpressionAttributeValues: item{":g": s(patientGSI(patientKey))},
		ScanIndexForward:          aws.Bool(false),
	}
	for {
		page, err := r.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query %s/%s: %w", r.table, ByPatientIndex, err)
		}
		for _, it := range page.Items {
			rec, err := recordFrom(it)
			if err != nil {
				return nil, fmt.Errorf("query %s/%s: %w", r.table, ByPatientIndex, err)
			}
			out = append(out, rec)
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// ClaimNotification implements pipeline.NotificationStore with one conditional UpdateItem
// that returns the record as it was before the claim.
func (r *ResultStore) ClaimNotification(ctx context.Context, resultID string, now, leaseUntil time.Time) (pipeline.Record, error) {
	out, err := r.update(ctx, resultID, &dynamodb.UpdateItemInput{
		UpdateExpression: aws.String("SET n_status = :sending, n_lease_until = :lease, n_at = :now"),
		ConditionExpression: aws.String("attribute_exists(pk) AND (attribute_not_exists(n_status) OR n_status IN (:pending, :retry) " +
			"OR (n_status = :sending AND n_lease_until < :now))"),
		ExpressionAttributeValues: item{
			":sending": s(string(pipeline.NotifySending)), ":pending": s(string(pipeline.NotifyPending)), ":retry": s(string(pipeline.NotifyRetry)),
			":lease": s(fixedTime(leaseUntil)), ":now": s(fixedTime(now)),
		},
		ReturnValues: types.ReturnValueAllOld,
	})
	if err != nil {
		return pipeline.Record{}, fmt.Errorf("claim notification of %s: %w", resultID, err)
	}
	return recordFrom(out)
}

// RecordNotification implements pipeline.NotificationStore (unconditional apart from the
// record existing).
func (r *ResultStore) RecordNotification(ctx context.Context, resultID string, nt pipeline.Notification) error {
	var sets, removes []string
	vals := item{}
	set := func(attr, v string) {
		if v == "" {
			removes = append(removes, attr)
			return
		}
		ph := ":" + attr
		sets = append(sets, attr+" = "+ph)
		vals[ph] = s(v)
	}
	set(aNStatus, string(nt.Status))
	set(aNMessageID, nt.MessageID)
	set(aNErrorCode, nt.ErrorCode)
	set(aNLease, timeOrEmpty(nt.LeaseUntil))
	set(aNAt, timeOrEmpty(nt.At))
	sets = append(sets, aNAttempts+" = :att")
	vals[":att"] = n(int64(nt.Attempts))
	expr := "SET " + strings.Join(sets, ", ")
	if len(removes) > 0 {
		expr += " REMOVE " + strings.Join(removes, ", ")
	}
	_, err := r.update(ctx, resultID, &dynamodb.UpdateItemInput{
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: vals,
	})
	if err != nil {
		return fmt.Errorf("record notification of %s: %w", resultID, err)
	}
	return nil
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fixedTime(t)
}

// GetContact implements pipeline.ContactStore.
func (r *ResultStore) GetContact(ctx context.Context, patientKey string) (pipeline.Contact, error) {
	it, err := r.getItem(ctx, item{AttrPK: s(contactPrefix + patientKey), AttrSK: s(contactSK)})
	if err != nil {
		return pipeline.Contact{}, fmt.Errorf("contact: %w", err)
	}
	return pipeline.Contact{PatientKey: patientKey, Email: it.str(aEmail)}, nil
}

// PutContact implements pipeline.ContactStore.
func (r *ResultStore) PutContact(ctx context.Context, c pipeline.Contact) error {
	if c.PatientKey == "" || c.Email == "" {
		return fmt.Errorf("put contact: PatientKey and Email are required")
	}
	it := item{AttrPK: s(contactPrefix + c.PatientKey), AttrSK: s(contactSK), aItemType: s("contact"), aPatientKey: s(c.PatientKey), aEmail: s(c.Email)}
	if _, err := r.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(r.table), Item: it}); err != nil {
		return fmt.Errorf("put contact in %s: %w", r.table, err)
	}
	return nil
}

// getItem reads one item with a strongly consistent read; absent items match ErrNotFound.
func (r *ResultStore) getItem(ctx context.Context, key item) (item, error) {
	out, err := r.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(r.table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("get from %s: %w", r.table, err)
	}
	if len(out.Item) == 0 {
		return nil, pipeline.ErrNotFound
	}
	return out.Item, nil
}

// update runs a conditional UpdateItem on the record of resultID. A failed condition is
// ErrNotFound when the record does not exist and ErrConditionFailed otherwise. It returns
// the attributes the request asked for.
func (r *ResultStore) update(ctx context.Context, resultID string, in *dynamodb.UpdateItemInput) (item, error) {
	in.TableName = aws.String(r.table)
	in.Key = recordKey(resultID)
	in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	out, err := r.db.UpdateItem(ctx, in)
	if err == nil {
		return out.Attributes, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if len(ccf.Item) == 0 {
			return nil, fmt.Errorf("record %s: %w", resultID, pipeline.ErrNotFound)
		}
		return nil, fmt.Errorf("record %s is %s: %w", resultID, item(ccf.Item).str(aStatus), pipeline.ErrConditionFailed)
	}
	return nil, fmt.Errorf("update %s in %s: %w", resultID, r.table, err)
}
