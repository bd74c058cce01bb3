package audit

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/messaging"
)

// AlarmTopicProps configures the environment's alarm topic.
type AlarmTopicProps struct {
	// TopicName is the topic's name, e.g. "labsecure-prod-alarms". Default: generated.
	TopicName string
	// Key encrypts the topic. Required; its policy must admit cloudwatch.amazonaws.com
	// (alarms) and events.amazonaws.com (GuardDuty findings): keys.Props.ServicePrincipals.
	Key awskms.IKey
	// Email is the operations address subscribed to the topic. Required: alarms nobody reads
	// are no control.
	Email string
}

// NewAlarmTopic creates the SNS topic that alarms and findings notify: KMS-encrypted, TLS-only,
// with an e-mail subscription (confirmed by the recipient).
func NewAlarmTopic(scope constructs.Construct, id string, props *AlarmTopicProps) (awssns.Topic, error) {
	if props == nil {
		return nil, fmt.Errorf("audit: alarm topic props are required; fix: pass &audit.AlarmTopicProps{Key: ..., Email: ...}")
	}
	if props.Email == "" {
		return nil, fmt.Errorf("audit: Email is empty; fix: pass the operations e-mail address that receives alarms")
	}
	t, err := messaging.NewTopic(scope, id, &messaging.TopicProps{
		TopicName: props.TopicName, DisplayName: "labsecure alarms", Key: props.Key, Email: props.Email,
	})
	if err != nil {
		return nil, fmt.Errorf("audit: alarm topic: %w", err)
	}
	return t, nil
}
