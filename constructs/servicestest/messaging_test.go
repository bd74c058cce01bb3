package servicestest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/messaging"
)

var labQueue *messaging.Queue

func buildMessaging(f *fixture) []badCase {
	labQueue = must(messaging.NewQueue(f.defaults, "LabQueue", &messaging.QueueProps{Key: f.msgKey, AlarmTopic: f.alarmTopic}))
	must(messaging.NewSchedule(f.defaults, "Jobs", &messaging.ScheduleProps{Queue: labQueue.Queue, Key: f.msgKey, AlarmTopic: f.alarmTopic}))
	must(messaging.NewTopic(f.defaults, "PlainTopic", &messaging.TopicProps{Key: f.msgKey}))

	vq := must(messaging.NewQueue(f.variations, "NotifyQueue", &messaging.QueueProps{
		QueueName: "labsecure-test-notify", Key: f.msgKey, AlarmTopic: f.alarmTopic,
		VisibilityTimeout: 3 * time.Minute, MaxReceiveCount: 3, Retention: 7 * 24 * time.Hour,
		OldestMessageAgeThreshold: 5 * time.Minute, DepthAlarmThreshold: 50, Retain: true,
	}))
	must(messaging.NewSchedule(f.variations, "Nightly", &messaging.ScheduleProps{
		Queue: vq.Queue, Key: f.msgKey, AlarmTopic: f.alarmTopic, RetryAttempts: 3, MaxEventAge: time.Hour, DisableRules: true,
		Jobs: []messaging.Job{{Name: "purge", Schedule: "rate(6 hours)"}},
	}))
	q := func(mod func(p *messaging.QueueProps)) func() error {
		return func() error {
			p := &messaging.QueueProps{Key: f.msgKey, AlarmTopic: f.alarmTopic}
			mod(p)
			_, err := messaging.NewQueue(f.bad, "Q", p)
			return err
		}
	}
	s := func(mod func(p *messaging.ScheduleProps)) func() error {
		return func() error {
			p := &messaging.ScheduleProps{Queue: labQueue.Queue, Key: f.msgKey, AlarmTopic: f.alarmTopic}
			mod(p)
			_, err := messaging.NewSchedule(f.bad, "S", p)
			return err
		}
	}
	return []badCase{
		{"queue nil", "props are required", func() error { _, err := messaging.NewQueue(f.bad, "Q", nil); return err }},
		{"queue key", "Key", q(func(p *messaging.QueueProps) { p.Key = nil })},
		{"queue topic", "AlarmTopic", q(func(p *messaging.QueueProps) { p.AlarmTopic = nil })},
		{"queue name", "QueueName", q(func(p *messaging.QueueProps) { p.QueueName = "bad name" })},
		{"queue visibility", "VisibilityTimeout", q(func(p *messaging.QueueProps) { p.VisibilityTimeout = 13 * time.Hour })},
		{"queue visibility fraction", "VisibilityTimeout", q(func(p *messaging.QueueProps) { p.VisibilityTimeout = 1500 * time.Millisecond })},
		{"queue receives", "MaxReceiveCount", q(func(p *messaging.QueueProps) { p.MaxReceiveCount = 1001 })},
		{"queue retention", "Retention", q(func(p *messaging.QueueProps) { p.Retention = 15 * 24 * time.Hour })},
		{"queue oldest", "OldestMessageAgeThreshold", q(func(p *messaging.QueueProps) { p.OldestMessageAgeThreshold = time.Second })},
		{"queue depth", "DepthAlarmThreshold", q(func(p *messaging.QueueProps) { p.DepthAlarmThreshold = -1 })},
		{"topic nil", "props are required", func() error { _, err := messaging.NewTopic(f.bad, "T", nil); return err }},
		{"topic key", "Key", func() error { _, err := messaging.NewTopic(f.bad, "T", &messaging.TopicProps{}); return err }},
		{"topic email", "Email", func() error {
			_, err := messaging.NewTopic(f.bad, "T", &messaging.TopicProps{Key: f.msgKey, Email: "Ops <ops@x.example>"})
			return err
		}},
		{"topic name", "TopicName", func() error {
			_, err := messaging.NewTopic(f.bad, "T", &messaging.TopicProps{Key: f.msgKey, TopicName: "a.b"})
			return err
		}},
		{"schedule nil", "props are required", func() error { _, err := messaging.NewSchedule(f.bad, "S", nil); return err }},
		{"schedule queue", "Queue", s(func(p *messaging.ScheduleProps) { p.Queue = nil })},
		{"schedule key", "Key", s(func(p *messaging.ScheduleProps) { p.Key = nil })},
		{"schedule topic", "AlarmTopic", s(func(p *messaging.ScheduleProps) { p.AlarmTopic = nil })},
		{"schedule job name", "Jobs[0].Name", s(func(p *messaging.ScheduleProps) { p.Jobs = []messaging.Job{{Name: "Daily", Schedule: "rate(1 day)"}} })},
		{"schedule job dup", "Jobs[1].Name", s(func(p *messaging.ScheduleProps) {
			p.Jobs = []messaging.Job{{Name: "a", Schedule: "rate(1 day)"}, {Name: "a", Schedule: "rate(2 days)"}}
		})},
		{"schedule expr", "Jobs[0].Schedule", s(func(p *messaging.ScheduleProps) { p.Jobs = []messaging.Job{{Name: "a", Schedule: "0 7 * * *"}} })},
		{"schedule plural", "Jobs[0].Schedule", s(func(p *messaging.ScheduleProps) { p.Jobs = []messaging.Job{{Name: "a", Schedule: "rate(1 days)"}} })},
		{"schedule singular", "Jobs[0].Schedule", s(func(p *messaging.ScheduleProps) { p.Jobs = []messaging.Job{{Name: "a", Schedule: "rate(5 minute)"}} })},
		{"schedule retries", "RetryAttempts", s(func(p *messaging.ScheduleProps) { p.RetryAttempts = 200 })},
		{"schedule age", "MaxEventAge", s(func(p *messaging.ScheduleProps) { p.MaxEventAge = 48 * time.Hour })},
	}
}

