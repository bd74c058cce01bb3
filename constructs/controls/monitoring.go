package controls

import (
	"fmt"

	"github.com/labsecure/labsecure/constructs/cfn"
)

const alarmType = "AWS::CloudWatch::Alarm"

func monitoringControls() []Control {
	return []Control{queueDepthAlarm(), lambdaErrorAlarm(), sesDKIM()}
}

// alarmsOn returns the alarms of namespace/metric whose dimensions refer to target.
func alarmsOn(c *Context, target *cfn.Resource, namespace string, metrics ...string) bool {
	for _, a := range c.Env.OfType(alarmType) {
		ns, _ := a.String("Namespace")
		m, _ := a.String("MetricName")
		if ns == namespace && contains(metrics, m) && c.Env.Refers(a, a.Properties["Dimensions"], target) {
			return true
		}
		// metric-math alarms: look inside Metrics[].MetricStat.Metric
		for _, q := range a.List("Metrics") {
			ms, ok := cfn.Lookup(q, "MetricStat", "Metric")
			if !ok {
				continue
			}
			if mapGet(ms, "Namespace") == namespace && contains(metrics, fmt.Sprint(mapGet(ms, "MetricName"))) && c.Env.Refers(a, mapGet(ms, "Dimensions"), target) {
				return true
			}
		}
	}
	return false
}

// queueDepthAlarm
//
//	Rule Identifier: LS-MON-001
//	Description:     Every queue (work queues and DLQs) has a depth alarm.
//	Reports on:      AWS::SQS::Queue, AWS::CloudWatch::Alarm
//	Scenarios:
//	  SKIP: no queue.
//	  PASS: an AWS/SQS alarm on ApproximateNumberOfMessagesVisible or ApproximateAgeOfOldestMessage
//	        whose dimensions refer to the queue.
//	  FAIL: none.
func queueDepthAlarm() Control {
	return Control{
		ID: "LS-MON-001", Title: "SQS queues have depth alarms", Severity: Medium,
		Seed: seedLabSecure, Sentence: "SQS queue depth", ResourceTypes: []string{"AWS::SQS::Queue", alarmType},
		Remediation: "queue.MetricApproximateNumberOfMessagesVisible().CreateAlarm(...) with an SNS action (constructs/messaging).",
		Check: perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
			if !alarmsOn(c, r, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage") {
				return "no queue depth alarm"
			}
			return ""
		}),
	}
}

// lambdaErrorAlarm
//
//	Rule Identifier: LS-MON-002
//	Description:     Every application Lambda function has an error alarm.
//	Reports on:      AWS::Lambda::Function, AWS::CloudWatch::Alarm
//	Scenarios:
//	  SKIP: no application function.
//	  PASS: an AWS/Lambda Errors alarm whose dimensions refer to the function.
//	  FAIL: none.
func lambdaErrorAlarm() Control {
	return Control{
		ID: "LS-MON-002", Title: "Lambda functions have error alarms", Severity: Medium,
		Seed: seedLabSecure, Sentence: "Lambda errors", ResourceTypes: []string{lambdaType, alarmType},
		Remediation: "fn.MetricErrors().CreateAlarm(...) with an SNS action.",
		Check: perResource([]string{lambdaType}, func(c *Context, r *cfn.Resource) string {
			if !alarmsOn(c, r, "AWS/Lambda", "Errors") {
				return "no Errors alarm"
			}
			return ""
		}),
	}
}

// sesDKIM
//
//	Rule Identifier: LS-SES-001
//	Description:     SES e-mail identities sign with DKIM.
//	Reports on:      AWS::SES::EmailIdentity
//	Scenarios:
//	  SKIP: no SES identity.
//	  PASS: DkimAttributes.SigningEnabled true or absent (SES enables Easy DKIM by default) for a domain identity.
//	  FAIL: SigningEnabled false.
func sesDKIM() Control {
	types := []string{"AWS::SES::EmailIdentity"}
	return Control{
		ID: "LS-SES-001", Title: "SES identities sign with DKIM", Severity: Low,
		Seed: seedMenoTime, Sentence: "DKIM: Enabled for domain authentication", ResourceTypes: types,
		Remediation: "Use awsses.NewEmailIdentity with Identity_Domain(...) (Easy DKIM on by default).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if v, ok := r.Get("DkimAttributes", "SigningEnabled"); ok {
				if on, _ := cfn.AsBool(v); !on {
					return "DKIM signing is disabled"
				}
			}
			return ""
		}),
	}
}
