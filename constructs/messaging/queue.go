// Package messaging creates the asynchronous plumbing of the platform (seeds 000 and 001):
// SQS queues that are always encrypted with a customer-managed key, TLS-only, long-polled and
// paired with an encrypted dead-letter queue and alarms; SNS topics with a customer-managed key
// and a TLS-only policy; and EventBridge schedules that put jobs on a queue.
//
// Key policies: AWS services that deliver to these encrypted queues and topics do so with the
// key, so the key's policy must admit them: EventBridge ("events.amazonaws.com") for schedules
// and rules, CloudWatch ("cloudwatch.amazonaws.com") for alarm actions on a topic. With the
// foundation keys that is keys.Props.ServicePrincipals on the messaging key. Without it,
// deliveries fail at run time (EventBridge counts FailedInvocations; alarms log an action error)
// and synth cannot see it, because key and queue often live in different stacks.
package messaging

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// Defaults of QueueProps.
const (
	DefaultMaxReceiveCount      = 5
	DefaultVisibilityTimeout    = 30 * time.Second
	DefaultRetention            = 4 * 24 * time.Hour
	DeadLetterRetention         = 14 * 24 * time.Hour
	DefaultOldestMessageAge     = 15 * time.Minute
	DefaultDepthAlarmThreshold  = 1000
	longPollWait                = 20 * time.Second
	maxVisibilityTimeout        = 12 * time.Hour
	minRetention, maxRetention  = time.Minute, 14 * 24 * time.Hour
	maxReceiveCountUpperBound   = 1000
	queueNameMaxLen             = 80 - len("-dlq")
	defaultAlarmPeriod          = 5 * time.Minute
	defaultAlarmEvaluationCount = 1
)

// QueueProps configures a work queue and its dead-letter queue.
type QueueProps struct {
	// QueueName is the queue's name; the DLQ is "<QueueName>-dlq". Default: generated.
	QueueName string
	// Key encrypts both queues (SSE-KMS). Required.
	Key awskms.IKey
	// AlarmTopic receives the alarm notifications. Required.
	AlarmTopic awssns.ITopic
	// VisibilityTimeout is how long a received message stays hidden; set it to at least six
	// times the consumer's timeout for Lambda consumers. Default: 30 s. Maximum 12 h.
	VisibilityTimeout time.Duration
	// MaxReceiveCount is how many receives a message gets before it moves to the DLQ (1-1000).
	// Default: 5.
	MaxReceiveCount int
	// Retention is how long the work queue keeps a message (1 minute to 14 days).
	// Default: 4 days. The DLQ always keeps messages 14 days, the SQS maximum.
	Retention time.Duration
	// OldestMessageAgeThreshold raises an alarm when the oldest message waits longer.
	// Default: 15 minutes (seed 000: RPO under 15 minutes).
	OldestMessageAgeThreshold time.Duration
	// DepthAlarmThreshold raises an alarm when more messages are visible. Default: 1000.
	DepthAlarmThreshold int
	// Retain keeps both queues on stack deletion. Default: false (DESTROY).
	Retain bool
}

var queueNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,76}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *QueueProps) Validate() error {
	if p == nil {
		return fmt.Errorf("messaging: props are required; fix: pass &messaging.QueueProps{Key: ..., AlarmTopic: ...}")
	}
	if p.QueueName != "" && !queueNameRE.MatchString(p.QueueName) {
		return fmt.Errorf("messaging: QueueName %q is not a valid queue name; fix: use 1-%d letters, digits, '-' or '_' (the DLQ adds \"-dlq\")", p.QueueName, queueNameMaxLen)
	}
	if p.Key == nil {
		return fmt.Errorf("messaging: Key is nil; fix: pass the messaging key (a customer-managed key; queues are always SSE-KMS)")
	}
	if p.AlarmTopic == nil {
		return fmt.Errorf("messaging: AlarmTopic is nil; fix: pass the environment's alarm topic (audit.NewAlarmTopic)")
	}
	if v := p.VisibilityTimeout; v < 0 || v > maxVisibilityTimeout || v%time.Second != 0 {
		return fmt.Errorf("messaging: VisibilityTimeout %s is invalid; fix: use whole seconds from 0 to 12h (default 30s)", v)
	}
	if p.MaxReceiveCount < 0 || p.MaxReceiveCount > maxReceiveCountUpperBound {
		return fmt.Errorf("messaging: MaxReceiveCount %d is invalid; fix: use 1 to %d (default %d)", p.MaxReceiveCount, maxReceiveCountUpperBound, DefaultMaxReceiveCount)
	}
	if v := p.Retention; v != 0 && (v < minRetention || v > maxRetention || v%time.Second != 0) {
		return fmt.Errorf("messaging: Retention %s is invalid; fix: use whole seconds from 1m to 336h (14 days; default 4 days)", v)
	}
	if v := p.OldestMessageAgeThreshold; v < 0 || v != 0 && v < time.Minute {
		return fmt.Errorf("messaging: OldestMessageAgeThreshold %s is too small; fix: use 1m or more (default 15m)", v)
	}
	if p.DepthAlarmThreshold < 0 {
		return fmt.Errorf("messaging: DepthAlarmThreshold %d is negative; fix: use a positive count (default %d)", p.DepthAlarmThreshold, DefaultDepthAlarmThreshold)
	}
	return nil
}