// keyOf returns the logical ID of the KMS key the value refers to (Ref or GetAtt Arn), or "".
func keyOf(s *cfn.Stack, v any) string {
	if r := s.Template.Resolve(v); r != nil && r.Type == "AWS::KMS::Key" {
		return r.LogicalID
	}
	return ""
}

// crossRef reports whether v reads an output of the defaults stack that exports the
// resource with logical ID id (Fn::GetStackOutput or Fn::ImportValue).
func crossRef(v any, id string) bool {
	s := js(v)
	return (strings.Contains(s, "Fn::GetStackOutput") || strings.Contains(s, "Fn::ImportValue")) && strings.Contains(s, id)
}

func TestQueuesEncryptedWithDLQ(t *testing.T) {
	msgKey := byPath(t, defaults, "AWS::KMS::Key", "MessagingKey").LogicalID
	for _, c := range []struct {
		stack                      *cfn.Stack
		frag                       string
		maxReceive, vis, retention int
		name                       string
	}{
		{defaults, "LabQueue/Resource", 5, 30, 4 * 86400, ""},
		{variations, "NotifyQueue/Resource", 3, 180, 7 * 86400, "labsecure-test-notify"},
	} {
		q := byPath(t, c.stack, "AWS::SQS::Queue", c.frag)
		dlq := byPath(t, c.stack, "AWS::SQS::Queue", strings.Replace(c.frag, "Resource", "DeadLetterQueue", 1))
		for _, r := range []*cfn.Resource{q, dlq} {
			v, _ := r.Get("KmsMasterKeyId")
			if c.stack == defaults && keyOf(c.stack, v) != msgKey || c.stack != defaults && !crossRef(v, msgKey) {
				t.Errorf("%s: KmsMasterKeyId %s is not the messaging key", r.Path(), js(v))
			}
			if r.Has("SqsManagedSseEnabled") {
				t.Errorf("%s: SQS-managed SSE instead of the CMK", r.Path())
			}
		}
		eq(t, q, c.maxReceive, "RedrivePolicy", "maxReceiveCount")
		if arn, _ := q.Get("RedrivePolicy", "deadLetterTargetArn"); !cfn.ReferencesTo(arn, dlq.LogicalID) {
			t.Errorf("%s: redrive target %s is not the DLQ", q.Path(), js(arn))
		}
		eq(t, q, 20, "ReceiveMessageWaitTimeSeconds")
		eq(t, q, c.vis, "VisibilityTimeout")
		eq(t, q, c.retention, "MessageRetentionPeriod")
		eq(t, dlq, 14*86400, "MessageRetentionPeriod")
		if c.name != "" {
			eq(t, q, c.name, "QueueName")
			eq(t, dlq, c.name+"-dlq", "QueueName")
		}
		for _, target := range []*cfn.Resource{q, dlq} {
			if !denyInsecureTransport(c.stack, "AWS::SQS::QueuePolicy", "Queues", target.LogicalID) {
				t.Errorf("%s: no queue policy denying aws:SecureTransport=false", target.Path())
			}
		}
	}
}

