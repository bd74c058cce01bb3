package audit

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsappconfig"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// FeatureFlagsProfileType is the AppConfig configuration profile type of feature flags.
const FeatureFlagsProfileType = "AWS.AppConfig.FeatureFlags"

// DefaultDeploymentStrategy is the predefined AppConfig strategy used when none is given.
const DefaultDeploymentStrategy = "AppConfig.AllAtOnce"

// Flag is one feature flag.
type Flag struct {
	// Name is the flag key, e.g. "frequency-v2". Required: a letter, then up to 63 letters,
	// digits, '_' or '-'.
	Name string
	// Description says what the flag turns on. Default: none.
	Description string
	// Enabled is the flag's value. Default: false (off).
	Enabled bool
	// CustomerIDs limits the feature to these customers (a "customerIds" attribute the
	// application checks). Default: none (the flag applies to everyone).
	CustomerIDs []string
}

// SeedFlags are the flags seed 000 describes: frequency-v1 and frequency-v2 for the given
// customers, blocker and schedule-history for everyone.
func SeedFlags(frequencyCustomerIDs []string) []Flag {
	return []Flag{
		{Name: "frequency-v1", Description: "frequency management v1", Enabled: true, CustomerIDs: frequencyCustomerIDs},
		{Name: "frequency-v2", Description: "frequency management v2", Enabled: true, CustomerIDs: frequencyCustomerIDs},
		{Name: "blocker", Description: "blocker", Enabled: true},
		{Name: "schedule-history", Description: "schedule history", Enabled: true},
	}
}

// FeatureFlagsProps configures the AppConfig feature flags.
type FeatureFlagsProps struct {
	// Application is the AppConfig application name, e.g. "labsecure". Required.
	Application string
	// Environment is the AppConfig environment name, e.g. "prod". Required.
	Environment string
	// Flags are the flags of the hosted version. Required: at least one (SeedFlags for seed
	// 000's set).
	Flags []Flag
	// Key encrypts the hosted configuration. Required.
	Key awskms.IKey
	// DeploymentStrategyID is the AppConfig deployment strategy. Default:
	// "AppConfig.AllAtOnce"; prod may use e.g. "AppConfig.Linear20PercentEvery6Minutes".
	DeploymentStrategyID string
}

var (
	appConfigNameRE = regexp.MustCompile(`^[A-Za-z0-9 _.-]{1,64}$`)
	flagNameRE      = regexp.MustCompile(`^[a-z][a-zA-Z0-9_-]{0,63}$`)
	strategyRE      = regexp.MustCompile(`^([A-Za-z0-9.]{1,64}|[a-z0-9]{4,7})$`)
	customerIDRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *FeatureFlagsProps) Validate() error {
	if p == nil {
		return fmt.Errorf("audit: feature flag props are required; fix: pass &audit.FeatureFlagsProps{Application: ..., Environment: ..., Flags: ..., Key: ...}")
	}
	if !appConfigNameRE.MatchString(p.Application) {
		return fmt.Errorf("audit: Application %q is invalid; fix: use 1-64 letters, digits, spaces, '.', '_' or '-'", p.Application)
	}
	if !appConfigNameRE.MatchString(p.Environment) {
		return fmt.Errorf("audit: Environment %q is invalid; fix: use 1-64 letters, digits, spaces, '.', '_' or '-', e.g. \"prod\"", p.Environment)
	}
	if len(p.Flags) == 0 {
		return fmt.Errorf("audit: Flags is empty; fix: pass at least one flag (audit.SeedFlags for seed 000's set)")
	}
	var seen []string
	for i, f := range p.Flags {
		if !flagNameRE.MatchString(f.Name) {
			return fmt.Errorf("audit: Flags[%d].Name %q is invalid; fix: start with a lower-case letter, then up to 63 letters, digits, '_' or '-'", i, f.Name)
		}
		if slices.Contains(seen, f.Name) {
			return fmt.Errorf("audit: Flags[%d].Name %q is used twice; fix: give every flag its own name", i, f.Name)
		}
		seen = append(seen, f.Name)
		for _, c := range f.CustomerIDs {
			if !customerIDRE.MatchString(c) {
				return fmt.Errorf("audit: Flags[%d].CustomerIDs entry %q is invalid; fix: use 1-64 letters, digits, '_' or '-'", i, c)
			}
		}
	}
	if p.Key == nil {
		return fmt.Errorf("audit: Key is nil; fix: pass a customer-managed key for the hosted configuration")
	}
	if p.DeploymentStrategyID != "" && !strategyRE.MatchString(p.DeploymentStrategyID) {
		return fmt.Errorf("audit: DeploymentStrategyID %q is invalid; fix: use a predefined strategy such as \"AppConfig.AllAtOnce\" or a strategy ID", p.DeploymentStrategyID)
	}
	return nil
}

