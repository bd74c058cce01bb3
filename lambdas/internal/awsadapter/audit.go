package awsadapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// AuditLog is pipeline.AuditLog on an append-only DynamoDB table (AuditTableSchema). It only
// ever calls PutItem with attribute_not_exists(event_id), so the writer role can be limited to
// that (dynamodb:PutItem with a condition; no UpdateItem / DeleteItem).
type AuditLog struct {
	db    *dynamodb.Client
	table string
}

var _ pipeline.AuditLog = (*AuditLog)(nil)

// NewAuditLog returns an AuditLog on table.
func NewAuditLog(client *dynamodb.Client, table string) *AuditLog {
	return &AuditLog{db: client, table: table}
}

// Append implements pipeline.AuditLog. A second Append of the same EventID (a retry) is a
// no-op: the first write is kept and never overwritten.
func (a *AuditLog) Append(ctx context.Context, e pipeline.AuditEvent) error {
	if e.EventID == "" || e.Action == "" || e.At.IsZero() {
		return fmt.Errorf("append audit event: EventID, Action and At are required")
	}
	it := item{AttrEventID: s(e.EventID), AttrAuditAt: s(fixedTime(e.At)), "action": s(e.Action)}
	it.setS("actor", e.Actor)
	it.setS(AttrAuditRes, e.ResultID)
	it.setS("outcome", e.Outcome)
	it.setS("request_id", e.RequestID)
	it.setS("detail", e.Detail)
	_, err := a.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(a.table),
		Item:                it,
		ConditionExpression: aws.String("attribute_not_exists(event_id)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("append audit event %s to %s: %w", e.Action, a.table, err)
	}
	return nil
}

// EventsOf lists the audit events of one result in time order (by-result GSI; eventually
// consistent). For investigations and tests; the pipeline never reads the audit log.
func (a *AuditLog) EventsOf(ctx context.Context, resultID string) ([]pipeline.AuditEvent, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(a.table),
		IndexName:                 aws.String(ByResultIndex),
		KeyConditionExpression:    aws.String("result_id = :r"),
		ExpressionAttributeValues: item{":r": s(resultID)},
	}
	var out []pipeline.AuditEvent
	for {
		page, err := a.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query %s/%s: %w", a.table, ByResultIndex, err)
		}
		for _, raw := range page.Items {
			it := item(raw)
			out = append(out, pipeline.AuditEvent{
				EventID: it.str(AttrEventID), At: it.time(AttrAuditAt), Actor: it.str("actor"), Action: it.str("action"),
				ResultID: it.str(AttrAuditRes), Outcome: it.str("outcome"), RequestID: it.str("request_id"), Detail: it.str("detail"),
			})
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
