package controls

import (
	"github.com/labsecure/labsecure/constructs/cfn"
)

var queueTypes = []string{"AWS::SQS::Queue"}
var topicTypes = []string{"AWS::SNS::Topic"}

func messagingControls() []Control {
	return []Control{sqsEncryption(), sqsDLQ(), sqsDLQRetention(), sqsTLSOnly(), sqsLongPolling(),
		snsEncryption(), snsTLSOnly()}
}

// isDLQ reports whether queue q is the dead-letter target of another queue, a Lambda
// function, an event source mapping, an EventBridge target or an SNS subscription.
func isDLQ(c *Context, q *cfn.Resource) bool {
	for _, o := range c.Env.OfType("AWS::SQS::Queue") {
		if v, ok := o.Get("RedrivePolicy", "deadLetterTargetArn"); ok && o != q && c.Resolve(o, v) == q {
			return true
		}
	}
	for _, f := range c.Env.OfType("AWS::Lambda::Function") {
		if v, ok := f.Get("DeadLetterConfig", "TargetArn"); ok && c.Resolve(f, v) == q {
			return true
		}
	}
	for _, m := range c.Env.OfType("AWS::Lambda::EventSourceMapping") {
		if v, ok := m.Get("DestinationConfig", "OnFailure", "Destination"); ok && c.Resolve(m, v) == q {
			return true
		}
	}
	for _, r := range c.Env.OfType("AWS::Events::Rule") {
		for _, t := range r.List("Targets") {
			if v, ok := cfn.Lookup(t, "DeadLetterConfig", "Arn"); ok && c.Resolve(r, v) == q {
				return true
			}
		}
	}
	for _, s := range c.Env.OfType("AWS::SNS::Subscription") {
		if v, ok := s.Get("RedrivePolicy", "deadLetterTargetArn"); ok && c.Resolve(s, v) == q {
			return true
		}
	}
	return false
}

// sqsEncryption
//
//	Rule Identifier: LS-SQS-001
//	Description:     Queues encrypt with a rotated customer-managed KMS key.
//	Reports on:      AWS::SQS::Queue, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no queue in the stack.
//	  PASS: KmsMasterKeyId resolves to an AWS::KMS::Key with rotation.
//	  FAIL: no KmsMasterKeyId (SQS-managed SSE is not customer-managed), alias/aws/sqs, or a key without rotation.
func sqsEncryption() Control {
	return Control{
		ID: "LS-SQS-001", Title: "SQS queues encrypt with a rotated customer-managed KMS key", Severity: High,
		Seed: seedLabSecure, Sentence: "SQS queues are encrypted.", ResourceTypes: queueTypes,
		Remediation: "Set Encryption: awssqs.QueueEncryption_KMS and EncryptionMasterKey: a key from constructs/keys.",
		Check: perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
			return keyProblem(c, r, r.Properties["KmsMasterKeyId"], "KmsMasterKeyId")
		}),
	}
}

// sqsDLQ
//
//	Rule Identifier: LS-SQS-002
//	Description:     Every queue that is not itself a dead-letter queue has one (RedrivePolicy).
//	Reports on:      AWS::SQS::Queue
//	Scenarios:
//	  SKIP: no queue in the stack, or only dead-letter queues.
//	  PASS: RedrivePolicy.deadLetterTargetArn resolves to a queue and maxReceiveCount is set.
//	  FAIL: no RedrivePolicy, or one without a target or maxReceiveCount.
func sqsDLQ() Control {
	return Control{
		ID: "LS-SQS-002", Title: "SQS queues have a dead-letter queue", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "Dead letter queues are configured to capture and retain messages that fail processing, allowing for debugging and manual intervention when necessary.",
		ResourceTypes: queueTypes,
		Remediation:   "Set DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)} (constructs/messaging does this).",
		Check: perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
			if isDLQ(c, r) {
				return outOfScope
			}
			v, ok := r.Get("RedrivePolicy", "deadLetterTargetArn")
			if !ok {
				return "queue has no dead-letter queue (RedrivePolicy)"
			}
			if d := c.Resolve(r, v); d == nil || d.Type != "AWS::SQS::Queue" {
				return "RedrivePolicy.deadLetterTargetArn does not resolve to a queue of this environment"
			}
			if _, ok := r.Int("RedrivePolicy", "maxReceiveCount"); !ok {
				return "RedrivePolicy has no maxReceiveCount"
			}
			return ""
		}),
	}
}

// sqsDLQRetention
//
//	Rule Identifier: LS-SQS-003
//	Description:     Dead-letter queues retain messages for the maximum 14 days.
//	Reports on:      AWS::SQS::Queue
//	Scenarios:
//	  SKIP: no dead-letter queue in the stack.
//	  PASS: MessageRetentionPeriod is 1209600 seconds.
//	  FAIL: the default 4 days or any shorter retention.
func sqsDLQRetention() Control {
	return Control{
		ID: "LS-SQS-003", Title: "Dead-letter queues retain messages 14 days", Severity: Low,
		Seed:          seedLablogs,
		Sentence:      "Dead letter queues are configured to capture and retain messages that fail processing, allowing for debugging and manual intervention when necessary.",
		ResourceTypes: queueTypes,
		Remediation:   "Set RetentionPeriod: awscdk.Duration_Days(14) on the dead-letter queue.",
		Check: func(c *Context) []Finding {
			c.Skip("no dead-letter queue in this stack")
			return perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
				if !isDLQ(c, r) {
					return outOfScope
				}
				if n, _ := r.Int("MessageRetentionPeriod"); n < 1209600 {
					return "dead-letter queue keeps messages less than 14 days (MessageRetentionPeriod < 1209600)"
				}
				return ""
			})(c)
		},
	}
}

