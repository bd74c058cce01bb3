package messaging

import (
	"fmt"
	"net/mail"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// TopicProps configures an SNS topic.
type TopicProps struct {
	// TopicName is the topic's name. Default: generated.
	TopicName string
	// DisplayName is the sender name of e-mail notifications. Default: none.
	DisplayName string
	// Key encrypts messages at rest (SSE-KMS). Required. Its policy must admit the services
	// that publish (cloudwatch.amazonaws.com for alarms, events.amazonaws.com for rules).
	Key awskms.IKey
	// Email subscribes this address (the subscription stays pending until confirmed).
	// Default: no subscription. Notifications must never carry PHI.
	Email string
}

var topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *TopicProps) Validate() error {
	if p == nil {
		return fmt.Errorf("messaging: topic props are required; fix: pass &messaging.TopicProps{Key: ...}")
	}
	if p.TopicName != "" && !topicNameRE.MatchString(p.TopicName) {
		return fmt.Errorf("messaging: TopicName %q is not a valid topic name; fix: use 1-256 letters, digits, '-' or '_'", p.TopicName)
	}
	if len(p.DisplayName) > 100 {
		return fmt.Errorf("messaging: DisplayName is %d characters; fix: use at most 100", len(p.DisplayName))
	}
	if p.Key == nil {
		return fmt.Errorf("messaging: Key is nil; fix: pass the messaging key (topics are always SSE-KMS)")
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			return fmt.Errorf("messaging: Email %q is not a bare e-mail address; fix: use the form ops@example.com", p.Email)
		}
	}
	return nil
}

// NewTopic creates an SNS topic encrypted with the key, with a topic policy that denies
// publishing or subscribing without TLS, SHA256 message signatures, and an optional e-mail
// subscription.
func NewTopic(scope constructs.Construct, id string, props *TopicProps) (awssns.Topic, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	tp := &awssns.TopicProps{
		MasterKey:        props.Key,
		EnforceSSL:       jsii.Bool(true),
		SignatureVersion: jsii.String("2"), // SHA256-signed notifications
	}
	if props.TopicName != "" {
		tp.TopicName = jsii.String(props.TopicName)
	}
	if props.DisplayName != "" {
		tp.DisplayName = jsii.String(props.DisplayName)
	}
	topic := awssns.NewTopic(scope, jsii.String(id), tp)
	if props.Email != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(props.Email), nil))
	}
	return topic, nil
}
