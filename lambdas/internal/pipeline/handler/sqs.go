package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Worker handles lab-results queue batches. Messages that fail transiently are reported in
// BatchItemFailures (the event source mapping needs ReportBatchItemFailures), so only they
// are retried and, after maxReceiveCount, land in the DLQ.
type Worker struct {
	Svc *pipeline.Service
	Log *slog.Logger
}

// Handle implements the Lambda handler.
func (h *Worker) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return batch(ctx, h.Log, "worker", ev, func(ctx context.Context, body []byte) (string, error) {
		var it pipeline.WorkItem
		if err := json.Unmarshal(body, &it); err != nil || it.ResultID == "" {
			return "", fmt.Errorf("work item is not JSON with a result_id")
		}
		return it.ResultID, h.Svc.Process(ctx, it)
	}), nil
}

// Notify handles notification queue batches, reporting failed messages for redelivery.
type Notify struct {
	Svc *pipeline.Service
	Log *slog.Logger
}

// Handle implements the Lambda handler.
func (h *Notify) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return batch(ctx, h.Log, "notify", ev, func(ctx context.Context, body []byte) (string, error) {
		var it pipeline.NotifyItem
		if err := json.Unmarshal(body, &it); err != nil || it.ResultID == "" {
			return "", fmt.Errorf("notify item is not JSON with a result_id")
		}
		return it.ResultID, h.Svc.Notify(ctx, it)
	}), nil
}

// batch runs each record through do and collects the failed message ids. Records left when
// the invocation is about to time out are reported as failed without being started.
func batch(ctx context.Context, log *slog.Logger, name string, ev events.SQSEvent, do func(context.Context, []byte) (string, error)) events.SQSEventResponse {
	start := time.Now()
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, m := range ev.Records {
		if ctx.Err() != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		attempt, _ := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
		id, err := do(ctx, []byte(m.Body))
		attrs := []slog.Attr{slog.String("handler", name), slog.String("message_id", m.MessageId), slog.Int("attempt", attempt)}
		if id != "" {
			attrs = append(attrs, slog.String("result_id", id))
		}
		if err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			attrs = append(attrs, slog.String("error_op", pipeline.ErrorOp(err)), slog.String("error_class", errClass(err)))
			log.LogAttrs(ctx, slog.LevelWarn, "message failed; SQS will redeliver", attrs...)
			continue
		}
		log.LogAttrs(ctx, slog.LevelInfo, "message done", attrs...)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "batch done", slog.String("handler", name), slog.Int("records", len(ev.Records)),
		slog.Int("failures", len(resp.BatchItemFailures)), slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	return resp
}