// denyInsecureTransport reports whether a policy resource of typ attached (via listProp) to the
// resource id has a Deny statement on aws:SecureTransport false.
func denyInsecureTransport(s *cfn.Stack, typ, listProp, id string) bool {
	for _, p := range s.Template.OfType(typ) {
		if !cfn.ReferencesTo(p.Properties[listProp], id) {
			continue
		}
		for _, st := range p.List("PolicyDocument", "Statement") {
			m := st.(map[string]any)
			if m["Effect"] == "Deny" {
				if v, ok := cfn.Lookup(m, "Condition", "Bool", "aws:SecureTransport"); ok && js(v) == `"false"` {
					return true
				}
			}
		}
	}
	return false
}

func TestQueueAlarms(t *testing.T) {
	topic := byPath(t, defaults, "AWS::SNS::Topic", "AlarmTopic").LogicalID
	for _, c := range []struct {
		stack         *cfn.Stack
		frag          string
		oldest, depth int
	}{
		{defaults, "LabQueue/", 900, 1000},
		{variations, "NotifyQueue/", 300, 50},
	} {
		q := byPath(t, c.stack, "AWS::SQS::Queue", c.frag+"Resource")
		dlq := byPath(t, c.stack, "AWS::SQS::Queue", c.frag+"DeadLetterQueue")
		for _, a := range []struct {
			frag, metric string
			queue        *cfn.Resource
			threshold    int
		}{
			{"OldestMessageAlarm", "ApproximateAgeOfOldestMessage", q, c.oldest},
			{"DepthAlarm", "ApproximateNumberOfMessagesVisible", q, c.depth},
			{"DeadLetterAlarm", "ApproximateNumberOfMessagesVisible", dlq, 0},
		} {
			r := byPath(t, c.stack, "AWS::CloudWatch::Alarm", c.frag+a.frag)
			eq(t, r, a.metric, "MetricName")
			eq(t, r, "AWS/SQS", "Namespace")
			eq(t, r, a.threshold, "Threshold")
			eq(t, r, "GreaterThanThreshold", "ComparisonOperator")
			if dims, _ := r.Get("Dimensions"); !cfn.ReferencesTo(dims, a.queue.LogicalID) {
				t.Errorf("%s: dimensions %s do not name %s", r.Path(), js(dims), a.queue.Path())
			}
			actions, _ := r.Get("AlarmActions")
			if c.stack == defaults && !cfn.ReferencesTo(actions, topic) || c.stack != defaults && !crossRef(actions, topic) {
				t.Errorf("%s: alarm actions %s do not notify the alarm topic", r.Path(), js(actions))
			}
		}
	}
}

func TestTopicEncryptedTLSOnlyAndSubscribed(t *testing.T) {
	msgKey := byPath(t, defaults, "AWS::KMS::Key", "MessagingKey").LogicalID
	for _, frag := range []string{"AlarmTopic", "PlainTopic"} {
		topic := byPath(t, defaults, "AWS::SNS::Topic", frag)
		if v, _ := topic.Get("KmsMasterKeyId"); keyOf(defaults, v) != msgKey {
			t.Errorf("%s: KmsMasterKeyId %s is not the messaging key", topic.Path(), js(v))
		}
		if !denyInsecureTransport(defaults, "AWS::SNS::TopicPolicy", "Topics", topic.LogicalID) {
			t.Errorf("%s: no topic policy denying aws:SecureTransport=false", topic.Path())
		}
		eq(t, topic, "2", "SignatureVersion")
	}
	subs := defaults.Template.OfType("AWS::SNS::Subscription")
	if len(subs) != 1 {
		t.Fatalf("want 1 subscription (alarm topic e-mail), got %d", len(subs))
	}
	eq(t, subs[0], "email", "Protocol")
	eq(t, subs[0], "ops@labsecure.example", "Endpoint")
}

