package emulators_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/labsecure/labsecure/test/emulators"
)

var env *emulators.Env

func TestMain(m *testing.M) {
	t0 := time.Now()
	var err error
	env, err = emulators.Launch(context.Background(), emulators.Options{Services: []emulators.Service{
		emulators.S3, emulators.S3InProcess, emulators.SQS, emulators.DynamoDB, emulators.SES,
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "launch emulators:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "emulators up in %s: %v\n", time.Since(t0).Round(time.Millisecond), env.StartTimes())
	for _, n := range env.Notes() {
		fmt.Fprintln(os.Stderr, "note:", n)
	}
	code := m.Run()
	if err := env.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close emulators:", err)
		code = 1
	}
	os.Exit(code)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestS3RoundTripAndPresign(t *testing.T) {
	for _, tc := range []struct {
		name          string
		endpoint      string
		expiryChecked bool
	}{
		{"s3rver", env.Endpoint(emulators.S3), true},
		{"gofakes3", env.Endpoint(emulators.S3InProcess), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ctx(t)
			cl := env.S3For(tc.endpoint)
			bucket := "roundtrip-" + strings.ReplaceAll(tc.name, "3", "x")
			if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Fatalf("create bucket: %v", err)
			}
			body := []byte("hello emulator")
			if _, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt"), Body: bytes.NewReader(body)}); err != nil {
				t.Fatalf("put: %v", err)
			}
			out, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt")})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			got, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if !bytes.Equal(got, body) {
				t.Fatalf("get returned %q, want %q", got, body)
			}
			ps := s3.NewPresignClient(cl)
			fresh, err := ps.PresignGetObject(c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt")}, s3.WithPresignExpires(time.Minute))
			if err != nil {
				t.Fatalf("presign: %v", err)
			}
			if code := httpGet(t, fresh.URL); code != http.StatusOK {
				t.Errorf("fresh presigned URL answered %d, want 200", code)
			}
			expired, err := ps.PresignGetObject(c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt")}, s3.WithPresignExpires(time.Second))
			if err != nil {
				t.Fatalf("presign: %v", err)
			}
			time.Sleep(2100 * time.Millisecond)
			code := httpGet(t, expired.URL)
			if tc.expiryChecked && code != http.StatusForbidden {
				t.Errorf("expired presigned URL answered %d, want 403", code)
			}
			if !tc.expiryChecked {
				t.Logf("gofakes3 answered %d to an expired URL (it does not check expiry)", code)
			}
		})
	}
}

func httpGet(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET presigned URL: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSQSRedriveAndRestart(t *testing.T) {
	c := ctx(t)
	cl := env.SQS()
	dlq, err := cl.CreateQueue(c, &sqs.CreateQueueInput{QueueName: aws.String("emu-dlq")})
	if err != nil {
		t.Fatalf("create dlq: %v", err)
	}
	attrs, err := cl.GetQueueAttributes(c, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("dlq arn: %v", err)
	}
	q, err := cl.CreateQueue(c, &sqs.CreateQueueInput{QueueName: aws.String("emu-main"), Attributes: map[string]string{
		"VisibilityTimeout": "1",
		"RedrivePolicy":     fmt.Sprintf(`{"maxReceiveCount":"2","deadLetterTargetArn":%q}`, attrs.Attributes["QueueArn"]),
	}})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	if _, err := cl.SendMessage(c, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(`{"poison":true}`)}); err != nil {
		t.Fatalf("send: %v", err)
	}
	// Outage: the queue keeps its message while the endpoint is down.
	if err := env.Stop(emulators.SQS); err != nil {
		t.Fatalf("stop sqs: %v", err)
	}
	short, cancel := context.WithTimeout(c, 3*time.Second)
	_, err = cl.SendMessage(short, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
	cancel()
	if err == nil {
		t.Fatal("send during outage succeeded; want an error")
	}
	if err := env.Restart(c, emulators.SQS); err != nil {
		t.Fatalf("restart sqs: %v", err)
	}
	receives := 0
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		out, err := cl.ReceiveMessage(c, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		receives += len(out.Messages) // never deleted: fails every time
		d, err := cl.ReceiveMessage(c, &sqs.ReceiveMessageInput{QueueUrl: dlq.QueueUrl})
		if err != nil {
			t.Fatalf("receive dlq: %v", err)
		}
		if len(d.Messages) == 1 {
			if got := aws.ToString(d.Messages[0].Body); got != `{"poison":true}` {
				t.Fatalf("dlq body %q", got)
			}
			if receives != 2 {
				t.Errorf("message reached the DLQ after %d receives, want 2", receives)
			}
			return
		}
	}
	t.Fatalf("message not in DLQ after %d receives", receives)
}

func TestDynamoDBTransaction(t *testing.T) {
	c := ctx(t)
	cl := env.DynamoDB()
	_, err := cl.CreateTable(c, &dynamodb.CreateTableInput{
		TableName:            aws.String("emu-table"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	put := func(pk string) ddbtypes.TransactWriteItem {
		return ddbtypes.TransactWriteItem{Put: &ddbtypes.Put{
			TableName:           aws.String("emu-table"),
			Item:                map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: pk}},
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}}
	}
	if _, err := cl.TransactWriteItems(c, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{put("a"), put("b")}}); err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	_, err = cl.TransactWriteItems(c, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{put("c"), put("a")}})
	if err == nil {
		t.Fatal("transaction over an existing item succeeded; want a cancellation")
	}
	got, err := cl.GetItem(c, &dynamodb.GetItemInput{TableName: aws.String("emu-table"), Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "c"}}})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Item != nil {
		t.Error("item c exists although its transaction was cancelled")
	}
}

