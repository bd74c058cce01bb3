package audit

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsguardduty"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// GuardDutyFeatures are the detector features enabled by default (CloudFormation feature
// names). RUNTIME_MONITORING comes with automated agent management for ECS Fargate, EC2 and
// EKS.
var GuardDutyFeatures = []string{
	"S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS",
	"EKS_AUDIT_LOGS", "RUNTIME_MONITORING",
}

// runtimeAgents are the RUNTIME_MONITORING additional configurations.
var runtimeAgents = []string{"ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT", "EKS_ADDON_MANAGEMENT"}

// DefaultFindingSeverity is the lowest severity sent to the alarm topic: 7.0, GuardDuty's
// "High" (and "Critical", 9.0 and above).
const DefaultFindingSeverity = 7.0

// GuardDutyProps configures the detector.
type GuardDutyProps struct {
	// AlarmTopic receives the findings. Required; its key must admit events.amazonaws.com.
	AlarmTopic awssns.ITopic
	// MinSeverity is the lowest finding severity sent to the topic (1.0-10.0). Default: 7.0.
	MinSeverity float64
	// DisableFeatures turns off some of GuardDutyFeatures (e.g. "EKS_AUDIT_LOGS" in an
	// account without EKS). Default: none; every feature is enabled.
	DisableFeatures []string
}

// Validate reports the first invalid prop, naming it and the fix.
func (p *GuardDutyProps) Validate() error {
	if p == nil {
		return fmt.Errorf("audit: GuardDuty props are required; fix: pass &audit.GuardDutyProps{AlarmTopic: ...}")
	}
	if p.AlarmTopic == nil {
		return fmt.Errorf("audit: AlarmTopic is nil; fix: pass the environment's alarm topic (audit.NewAlarmTopic)")
	}
	if p.MinSeverity != 0 && (p.MinSeverity < 1 || p.MinSeverity > 10) {
		return fmt.Errorf("audit: MinSeverity %.1f is outside GuardDuty's scale; fix: use 1.0 to 10.0 (default 7.0, High and Critical)", p.MinSeverity)
	}
	for _, f := range p.DisableFeatures {
		if !slices.Contains(GuardDutyFeatures, f) {
			return fmt.Errorf("audit: DisableFeatures entry %q is not a detector feature; fix: use one of %v", f, GuardDutyFeatures)
		}
	}
	return nil
}

// GuardDuty is the detector and its findings rule.
type GuardDuty struct {
	Detector     awsguardduty.CfnDetector
	FindingsRule awsevents.Rule
}

// NewGuardDuty creates the enabled detector (findings published every 15 minutes) with its
// features and the rule that forwards findings at or above MinSeverity to the alarm topic.
func NewGuardDuty(scope constructs.Construct, id string, props *GuardDutyProps) (*GuardDuty, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	minSeverity := props.MinSeverity
	if minSeverity == 0 {
		minSeverity = DefaultFindingSeverity
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	var features []any
	for _, name := range GuardDutyFeatures {
		status := "ENABLED"
		if slices.Contains(props.DisableFeatures, name) {
			status = "DISABLED"
		}
		f := &awsguardduty.CfnDetector_CFNFeatureConfigurationProperty{Name: jsii.String(name), Status: jsii.String(status)}
		if name == "RUNTIME_MONITORING" {
			var extra []any
			for _, a := range runtimeAgents {
				extra = append(extra, &awsguardduty.CfnDetector_CFNFeatureAdditionalConfigurationProperty{Name: jsii.String(a), Status: jsii.String(status)})
			}
			f.AdditionalConfiguration = &extra
		}
		features = append(features, f)
	}
	detector := awsguardduty.NewCfnDetector(self, jsii.String("Resource"), &awsguardduty.CfnDetectorProps{
		Enable:                     jsii.Bool(true),
		FindingPublishingFrequency: jsii.String("FIFTEEN_MINUTES"),
		Features:                   &features,
	})
	rule := awsevents.NewRule(self, jsii.String("Findings"), &awsevents.RuleProps{
		Description: jsii.String(fmt.Sprintf("GuardDuty findings with severity >= %.1f to the alarm topic", minSeverity)),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("aws.guardduty"),
			DetailType: jsii.Strings("GuardDuty Finding"),
			Detail: &map[string]any{
				"severity": []any{map[string]any{"numeric": []any{">=", minSeverity}}},
			},
		},
	})
	rule.AddTarget(awseventstargets.NewSnsTopic(props.AlarmTopic, &awseventstargets.SnsTopicProps{
		Message: awsevents.RuleTargetInput_FromObject(map[string]any{
			"source":    "GuardDuty",
			"severity":  awsevents.EventField_FromPath(jsii.String("$.detail.severity")),
			"type":      awsevents.EventField_FromPath(jsii.String("$.detail.type")),
			"title":     awsevents.EventField_FromPath(jsii.String("$.detail.title")),
			"account":   awsevents.EventField_Account(),
			"region":    awsevents.EventField_Region(),
			"findingId": awsevents.EventField_FromPath(jsii.String("$.detail.id")),
		}),
	}))
	return &GuardDuty{Detector: detector, FindingsRule: rule}, nil
}