// Queue is a work queue, its DLQ and their alarms.
type Queue struct {
	Queue           awssqs.Queue
	DeadLetterQueue awssqs.Queue
	// OldestMessageAlarm fires when the oldest message is older than the threshold.
	OldestMessageAlarm awscloudwatch.Alarm
	// DepthAlarm fires when too many messages are visible.
	DepthAlarm awscloudwatch.Alarm
	// DeadLetterAlarm fires as soon as any message is in the DLQ.
	DeadLetterAlarm awscloudwatch.Alarm
}

// Alarms returns the queue's alarms, for dashboards.
func (q *Queue) Alarms() []awscloudwatch.IAlarm {
	return []awscloudwatch.IAlarm{q.OldestMessageAlarm, q.DepthAlarm, q.DeadLetterAlarm}
}

// NewQueue creates an encrypted, TLS-only, long-polled queue with an encrypted DLQ (14 days
// retention) and three alarms (oldest message age, depth, any message in the DLQ) that notify
// the alarm topic.
func NewQueue(scope constructs.Construct, id string, props *QueueProps) (*Queue, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	visibility := props.VisibilityTimeout
	if visibility == 0 {
		visibility = DefaultVisibilityTimeout
	}
	maxReceive := props.MaxReceiveCount
	if maxReceive == 0 {
		maxReceive = DefaultMaxReceiveCount
	}
	retention := props.Retention
	if retention == 0 {
		retention = DefaultRetention
	}
	oldest := props.OldestMessageAgeThreshold
	if oldest == 0 {
		oldest = DefaultOldestMessageAge
	}
	depth := props.DepthAlarmThreshold
	if depth == 0 {
		depth = DefaultDepthAlarmThreshold
	}
	removal := removalpolicy.Of(props.Retain)

	self := constructs.NewConstruct(scope, jsii.String(id))
	dlqProps := &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: props.Key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     seconds(DeadLetterRetention),
		RemovalPolicy:       removal,
	}
	if props.QueueName != "" {
		dlqProps.QueueName = jsii.String(props.QueueName + "-dlq")
	}
	dlq := awssqs.NewQueue(self, jsii.String("DeadLetterQueue"), dlqProps)

	qp := &awssqs.QueueProps{
		Encryption:             awssqs.QueueEncryption_KMS,
		EncryptionMasterKey:    props.Key,
		EnforceSSL:             jsii.Bool(true),
		VisibilityTimeout:      seconds(visibility),
		ReceiveMessageWaitTime: seconds(longPollWait),
		RetentionPeriod:        seconds(retention),
		DeadLetterQueue:        &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(float64(maxReceive))},
		RemovalPolicy:          removal,
	}
	if props.QueueName != "" {
		qp.QueueName = jsii.String(props.QueueName)
	}
	q := awssqs.NewQueue(self, jsii.String("Resource"), qp)
	out := &Queue{Queue: q, DeadLetterQueue: dlq}

	action := awscloudwatchactions.NewSnsAction(props.AlarmTopic)
	out.OldestMessageAlarm = alarm(self, "OldestMessageAlarm", q.MetricApproximateAgeOfOldestMessage(period()),
		oldest.Seconds(), "oldest message on the queue is older than "+oldest.String()+": the consumer is stuck or too slow")
	out.DepthAlarm = alarm(self, "DepthAlarm", q.MetricApproximateNumberOfMessagesVisible(period()),
		float64(depth), fmt.Sprintf("more than %d messages are waiting on the queue", depth))
	out.DeadLetterAlarm = alarm(self, "DeadLetterAlarm", dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum"),
	}), 0, "messages are in the dead-letter queue: processing failed "+fmt.Sprint(maxReceive)+" times; inspect and redrive")
	for _, a := range out.Alarms() {
		a.(awscloudwatch.Alarm).AddAlarmAction(action)
		a.(awscloudwatch.Alarm).AddOkAction(action)
	}
	return out, nil
}

func period() *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: seconds(defaultAlarmPeriod), Statistic: jsii.String("Maximum")}
}

func alarm(scope constructs.Construct, id string, m awscloudwatch.Metric, threshold float64, desc string) awscloudwatch.Alarm {
	return awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             m,
		Threshold:          jsii.Number(threshold),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(defaultAlarmEvaluationCount),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(desc),
	})
}

func seconds(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}
