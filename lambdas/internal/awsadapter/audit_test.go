package awsadapter_test

import (
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

func TestAuditLogAppendOnly(t *testing.T) {
	ctx := testCtx(t)
	log := awsadapter.NewAuditLog(env.DynamoDB(), auditTable)
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	first := pipeline.AuditEvent{EventID: "ev-1", At: at, Actor: "lab-client", Action: pipeline.ActionIngest, ResultID: "res-audit", Outcome: "ok", Detail: "accepted"}
	second := pipeline.AuditEvent{EventID: "ev-2", At: at.Add(time.Second), Actor: "worker", Action: pipeline.ActionProcess, ResultID: "res-audit", Outcome: "ok"}
	tampered := first
	tampered.Outcome, tampered.Detail = "denied", "overwritten"
	for _, e := range []pipeline.AuditEvent{first, second, tampered} {
		if err := log.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.EventID, err)
		}
	}
	if err := log.Append(ctx, pipeline.AuditEvent{EventID: "ev-3"}); err == nil {
		t.Error("event without action and time accepted")
	}
	events, err := log.EventsOf(ctx, "res-audit")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].EventID != "ev-1" || events[1].EventID != "ev-2" {
		t.Fatalf("EventsOf = %+v; want ev-1, ev-2", events)
	}
	if events[0].Outcome != "ok" || events[0].Detail != "accepted" || !events[0].At.Equal(at) {
		t.Errorf("first event was overwritten: %+v", events[0])
	}
}
