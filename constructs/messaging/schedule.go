package messaging

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Job is one scheduled job: a rule that puts {"job": Name, "time": <event time>} on the queue.
type Job struct {
	// Name identifies the job in the message and the rule description, e.g.
	// "daily-notifications". Required: lower-case letters, digits and hyphens.
	Name string
	// Schedule is an EventBridge schedule expression, "cron(...)" or "rate(...)", in UTC.
	// Required.
	Schedule string
}

// SeedJobs are the scheduled operations seed 000 lists ("daily notifications, instrument
// compliance checks, task scheduling, report generation, and weekly summaries"), in UTC.
func SeedJobs() []Job {
	return []Job{
		{Name: "daily-notifications", Schedule: "cron(0 7 * * ? *)"},
		{Name: "instrument-compliance-check", Schedule: "cron(0 6 * * ? *)"},
		{Name: "task-scheduling", Schedule: "rate(1 hour)"},
		{Name: "report-generation", Schedule: "cron(0 2 * * ? *)"},
		{Name: "weekly-summary", Schedule: "cron(0 8 ? * MON *)"},
	}
}

// Defaults of ScheduleProps.
const (
	DefaultScheduleRetryAttempts = 8
	DefaultScheduleMaxEventAge   = 2 * time.Hour
)

// ScheduleProps configures scheduled jobs delivered to a queue.
type ScheduleProps struct {
	// Queue receives the job messages (e.g. NewQueue(...).Queue). Required. If it is
	// encrypted, its key's policy must admit "events.amazonaws.com" (package doc).
	Queue awssqs.IQueue
	// Key encrypts the delivery dead-letter queue this construct creates. Required; use the
	// queue's key (its policy must admit events.amazonaws.com, which writes to that DLQ too).
	Key awskms.IKey
	// AlarmTopic receives the alarm raised as soon as an event lands in the delivery DLQ.
	// Required.
	AlarmTopic awssns.ITopic
	// Jobs are the rules to create. Default: SeedJobs().
	Jobs []Job
	// RetryAttempts is how often EventBridge retries a failed delivery (0-185). Default: 8.
	RetryAttempts int
	// MaxEventAge is how long EventBridge keeps retrying (1 minute to 24 hours).
	// Default: 2 hours. Undeliverable events then go to the delivery DLQ.
	MaxEventAge time.Duration
	// DisableRules creates the rules in the DISABLED state (e.g. for a dev environment).
	// Default: false (enabled).
	DisableRules bool
}

