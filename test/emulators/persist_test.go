package emulators_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/labsecure/labsecure/test/emulators"
)

// With PersistentDynamoDB the data survive Restart (an outage, not a wipe).
func TestDynamoDBRestartKeepsDataWhenPersistent(t *testing.T) {
	ctx := ctx(t)
	e, err := emulators.Launch(ctx, emulators.Options{Services: []emulators.Service{emulators.DynamoDB}, PersistentDynamoDB: true, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cl := e.DynamoDB()
	if _, err := cl.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("persist"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	key := map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "kept"}}
	if _, err := cl.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("persist"), Item: key}); err != nil {
		t.Fatal(err)
	}
	endpoint := e.Endpoint(emulators.DynamoDB)
	if err := e.Stop(emulators.DynamoDB); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err = cl.GetItem(short, &dynamodb.GetItemInput{TableName: aws.String("persist"), Key: key})
	cancel()
	if err == nil {
		t.Fatal("GetItem succeeded while DynamoDB Local was stopped")
	}
	t0 := time.Now()
	if err := e.Restart(ctx, emulators.DynamoDB); err != nil {
		t.Fatal(err)
	}
	t.Logf("DynamoDB Local restarted in %s", time.Since(t0).Round(time.Millisecond))
	if got := e.Endpoint(emulators.DynamoDB); got != endpoint {
		t.Errorf("endpoint moved from %s to %s across Restart", endpoint, got)
	}
	out, err := cl.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("persist"), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		t.Fatalf("after restart GetItem = %v, %v; want the item written before", out.Item, err)
	}
}
