package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/api"
	"github.com/labsecure/labsecure/constructs/audit"
	"github.com/labsecure/labsecure/constructs/keys"
	"github.com/labsecure/labsecure/constructs/messaging"
	"github.com/labsecure/labsecure/constructs/network"
	"github.com/labsecure/labsecure/constructs/storage"
	"github.com/labsecure/labsecure/infra/config"
)

// Keys are the environment's customer-managed keys, one per purpose.
type Keys struct {
	// Data encrypts data at rest: S3 objects, DynamoDB tables, databases, backups.
	Data awskms.Key
	// Logs encrypts CloudWatch log groups (its policy admits CloudWatch Logs).
	Logs awskms.Key
	// Messaging encrypts SQS queues and SNS topics (its policy admits EventBridge and
	// CloudWatch alarms, which deliver to them).
	Messaging awskms.Key
	// Secrets encrypts Secrets Manager secrets.
	Secrets awskms.Key
}

// Foundation is what every other stack of the environment builds on.
type Foundation struct {
	Stack     awscdk.Stack
	Keys      Keys
	Network   *network.Network
	LogBucket awss3.Bucket
	// AlarmTopic receives every alarm and GuardDuty finding (encrypted, e-mail subscription).
	AlarmTopic awssns.Topic
	// GuardDuty is the account's threat detection, findings to AlarmTopic (seed 003).
	GuardDuty *audit.GuardDuty
}

// NewFoundation creates the foundation stack: keys, VPC with flow logs and endpoints, the log
// bucket, the alarm topic and GuardDuty.
func NewFoundation(scope constructs.Construct, env *config.Environment) (*Foundation, error) {
	stack, err := newStack(scope, env, "foundation", "security", "KMS keys, VPC, flow logs, log bucket")
	if err != nil {
		return nil, err
	}
	f := &Foundation{Stack: stack}
	retain := env.DeletionProtection
	specs := []struct {
		id, purpose string
		props       keys.Props
		dst         *awskms.Key
	}{
		{"DataKey", "data", keys.Props{Description: "data at rest: S3, DynamoDB, Aurora, DocumentDB, ElastiCache, backups"}, &f.Keys.Data},
		{"LogsKey", "logs", keys.Props{Description: "CloudWatch Logs", CloudWatchLogs: true}, &f.Keys.Logs},
		{"MessagingKey", "messaging", keys.Props{Description: "SQS queues and SNS topics",
			ServicePrincipals: []string{"events.amazonaws.com", "cloudwatch.amazonaws.com"}}, &f.Keys.Messaging},
		{"SecretsKey", "secrets", keys.Props{Description: "Secrets Manager secrets"}, &f.Keys.Secrets},
	}
	for _, s := range specs {
		p := s.props
		p.Alias = env.Prefix() + "-" + s.purpose
		p.Retain = retain
		k, err := keys.New(stack, s.id, &p)
		if err != nil {
			return nil, fmt.Errorf("foundation %s: %w", s.id, err)
		}
		*s.dst = k
	}
	f.Network, err = network.New(stack, "Network", &network.Props{
		CIDR:                 env.VPCCIDR,
		AvailabilityZones:    env.AvailabilityZones(),
		NATGateways:          env.NATGateways,
		FlowLogKey:           f.Keys.Logs,
		FlowLogRetentionDays: env.AuditLogRetentionDays,
		Retain:               retain,
	})
	if err != nil {
		return nil, fmt.Errorf("foundation network: %w", err)
	}
	f.LogBucket, err = storage.NewLogBucket(stack, "LogBucket", &storage.LogBucketProps{
		NoncurrentVersionDays: env.NoncurrentVersionDays,
		GlacierAfterDays:      env.LogArchiveGlacierDays,
		ExpireAfterDays:       env.LogExpirationDays,
		Retain:                retain,
	})
	if err != nil {
		return nil, fmt.Errorf("foundation log bucket: %w", err)
	}
	f.AlarmTopic, err = messaging.NewTopic(stack, "Alarms", &messaging.TopicProps{
		TopicName:   env.Prefix() + "-alarms",
		DisplayName: "labsecure " + env.Name + " alarms",
		Key:         f.Keys.Messaging,
		Email:       env.AlarmEmail,
	})
	if err != nil {
		return nil, fmt.Errorf("foundation alarm topic: %w", err)
	}
	// API Gateway execution logging needs the account's CloudWatch role (one per account and
	// region: environments are separate accounts, like the GuardDuty detector).
	api.NewAccountCloudWatchRole(stack, "ApiGatewayAccount")
	if f.GuardDuty, err = audit.NewGuardDuty(stack, "ThreatDetection", &audit.GuardDutyProps{AlarmTopic: f.AlarmTopic}); err != nil {
		return nil, fmt.Errorf("foundation GuardDuty: %w", err)
	}
	return f, nil
}
