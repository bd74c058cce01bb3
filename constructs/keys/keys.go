// Package keys creates customer-managed KMS keys, one per purpose, with automatic rotation,
// an alias, and a key policy that lets only the AWS services using the key touch it.
package keys

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// Props configures one customer-managed key.
type Props struct {
	// Alias is the key's alias without the "alias/" prefix, e.g. "labsecure-prod-data".
	// Required.
	Alias string
	// Description says what the key protects. Default: "labsecure <alias> key".
	Description string
	// CloudWatchLogs lets the CloudWatch Logs service of the stack's region encrypt log
	// groups of this account with the key (scoped by the aws:logs:arn encryption context).
	// Default: false.
	CloudWatchLogs bool
	// ServicePrincipals lists AWS service principals that use the key directly rather than
	// on behalf of an IAM principal (for example "events.amazonaws.com" delivering to an
	// encrypted queue, "cloudwatch.amazonaws.com" publishing alarms to an encrypted topic).
	// Each gets only Decrypt and GenerateDataKey*, limited to this account with
	// aws:SourceAccount. Default: none.
	ServicePrincipals []string
	// RotationPeriod is the automatic rotation period (90 days to 7 years).
	// Default: 365 days. Rotation cannot be turned off.
	RotationPeriod time.Duration
	// PendingWindow is the waiting period before a deleted key is destroyed (7-30 days).
	// Default: 30 days.
	PendingWindow time.Duration
	// Retain keeps the key when the stack is deleted. Default: false (DESTROY, after the
	// pending window); environments with deletion protection set it.
	Retain bool
}

var (
	aliasRE     = regexp.MustCompile(`^[a-zA-Z0-9/_-]{1,250}$`)
	principalRE = regexp.MustCompile(`^[a-z0-9.-]+\.amazonaws\.com$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("keys: props are required; fix: pass &keys.Props{Alias: ...}")
	}
	if !aliasRE.MatchString(p.Alias) || len(p.Alias) >= 4 && p.Alias[:4] == "aws/" {
		return fmt.Errorf("keys: Alias %q is not a valid customer alias; fix: use letters, digits, '/', '_' or '-' (no \"alias/\" or \"aws/\" prefix)", p.Alias)
	}
	if p.RotationPeriod != 0 && (p.RotationPeriod < 90*24*time.Hour || p.RotationPeriod > 2560*24*time.Hour) {
		return fmt.Errorf("keys: RotationPeriod %s is outside what KMS allows; fix: use 90 to 2560 days (default 365)", p.RotationPeriod)
	}
	if p.PendingWindow != 0 && (p.PendingWindow < 7*24*time.Hour || p.PendingWindow > 30*24*time.Hour) {
		return fmt.Errorf("keys: PendingWindow %s is outside what KMS allows; fix: use 7 to 30 days (default 30)", p.PendingWindow)
	}
	for _, sp := range p.ServicePrincipals {
		if !principalRE.MatchString(sp) {
			return fmt.Errorf("keys: ServicePrincipals entry %q is not an AWS service principal; fix: use the form \"events.amazonaws.com\"", sp)
		}
	}
	return nil
}

// New creates a customer-managed symmetric key with rotation on.
func New(scope constructs.Construct, id string, props *Props) (awskms.Key, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	rotation := props.RotationPeriod
	if rotation == 0 {
		rotation = 365 * 24 * time.Hour
	}
	pending := props.PendingWindow
	if pending == 0 {
		pending = 30 * 24 * time.Hour
	}
	desc := props.Description
	if desc == "" {
		desc = "labsecure " + props.Alias + " key"
	}
	removal := removalpolicy.Of(props.Retain)
	key := awskms.NewKey(scope, jsii.String(id), &awskms.KeyProps{
		Alias:             jsii.String("alias/" + props.Alias),
		Description:       jsii.String(desc),
		EnableKeyRotation: jsii.Bool(true),
		RotationPeriod:    awscdk.Duration_Days(jsii.Number(rotation.Hours() / 24)),
		PendingWindow:     awscdk.Duration_Days(jsii.Number(pending.Hours() / 24)),
		RemovalPolicy:     removal,
	})
	stack := awscdk.Stack_Of(scope)
	if props.CloudWatchLogs {
		key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AllowCloudWatchLogsOfThisAccount"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
			Actions:    jsii.Strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{
				"ArnLike": map[string]any{
					"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", *stack.Partition(), *stack.Region(), *stack.Account()),
				},
			},
		}), jsii.Bool(false))
	}
	for i, sp := range props.ServicePrincipals {
		key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(fmt.Sprintf("AllowService%d", i)),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(sp), nil)},
			Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": *stack.Account()},
			},
		}), jsii.Bool(false))
	}
	return key, nil
}