// sqsTLSOnly
//
//	Rule Identifier: LS-SQS-004
//	Description:     Queue policies deny requests without TLS.
//	Reports on:      AWS::SQS::Queue, AWS::SQS::QueuePolicy
//	Scenarios:
//	  SKIP: no queue in the stack.
//	  PASS: a queue policy naming the queue denies aws:SecureTransport false for principal *.
//	  FAIL: no such policy.
func sqsTLSOnly() Control {
	return Control{
		ID: "LS-SQS-004", Title: "SQS queues deny requests without TLS", Severity: Medium,
		Seed: seedLablogs, Sentence: sentTLS, ResourceTypes: []string{"AWS::SQS::Queue", "AWS::SQS::QueuePolicy"},
		Remediation: "Set EnforceSSL: jsii.Bool(true) on the queue.",
		Check: perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
			for _, doc := range policiesFor(c, r, "AWS::SQS::QueuePolicy", "Queues", "PolicyDocument") {
				if deniesInsecureTransport(doc) {
					return ""
				}
			}
			return "no queue policy denies requests where aws:SecureTransport is false"
		}),
	}
}

// sqsLongPolling
//
//	Rule Identifier: LS-SQS-005
//	Description:     Work queues use long polling.
//	Reports on:      AWS::SQS::Queue
//	Scenarios:
//	  SKIP: no queue in the stack, or only dead-letter queues.
//	  PASS: ReceiveMessageWaitTimeSeconds >= 1.
//	  FAIL: absent or 0 (short polling).
func sqsLongPolling() Control {
	return Control{
		ID: "LS-SQS-005", Title: "SQS work queues use long polling", Severity: Low,
		Seed: seedLabSecure, Sentence: "Worker polls this queue using long polling.", ResourceTypes: queueTypes,
		Remediation: "Set ReceiveMessageWaitTime: awscdk.Duration_Seconds(20) on the queue.",
		Check: perResource(queueTypes, func(c *Context, r *cfn.Resource) string {
			if isDLQ(c, r) {
				return outOfScope
			}
			if n, _ := r.Int("ReceiveMessageWaitTimeSeconds"); n < 1 {
				return "short polling: ReceiveMessageWaitTimeSeconds is not set above 0"
			}
			return ""
		}),
	}
}

// snsEncryption
//
//	Rule Identifier: LS-SNS-001
//	Description:     Topics encrypt with a rotated customer-managed KMS key.
//	Reports on:      AWS::SNS::Topic, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no topic in the stack.
//	  PASS: KmsMasterKeyId resolves to an AWS::KMS::Key with rotation.
//	  FAIL: unencrypted, alias/aws/sns, or a key without rotation.
func snsEncryption() Control {
	return Control{
		ID: "LS-SNS-001", Title: "SNS topics encrypt with a rotated customer-managed KMS key", Severity: High,
		Seed:     seedContember,
		Sentence: "All sensitive data handled by our application is encrypted using AWS Key Management Service (KMS).", ResourceTypes: topicTypes,
		Remediation: "Set MasterKey: a key from constructs/keys on the topic.",
		Check: perResource(topicTypes, func(c *Context, r *cfn.Resource) string {
			return keyProblem(c, r, r.Properties["KmsMasterKeyId"], "KmsMasterKeyId")
		}),
	}
}

// snsTLSOnly
//
//	Rule Identifier: LS-SNS-002
//	Description:     Topic policies deny publishing without TLS.
//	Reports on:      AWS::SNS::Topic, AWS::SNS::TopicPolicy
//	Scenarios:
//	  SKIP: no topic in the stack.
//	  PASS: a topic policy naming the topic denies aws:SecureTransport false for principal *.
//	  FAIL: no such policy.
func snsTLSOnly() Control {
	return Control{
		ID: "LS-SNS-002", Title: "SNS topics deny requests without TLS", Severity: Medium,
		Seed: seedLablogs, Sentence: sentTLS, ResourceTypes: []string{"AWS::SNS::Topic", "AWS::SNS::TopicPolicy"},
		Remediation: "Set EnforceSSL: jsii.Bool(true) on the topic.",
		Check: perResource(topicTypes, func(c *Context, r *cfn.Resource) string {
			for _, doc := range policiesFor(c, r, "AWS::SNS::TopicPolicy", "Topics", "PolicyDocument") {
				if deniesInsecureTransport(doc) {
					return ""
				}
			}
			return "no topic policy denies requests where aws:SecureTransport is false"
		}),
	}
}
