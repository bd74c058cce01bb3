package awsadapter_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
)

func TestQueue(t *testing.T) {
	ctx := testCtx(t)
	out, err := env.SQS().CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("adapter-queue")})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	q := awsadapter.NewQueue(env.SQS(), aws.ToString(out.QueueUrl))
	id, err := q.Send(ctx, []byte(`{"result_id":"r1","key":"raw/2026/11/r1"}`))
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	msgs, err := q.Receive(ctx, 10, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Receive = %d messages, %v; want 1", len(msgs), err)
	}
	attrs, err := q.Attributes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ev := awsadapter.LambdaEvent(msgs, attrs["QueueArn"], "us-east-1")
	r := ev.Records[0]
	if r.MessageId != id || r.Body != `{"result_id":"r1","key":"raw/2026/11/r1"}` || r.EventSource != "aws:sqs" ||
		r.EventSourceARN == "" || r.ReceiptHandle == "" || r.Attributes["ApproximateReceiveCount"] == "" {
		t.Errorf("event record %+v", r)
	}
	if err := q.Delete(ctx, r.ReceiptHandle); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if again, err := q.Receive(ctx, 10, 0); err != nil || len(again) != 0 {
		t.Errorf("after Delete, Receive = %d messages, %v; want none", len(again), err)
	}
	for _, bad := range []struct{ max, wait int32 }{{0, 1}, {11, 1}, {1, 21}, {1, -1}} {
		if _, err := q.Receive(ctx, bad.max, bad.wait); err == nil {
			t.Errorf("Receive(%d, %d) accepted", bad.max, bad.wait)
		}
	}
}
