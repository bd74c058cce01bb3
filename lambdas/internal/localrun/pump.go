package localrun

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/test/emulators"
)

// SQSHandler is a Lambda handler for SQS events with partial batch responses.
type SQSHandler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// PumpStats counts what one Pump call did.
type PumpStats struct {
	Received, Succeeded, Failed int
}

// Pump does what the Lambda event source mapping does once: long-poll up to 10 messages
// (waiting at most wait seconds), hand them to h as an SQS event, and delete the ones h did
// not report in BatchItemFailures. Failed messages stay hidden until their visibility timeout
// ends, are received again and, after maxReceiveCount receives, SQS moves them to the DLQ.
func Pump(ctx context.Context, q *awsadapter.Queue, queueARN string, h SQSHandler, wait int32) (PumpStats, error) {
	msgs, err := q.Receive(ctx, 10, wait)
	if err != nil || len(msgs) == 0 {
		return PumpStats{}, err
	}
	ev := awsadapter.LambdaEvent(msgs, queueARN, emulators.Region)
	resp, err := h(ctx, ev)
	st := PumpStats{Received: len(msgs)}
	failed := map[string]bool{}
	if err != nil { // a function error fails the whole batch
		for _, m := range ev.Records {
			failed[m.MessageId] = true
		}
	}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, m := range ev.Records {
		if failed[m.MessageId] {
			st.Failed++
			continue
		}
		if err := q.Delete(ctx, m.ReceiptHandle); err != nil {
			return st, fmt.Errorf("delete handled message: %w", err)
		}
		st.Succeeded++
	}
	return st, nil
}

// Worker pumps the lab-results queue once.
func (st *Stack) PumpWorker(ctx context.Context, wait int32) (PumpStats, error) {
	return Pump(ctx, st.LabQueue, st.LabQueueARN, st.Worker.Handle, wait)
}

// PumpNotify pumps the notification queue once.
func (st *Stack) PumpNotify(ctx context.Context, wait int32) (PumpStats, error) {
	return Pump(ctx, st.NotifyQueue, st.NotifyQueueARN, st.Notify.Handle, wait)
}

// Depth is the number of messages in a queue, visible or in flight.
func Depth(ctx context.Context, q *awsadapter.Queue) (int, error) {
	a, err := q.Attributes(ctx)
	if err != nil {
		return 0, err
	}
	vis, _ := strconv.Atoi(a["ApproximateNumberOfMessages"])
	inflight, _ := strconv.Atoi(a["ApproximateNumberOfMessagesNotVisible"])
	return vis + inflight, nil
}

// Drain pumps q until it is empty (every message handled or moved to the DLQ) or timeout
// passes. Transport errors (an emulator restarting) are retried until the deadline.
func Drain(ctx context.Context, q *awsadapter.Queue, queueARN string, h SQSHandler, timeout time.Duration) (PumpStats, error) {
	var total PumpStats
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		s, err := Pump(ctx, q, queueARN, h, 1)
		total.Received += s.Received
		total.Succeeded += s.Succeeded
		total.Failed += s.Failed
		if err != nil {
			lastErr = err
			if !sleepCtx(ctx, 200*time.Millisecond) {
				return total, ctx.Err()
			}
			continue
		}
		if s.Received > 0 {
			continue
		}
		n, err := Depth(ctx, q)
		if err != nil {
			lastErr = err
			continue
		}
		if n == 0 {
			return total, nil
		}
	}
	return total, fmt.Errorf("queue %s not drained within %s (last error: %v)", q.URL(), timeout, lastErr)
}

// DrainWorker drains the lab-results queue.
func (st *Stack) DrainWorker(ctx context.Context, timeout time.Duration) (PumpStats, error) {
	return Drain(ctx, st.LabQueue, st.LabQueueARN, st.Worker.Handle, timeout)
}

// DrainNotify drains the notification queue.
func (st *Stack) DrainNotify(ctx context.Context, timeout time.Duration) (PumpStats, error) {
	return Drain(ctx, st.NotifyQueue, st.NotifyQueueARN, st.Notify.Handle, timeout)
}

// DLQBodies reads (without deleting, by hiding them for the visibility timeout) up to 100
// message bodies from a DLQ.
func DLQBodies(ctx context.Context, dlq *awsadapter.Queue) ([]string, error) {
	var out []string
	for i := 0; i < 10; i++ {
		msgs, err := dlq.Receive(ctx, 10, 0)
		if err != nil {
			return nil, err
		}
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			if m.Body != nil {
				out = append(out, *m.Body)
			}
		}
	}
	return out, nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