func TestScheduleRulesTargetQueueWithRetryAndDLQ(t *testing.T) {
	q := byPath(t, defaults, "AWS::SQS::Queue", "LabQueue/Resource")
	dlq := byPath(t, defaults, "AWS::SQS::Queue", "Jobs/DeliveryDeadLetterQueue")
	eq(t, dlq, 14*86400, "MessageRetentionPeriod")
	if v, _ := dlq.Get("KmsMasterKeyId"); keyOf(defaults, v) == "" {
		t.Errorf("delivery DLQ not encrypted with a CMK: %s", js(v))
	}
	dlqAlarm := byPath(t, defaults, "AWS::CloudWatch::Alarm", "Jobs/DeadLetterAlarm")
	eq(t, dlqAlarm, "ApproximateNumberOfMessagesVisible", "MetricName")
	eq(t, dlqAlarm, 0, "Threshold")
	eq(t, dlqAlarm, "GreaterThanThreshold", "ComparisonOperator")
	if d, _ := dlqAlarm.Get("Dimensions"); !cfn.ReferencesTo(d, dlq.LogicalID) {
		t.Errorf("%s: dimensions %s do not name the delivery DLQ", dlqAlarm.Path(), js(d))
	}
	if a, _ := dlqAlarm.Get("AlarmActions"); !cfn.ReferencesTo(a, byPath(t, defaults, "AWS::SNS::Topic", "AlarmTopic").LogicalID) {
		t.Errorf("%s: alarm actions %s", dlqAlarm.Path(), js(a))
	}
	rules := allByPath(defaults, "AWS::Events::Rule", "Jobs/")
	var names []string
	for _, r := range rules {
		eq(t, r, "ENABLED", "State")
		targets := r.List("Targets")
		if len(targets) != 1 {
			t.Errorf("%s: %d targets", r.Path(), len(targets))
			continue
		}
		tg := targets[0].(map[string]any)
		if !cfn.ReferencesTo(tg["Arn"], q.LogicalID) {
			t.Errorf("%s: target %s is not the lab queue", r.Path(), js(tg["Arn"]))
		}
		if !cfn.ReferencesTo(tg["DeadLetterConfig"], dlq.LogicalID) {
			t.Errorf("%s: no delivery DLQ: %s", r.Path(), js(tg["DeadLetterConfig"]))
		}
		if js(tg["RetryPolicy"]) != `{"MaximumEventAgeInSeconds":7200,"MaximumRetryAttempts":8}` {
			t.Errorf("%s: retry policy %s", r.Path(), js(tg["RetryPolicy"]))
		}
		input, _ := tg["Input"].(string)
		if input == "" {
			input = js(tg["InputTransformer"])
		}
		names = append(names, input)
	}
	for _, j := range messaging.SeedJobs() {
		found := false
		for i, r := range rules {
			if e, _ := r.String("ScheduleExpression"); e == j.Schedule && strings.Contains(names[i], j.Name) {
				found = true
			}
		}
		if !found {
			t.Errorf("seed job %s (%s) has no rule", j.Name, j.Schedule)
		}
	}
	// EventBridge may send to the queue and the DLQ only for these rules (aws:SourceArn).
	for _, target := range []*cfn.Resource{q, dlq} {
		ok := false
		for _, p := range defaults.Template.OfType("AWS::SQS::QueuePolicy") {
			if !cfn.ReferencesTo(p.Properties["Queues"], target.LogicalID) {
				continue
			}
			for _, st := range p.List("PolicyDocument", "Statement") {
				m := st.(map[string]any)
				if m["Effect"] == "Allow" && js(m["Principal"]) == `{"Service":"events.amazonaws.com"}` && (strings.Contains(js(m["Condition"]), "aws:SourceArn") || strings.Contains(js(m["Condition"]), `"aws:SourceAccount":"111111111111"`)) {
					ok = true
				}
			}
		}
		if !ok {
			t.Errorf("%s: no queue policy statement admitting events.amazonaws.com limited by source", target.Path())
		}
	}
	vr := allByPath(variations, "AWS::Events::Rule", "Nightly/")
	if len(vr) != 1 {
		t.Fatalf("variations: %d rules, want 1", len(vr))
	}
	eq(t, vr[0], "DISABLED", "State")
	eq(t, vr[0], "rate(6 hours)", "ScheduleExpression")
	eq(t, vr[0], map[string]any{"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}, "Targets", "0", "RetryPolicy")
	if got := len(slices.Collect(func(yield func(string) bool) {
		for _, r := range defaults.Template.OfType("AWS::KMS::Key") {
			if strings.Contains(js(r.Properties), "events.amazonaws.com") && !yield(r.LogicalID) {
				return
			}
		}
	})); got != 1 {
		t.Errorf("%d keys admit events.amazonaws.com, want exactly the messaging key", got)
	}
}