var (
	jobNameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)
	scheduleRE = regexp.MustCompile(`^(cron\(\S+( \S+){5}\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\))$`)
	rateRE     = regexp.MustCompile(`^rate\(([0-9]+) ([a-z]+)\)$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *ScheduleProps) Validate() error {
	if p == nil {
		return fmt.Errorf("messaging: schedule props are required; fix: pass &messaging.ScheduleProps{Queue: ..., Key: ...}")
	}
	if p.Queue == nil {
		return fmt.Errorf("messaging: Queue is nil; fix: pass the work queue the jobs go to")
	}
	if p.Key == nil {
		return fmt.Errorf("messaging: Key is nil; fix: pass the queue's key so the delivery DLQ is encrypted too")
	}
	if p.AlarmTopic == nil {
		return fmt.Errorf("messaging: AlarmTopic is nil; fix: pass the environment's alarm topic (failed deliveries must alert)")
	}
	var seen []string
	for i, j := range p.Jobs {
		if !jobNameRE.MatchString(j.Name) {
			return fmt.Errorf("messaging: Jobs[%d].Name %q is invalid; fix: use 1-48 lower-case letters, digits and hyphens", i, j.Name)
		}
		if slices.Contains(seen, j.Name) {
			return fmt.Errorf("messaging: Jobs[%d].Name %q is used twice; fix: give every job its own name", i, j.Name)
		}
		seen = append(seen, j.Name)
		if !scheduleRE.MatchString(j.Schedule) {
			return fmt.Errorf("messaging: Jobs[%d].Schedule %q is not an EventBridge schedule expression; fix: use cron(min hour day month weekday year) or rate(N unit), e.g. cron(0 7 * * ? *)", i, j.Schedule)
		}
		if m := rateRE.FindStringSubmatch(j.Schedule); m != nil && (m[1] == "1") != !strings.HasSuffix(m[2], "s") {
			return fmt.Errorf("messaging: Jobs[%d].Schedule %q has the wrong unit form; fix: use the singular unit for 1 (rate(1 hour)) and the plural otherwise (rate(5 minutes))", i, j.Schedule)
		}
	}
	if p.RetryAttempts < 0 || p.RetryAttempts > 185 {
		return fmt.Errorf("messaging: RetryAttempts %d is invalid; fix: use 0 to 185 (default %d)", p.RetryAttempts, DefaultScheduleRetryAttempts)
	}
	if v := p.MaxEventAge; v != 0 && (v < time.Minute || v > 24*time.Hour) {
		return fmt.Errorf("messaging: MaxEventAge %s is invalid; fix: use 1m to 24h (default 2h)", v)
	}
	return nil
}

// Schedule is the scheduled jobs and their delivery DLQ.
type Schedule struct {
	Rules []awsevents.Rule
	// DeadLetterQueue receives events EventBridge could not deliver after its retries.
	DeadLetterQueue awssqs.Queue
	// DeadLetterAlarm fires as soon as any event is in the delivery DLQ.
	DeadLetterAlarm awscloudwatch.Alarm
}

// NewSchedule creates one EventBridge rule per job, targeting the queue with a retry policy
// and an encrypted, TLS-only dead-letter queue (14 days retention) for failed deliveries, whose
// alarm notifies the alarm topic.
// EventBridge needs the queue's key: see the package doc.
func NewSchedule(scope constructs.Construct, id string, props *ScheduleProps) (*Schedule, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	jobs := props.Jobs
	if len(jobs) == 0 {
		jobs = SeedJobs()
	}
	retries := props.RetryAttempts
	if retries == 0 {
		retries = DefaultScheduleRetryAttempts
	}
	maxAge := props.MaxEventAge
	if maxAge == 0 {
		maxAge = DefaultScheduleMaxEventAge
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	dlq := awssqs.NewQueue(self, jsii.String("DeliveryDeadLetterQueue"), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: props.Key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     seconds(DeadLetterRetention),
	})
	out := &Schedule{DeadLetterQueue: dlq}
	out.DeadLetterAlarm = alarm(self, "DeadLetterAlarm", dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum"),
	}), 0, "scheduled job events could not be delivered to the queue: check the queue policy and key policy, then redrive")
	action := awscloudwatchactions.NewSnsAction(props.AlarmTopic)
	out.DeadLetterAlarm.AddAlarmAction(action)
	out.DeadLetterAlarm.AddOkAction(action)
	for _, j := range jobs {
		rule := awsevents.NewRule(self, jsii.String("Job-"+j.Name), &awsevents.RuleProps{
			Description: jsii.String("labsecure scheduled job " + j.Name),
			Schedule:    awsevents.Schedule_Expression(jsii.String(j.Schedule)),
			Enabled:     jsii.Bool(!props.DisableRules),
		})
		rule.AddTarget(awseventstargets.NewSqsQueue(props.Queue, &awseventstargets.SqsQueueProps{
			Message: awsevents.RuleTargetInput_FromObject(map[string]any{
				"job":  j.Name,
				"time": awsevents.EventField_Time(),
			}),
			DeadLetterQueue: dlq,
			RetryAttempts:   jsii.Number(float64(retries)),
			MaxEventAge:     awscdk.Duration_Seconds(jsii.Number(maxAge.Seconds())),
		}))
		out.Rules = append(out.Rules, rule)
	}
	return out, nil
}