// FeatureFlagsContent renders flags in the AWS.AppConfig.FeatureFlags format (version 1).
func FeatureFlagsContent(flags []Flag) (string, error) {
	defs := map[string]any{}
	values := map[string]any{}
	for _, f := range flags {
		def := map[string]any{"name": f.Name}
		if f.Description != "" {
			def["description"] = f.Description
		}
		val := map[string]any{"enabled": f.Enabled}
		if len(f.CustomerIDs) > 0 {
			def["attributes"] = map[string]any{
				"customerIds": map[string]any{"constraints": map[string]any{"type": "array", "elements": map[string]any{"type": "string"}}},
			}
			val["customerIds"] = f.CustomerIDs
		}
		defs[f.Name] = def
		values[f.Name] = val
	}
	b, err := json.Marshal(map[string]any{"version": "1", "flags": defs, "values": values})
	if err != nil {
		return "", fmt.Errorf("render feature flags: %w", err)
	}
	return string(b), nil
}

// FeatureFlags is the AppConfig application and what hangs off it.
type FeatureFlags struct {
	Application awsappconfig.CfnApplication
	Environment awsappconfig.CfnEnvironment
	Profile     awsappconfig.CfnConfigurationProfile
	Version     awsappconfig.CfnHostedConfigurationVersion
	Deployment  awsappconfig.CfnDeployment
}

// NewFeatureFlags creates the AppConfig application, environment, a feature-flag configuration
// profile (hosted, KMS-encrypted), a hosted version with the flags and its deployment.
func NewFeatureFlags(scope constructs.Construct, id string, props *FeatureFlagsProps) (*FeatureFlags, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	content, err := FeatureFlagsContent(props.Flags)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	strategy := props.DeploymentStrategyID
	if strategy == "" {
		strategy = DefaultDeploymentStrategy
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	app := awsappconfig.NewCfnApplication(self, jsii.String("Application"), &awsappconfig.CfnApplicationProps{
		Name: jsii.String(props.Application), Description: jsii.String("labsecure feature flags"),
	})
	env := awsappconfig.NewCfnEnvironment(self, jsii.String("Environment"), &awsappconfig.CfnEnvironmentProps{
		ApplicationId: app.Ref(), Name: jsii.String(props.Environment),
	})
	profile := awsappconfig.NewCfnConfigurationProfile(self, jsii.String("Profile"), &awsappconfig.CfnConfigurationProfileProps{
		ApplicationId:    app.Ref(),
		Name:             jsii.String("feature-flags"),
		LocationUri:      jsii.String("hosted"),
		Type:             jsii.String(FeatureFlagsProfileType),
		KmsKeyIdentifier: props.Key.KeyArn(),
	})
	version := awsappconfig.NewCfnHostedConfigurationVersion(self, jsii.String("Version"), &awsappconfig.CfnHostedConfigurationVersionProps{
		ApplicationId:          app.Ref(),
		ConfigurationProfileId: profile.Ref(),
		ContentType:            jsii.String("application/json"),
		Content:                jsii.String(content),
	})
	deployment := awsappconfig.NewCfnDeployment(self, jsii.String("Deployment"), &awsappconfig.CfnDeploymentProps{
		ApplicationId:          app.Ref(),
		EnvironmentId:          env.Ref(),
		ConfigurationProfileId: profile.Ref(),
		ConfigurationVersion:   version.Ref(),
		DeploymentStrategyId:   jsii.String(strategy),
		KmsKeyIdentifier:       props.Key.KeyArn(),
	})
	return &FeatureFlags{Application: app, Environment: env, Profile: profile, Version: version, Deployment: deployment}, nil
}
