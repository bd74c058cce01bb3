package awsadapter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the results table. Every item has pk and sk; record items also carry
// the GSI attributes once their patient key is known.
const (
	AttrPK     = "pk"     // partition key (S)
	AttrSK     = "sk"     // sort key (S)
	AttrGSI1PK = "gsi1pk" // ByPatientIndex partition key (S): "PATIENT#<opaque patient key>"
	AttrGSI1SK = "gsi1sk" // ByPatientIndex sort key (S): "<received_at fixed-width UTC>#<result_id>"

	// ByPatientIndex is the GSI listing the records of one opaque patient key, newest first.
	ByPatientIndex = "by-patient"

	// Audit table.
	AttrEventID     = "event_id"   // partition key (S)
	AttrAuditRes    = "result_id"  // ByResultIndex partition key (S), absent when the event has no result
	AttrAuditAt     = "at"         // ByResultIndex sort key (S), fixed-width UTC time
	ByResultIndex   = "by-result"  // GSI listing the audit events of one result in time order
	AttrExpiresAt   = "expires_at" // TTL attribute (N, epoch seconds); the adapters never set it
	keyTypeString   = "S"
	recordSK        = "RECORD"
	resultSK        = "RESULT"
	idemSK          = "IDEMPOTENCY"
	headSK          = "HEAD"
	contactSK       = "CONTACT"
	resultPrefix    = "RESULT#"
	idemPrefix      = "IDEM#"
	headPrefix      = "ACCESSION#"
	contactPrefix   = "CONTACT#"
	patientPrefix   = "PATIENT#"
	fixedTimeLayout = "2006-01-02T15:04:05.000000000Z"
)

// KeyAttribute is one key attribute: its name and DynamoDB scalar type ("S", "N" or "B").
type KeyAttribute struct {
	Name string
	Type string
}

// IndexSchema is a global secondary index projecting all attributes.
type IndexSchema struct {
	Name         string
	PartitionKey KeyAttribute
	SortKey      KeyAttribute // Name "" when the index has no sort key
}

// TableSchema is the key layout of a table, shared by the CDK stack, the tests and the demo
// so that all create the same tables.
type TableSchema struct {
	PartitionKey KeyAttribute
	SortKey      KeyAttribute // Name "" when the table has no sort key
	Indexes      []IndexSchema
	TTLAttribute string // "" when TTL is off
}

// ResultsTableSchema is the single-table layout of the results table:
//
//	pk                     sk            item
//	RESULT#<result_id>     RECORD        result record (status, notification state; no PHI)
//	RESULT#<result_id>     RESULT        normalized result (PHI, JSON in attribute "doc")
//	IDEM#<idempotency key> IDEMPOTENCY   idempotency key -> result_id
//	ACCESSION#<key>        HEAD          newest result_id of an accession
//	CONTACT#<patient key>  CONTACT       patient e-mail contact
//
// GSI by-patient (gsi1pk, gsi1sk), projection ALL, lists record items per opaque patient key.
func ResultsTableSchema() TableSchema {
	return TableSchema{
		PartitionKey: KeyAttribute{AttrPK, keyTypeString},
		SortKey:      KeyAttribute{AttrSK, keyTypeString},
		Indexes: []IndexSchema{{
			Name:         ByPatientIndex,
			PartitionKey: KeyAttribute{AttrGSI1PK, keyTypeString},
			SortKey:      KeyAttribute{AttrGSI1SK, keyTypeString},
		}},
	}
}

// AuditTableSchema is the layout of the append-only audit table: partition key event_id,
// GSI by-result (result_id, at), projection ALL; TTL attribute expires_at (unused by default,
// so events are kept until a retention job decides otherwise).
func AuditTableSchema() TableSchema {
	return TableSchema{
		PartitionKey: KeyAttribute{AttrEventID, keyTypeString},
		Indexes: []IndexSchema{{
			Name:         ByResultIndex,
			PartitionKey: KeyAttribute{AttrAuditRes, keyTypeString},
			SortKey:      KeyAttribute{AttrAuditAt, keyTypeString},
		}},
		TTLAttribute: AttrExpiresAt,
	}
}

// CreateTableInput returns the on-demand CreateTable request for a table named name.
func (s TableSchema) CreateTableInput(name string) *dynamodb.CreateTableInput {
	defs := map[string]types.ScalarAttributeType{}
	add := func(k KeyAttribute) {
		if k.Name != "" {
			defs[k.Name] = types.ScalarAttributeType(k.Type)
		}
	}
	keys := func(pk, sk KeyAttribute) []types.KeySchemaElement {
		out := []types.KeySchemaElement{{AttributeName: aws.String(pk.Name), KeyType: types.KeyTypeHash}}
		if sk.Name != "" {
			out = append(out, types.KeySchemaElement{AttributeName: aws.String(sk.Name), KeyType: types.KeyTypeRange})
		}
		return out
	}
	add(s.PartitionKey)
	add(s.SortKey)
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   keys(s.PartitionKey, s.SortKey),
	}
	for _, ix := range s.Indexes {
		add(ix.PartitionKey)
		add(ix.SortKey)
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  keys(ix.PartitionKey, ix.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	for _, name := range sortedKeys(defs) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: defs[name]})
	}
	return in
}

// CreateTable creates a table of schema s (tests, demo), waits until it is ACTIVE and turns
// TTL on when the schema has a TTL attribute. An existing table is left as it is.
func CreateTable(ctx context.Context, c *dynamodb.Client, name string, s TableSchema) error {
	_, err := c.CreateTable(ctx, s.CreateTableInput(name))
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	if s.TTLAttribute != "" && err == nil {
		_, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(s.TTLAttribute), Enabled: aws.Bool(true)}})
		if err != nil && !errors.As(err, new(*types.ResourceInUseException)) {
			return fmt.Errorf("enable TTL on %s: %w", name, err)
		}
	}
	return nil
}