func TestSESStore(t *testing.T) {
	c := ctx(t)
	if err := env.ClearEmails(c); err != nil {
		t.Fatal(err)
	}
	_, err := env.SESv2().SendEmail(c, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("noreply@example.org"),
		Destination:      &sestypes.Destination{ToAddresses: []string{"patient@example.org"}},
		Content: &sestypes.EmailContent{Simple: &sestypes.Message{
			Subject: &sestypes.Content{Data: aws.String("subject-1")},
			Body:    &sestypes.Body{Text: &sestypes.Content{Data: aws.String("body-1")}},
		}},
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	mails, err := env.SentEmails(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || mails[0].Subject != "subject-1" || mails[0].Body.Text != "body-1" || len(mails[0].Destination.To) != 1 {
		t.Fatalf("store holds %+v, want the one message sent", mails)
	}
}

func TestEnvVarsAndErrors(t *testing.T) {
	vars := strings.Join(env.EnvVars(), "\n")
	for _, want := range []string{"AWS_ENDPOINT_URL_S3=" + env.Endpoint(emulators.S3), "AWS_ENDPOINT_URL_DYNAMODB=", "AWS_ENDPOINT_URL_SQS=", "AWS_ENDPOINT_URL_SESV2="} {
		if !strings.Contains(vars, want) {
			t.Errorf("EnvVars lacks %q:\n%s", want, vars)
		}
	}
	if _, err := emulators.Launch(context.Background(), emulators.Options{Services: []emulators.Service{"kinesis"}}); err == nil || !strings.Contains(err.Error(), "unknown emulator service") {
		t.Errorf("unknown service: err = %v", err)
	}
	if _, err := emulators.Launch(context.Background(), emulators.Options{Services: []emulators.Service{emulators.SQS}}); err == nil || !strings.Contains(err.Error(), "one instance") {
		t.Errorf("second goaws: err = %v", err)
	}
	t.Setenv(emulators.ToolsEnvVar, t.TempDir())
	if _, err := emulators.Launch(context.Background(), emulators.Options{Services: []emulators.Service{emulators.SES}}); err == nil || !strings.Contains(err.Error(), "npm ci --prefix .tools") {
		t.Errorf("missing tools: err = %v", err)
	}
}
