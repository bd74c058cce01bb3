package awsadapter

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Queue is pipeline.Queue on one SQS queue, plus the receive side used by long-polling
// runners (the local demo, tests, an EC2 worker).
type Queue struct {
	sqs *sqs.Client
	url string
}

var _ pipeline.Queue = (*Queue)(nil)

// NewQueue returns a Queue on the queue at url.
func NewQueue(client *sqs.Client, url string) *Queue { return &Queue{sqs: client, url: url} }

// URL is the queue URL.
func (q *Queue) URL() string { return q.url }

// Send implements pipeline.Queue.
func (q *Queue) Send(ctx context.Context, body []byte) (string, error) {
	out, err := q.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.url), MessageBody: aws.String(string(body))})
	if err != nil {
		return "", fmt.Errorf("send to %s: %w", q.url, err)
	}
	return aws.ToString(out.MessageId), nil
}

// Receive long-polls up to max (1-10) messages, waiting at most wait seconds (0-20).
func (q *Queue) Receive(ctx context.Context, max, wait int32) ([]types.Message, error) {
	if max < 1 || max > 10 {
		return nil, fmt.Errorf("receive from %s: max is %d; SQS returns 1 to 10 messages per call", q.url, max)
	}
	if wait < 0 || wait > 20 {
		return nil, fmt.Errorf("receive from %s: wait is %ds; long polling waits 0 to 20 seconds", q.url, wait)
	}
	out, err := q.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(q.url),
		MaxNumberOfMessages:         max,
		WaitTimeSeconds:             wait,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return nil, fmt.Errorf("receive from %s: %w", q.url, err)
	}
	return out.Messages, nil
}

// Delete removes a received message (after it was handled).
func (q *Queue) Delete(ctx context.Context, receiptHandle string) error {
	if _, err := q.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.url), ReceiptHandle: aws.String(receiptHandle)}); err != nil {
		return fmt.Errorf("delete from %s: %w", q.url, err)
	}
	return nil
}

// ChangeVisibility sets how long a received message stays hidden (0 makes it visible now).
func (q *Queue) ChangeVisibility(ctx context.Context, receiptHandle string, seconds int32) error {
	_, err := q.sqs.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(q.url), ReceiptHandle: aws.String(receiptHandle), VisibilityTimeout: seconds})
	if err != nil {
		return fmt.Errorf("change visibility on %s: %w", q.url, err)
	}
	return nil
}

// Attributes returns the queue's attributes (QueueArn, RedrivePolicy, counts, ...).
func (q *Queue) Attributes(ctx context.Context) (map[string]string, error) {
	out, err := q.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q.url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil {
		return nil, fmt.Errorf("attributes of %s: %w", q.url, err)
	}
	return out.Attributes, nil
}

// LambdaEvent builds the events.SQSEvent that the Lambda service would deliver for msgs
// received from the queue with ARN queueARN in region.
func LambdaEvent(msgs []types.Message, queueARN, region string) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId:         aws.ToString(m.MessageId),
			ReceiptHandle:     aws.ToString(m.ReceiptHandle),
			Body:              aws.ToString(m.Body),
			Md5OfBody:         aws.ToString(m.MD5OfBody),
			Attributes:        map[string]string{},
			MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSource:       "aws:sqs",
			EventSourceARN:    queueARN,
			AWSRegion:         region,
		}
		for k, v := range m.Attributes {
			rec.Attributes[k] = v
		}
		if rec.Attributes["ApproximateReceiveCount"] == "" {
			rec.Attributes["ApproximateReceiveCount"] = strconv.Itoa(1)
		}
		for k, v := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{
				StringValue: v.StringValue, BinaryValue: v.BinaryValue, DataType: aws.ToString(v.DataType)}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}
