package awsadapter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/lambdas/tables"
)

// Attribute and index names, re-exported from package tables (the one definition the CDK
// stack shares).
const (
	AttrPK         = tables.AttrPK
	AttrSK         = tables.AttrSK
	AttrGSI1PK     = tables.AttrGSI1PK
	AttrGSI1SK     = tables.AttrGSI1SK
	ByPatientIndex = tables.ByPatientIndex
	AttrEventID    = tables.AttrEventID
	AttrAuditRes   = tables.AttrAuditRes
	AttrAuditAt    = tables.AttrAuditAt
	ByResultIndex  = tables.ByResultIndex
	AttrExpiresAt  = tables.AttrExpiresAt

	keyTypeString   = tables.String
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

// KeyAttribute and IndexSchema are the types of package tables.
type (
	KeyAttribute = tables.KeyAttribute
	IndexSchema  = tables.IndexSchema
)

// TableSchema is a table layout of package tables with the SDK calls that create it.
type TableSchema struct{ tables.Schema }

// ResultsTableSchema is tables.Results (see there for the item layout).
func ResultsTableSchema() TableSchema { return TableSchema{tables.Results()} }

// AuditTableSchema is tables.Audit.
func AuditTableSchema() TableSchema { return TableSchema{tables.Audit()} }

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
