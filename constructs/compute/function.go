package compute

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// GoFunctionProps configures a Go Lambda function built ahead of synth.
type GoFunctionProps struct {
	// AssetDir is the directory holding the prebuilt `bootstrap` binary (linux/arm64),
	// e.g. "build/lambdas/ingest" produced by `make lambdas`. Required.
	AssetDir string
	// Vpc is the VPC whose private subnets run the function. Required.
	Vpc awsec2.IVpc
	// EnvironmentKey encrypts the function's environment variables. Required.
	EnvironmentKey awskms.IKey
	// LogsKey encrypts the function's log group (its policy must allow CloudWatch Logs). Required.
	LogsKey awskms.IKey
	// LogRetentionDays is the log retention (a CloudWatch Logs value). Required.
	LogRetentionDays int
	// FunctionName names the function. Default: generated.
	FunctionName string
	// Description describes the function. Default: none.
	Description string
	// Environment are plain environment variables (encrypted at rest with EnvironmentKey).
	// Default: none.
	Environment map[string]string
	// Timeout is the function timeout, 1 s to 15 min, whole seconds. Default: 30 s.
	Timeout time.Duration
	// MemoryMiB is the memory size, 128 to 10240. Default: 256.
	MemoryMiB int
	// ReservedConcurrency reserves (and caps) concurrent executions. Default: 0 (no
	// reservation; the account's unreserved pool).
	ReservedConcurrency int
	// OnFailure receives the events of asynchronous invocations that failed every retry
	// (on-failure destination, with the error context). Default: none (synchronous callers
	// and event-source mappings handle failures themselves).
	OnFailure awssqs.IQueue
	// SecretsExtension adds the AWS Parameters and Secrets Lambda extension (a cached local
	// HTTP endpoint for Secrets Manager and Parameter Store, on PARAMETERS_SECRETS_EXTENSION_
	// HTTP_PORT), so handlers read secrets without the Secrets Manager SDK. Reading a secret
	// still needs secretsmanager:GetSecretValue granted on it. Default: false.
	SecretsExtension bool
	// DeadLetterQueue receives the events of asynchronous invocations that failed every
	// retry (classic dead-letter queue: the event only). Default: none.
	DeadLetterQueue awssqs.IQueue
	// AlarmTopic receives the function's Errors alarm (one or more errors in 5 minutes).
	// Required: an alarm nobody receives alerts nobody.
	AlarmTopic awssns.ITopic
}

var functionNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Validate reports the first invalid prop, naming it and the fix. It checks the file
// system: AssetDir must hold a `bootstrap` file.
func (p *GoFunctionProps) Validate() error {
	const pkg = "compute: go function"
	if p == nil {
		return fmt.Errorf("%s props are required; fix: pass &compute.GoFunctionProps{AssetDir: ..., Vpc: ...}", pkg)
	}
	if p.AssetDir == "" {
		return fmt.Errorf("%s AssetDir is empty; fix: pass the handler's build directory (e.g. build/lambdas/ingest) after running make lambdas", pkg)
	}
	bootstrap := filepath.Join(p.AssetDir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%s AssetDir %q has no bootstrap file; fix: run make lambdas (it builds linux/arm64 bootstrap binaries into build/lambdas/<name>)", pkg, p.AssetDir)
	}
	if p.Vpc == nil {
		return fmt.Errorf("%s Vpc is nil; fix: pass the environment's VPC (the function runs in its private subnets)", pkg)
	}
	if p.EnvironmentKey == nil {
		return fmt.Errorf("%s EnvironmentKey is nil; fix: pass a customer-managed key to encrypt the environment variables", pkg)
	}
	if p.LogsKey == nil {
		return fmt.Errorf("%s LogsKey is nil; fix: pass the logs key (its policy must allow CloudWatch Logs)", pkg)
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("%s LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", pkg, p.LogRetentionDays, logs.RetentionValues)
	}
	if p.AlarmTopic == nil {
		return fmt.Errorf("%s AlarmTopic is nil; fix: pass the environment's alarm topic (the function's Errors alarm notifies it)", pkg)
	}
	if p.FunctionName != "" && !functionNameRE.MatchString(p.FunctionName) {
		return fmt.Errorf("%s FunctionName %q is invalid; fix: use 1-64 letters, digits, '-' or '_'", pkg, p.FunctionName)
	}
	for name := range p.Environment {
		if !envNameRE.MatchString(name) {
			return fmt.Errorf("%s Environment name %q is invalid; fix: use letters, digits and '_' (not starting with a digit)", pkg, name)
		}
	}
	if p.Timeout != 0 && (p.Timeout < time.Second || p.Timeout > 15*time.Minute || p.Timeout%time.Second != 0) {
		return fmt.Errorf("%s Timeout %s is invalid; fix: use whole seconds from 1s to 15m (default 30s)", pkg, p.Timeout)
	}
	if p.MemoryMiB != 0 && (p.MemoryMiB < 128 || p.MemoryMiB > 10240) {
		return fmt.Errorf("%s MemoryMiB %d is out of range; fix: use 128 to 10240 (default 256)", pkg, p.MemoryMiB)
	}
	if p.ReservedConcurrency < 0 {
		return fmt.Errorf("%s ReservedConcurrency %d is negative; fix: use 0 (no reservation) or a positive cap", pkg, p.ReservedConcurrency)
	}
	return nil
}

// GoFunction is a Lambda function with its own role, security group and log group.
type GoFunction struct {
	Function awslambda.Function
	// ErrorsAlarm fires on one or more errors in 5 minutes.
	ErrorsAlarm awscloudwatch.Alarm
	// Role is the function's own role: grant it what the handler needs.
	Role          awsiam.Role
	SecurityGroup awsec2.SecurityGroup
	LogGroup      awslogs.LogGroup
}

// NewGoFunction creates a Lambda function from a prebuilt bootstrap: runtime provided.al2023
// on arm64, in the private subnets with its own security group (no inbound rule, HTTPS out),
// its own role (logs to its own log group, VPC network interfaces, X-Ray; callers add the
// rest with grants), an encrypted log group with explicit retention, environment encrypted
// with EnvironmentKey, X-Ray tracing active, JSON logs, an Errors alarm notifying AlarmTopic,
// and an optional on-failure destination and/or dead-letter queue for asynchronous
// invocations.
func NewGoFunction(scope constructs.Construct, id string, props *GoFunctionProps) (*GoFunction, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	timeout := props.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	memory := props.MemoryMiB
	if memory == 0 {
		memory = 256
	}
	lg, err := logs.New(self, "Logs", &logs.Props{Key: props.LogsKey, RetentionDays: props.LogRetentionDays})
	if err != nil {
		return nil, fmt.Errorf("compute: go function log group: %w", err)
	}
	role := awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Lambda " + id + ": its own log group, VPC interfaces, X-Ray; the rest by grants"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("OwnLogGroup"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*lg.LogGroupArn()),
	}))
	// ENI management cannot be scoped to resources: Lambda creates the interfaces itself.
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("VpcNetworkInterfaces"),
		Actions: jsii.Strings("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
			"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
		Resources: jsii.Strings("*"),
	}))
	sg := awsec2.NewSecurityGroup(self, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("Lambda " + id + ": no inbound traffic, HTTPS out"),
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS to AWS APIs"), nil)

	env := map[string]*string{}
	for k, v := range props.Environment {
		env[k] = jsii.String(v)
	}
	fp := &awslambda.FunctionProps{
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(props.AssetDir), nil),
		Role:                  role,
		Vpc:                   props.Vpc,
		VpcSubnets:            &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		SecurityGroups:        &[]awsec2.ISecurityGroup{sg},
		LogGroup:              lg,
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		Tracing:               awslambda.Tracing_ACTIVE,
		EnvironmentEncryption: props.EnvironmentKey,
		Environment:           &env,
		Timeout:               awscdk.Duration_Seconds(jsii.Number(timeout.Seconds())),
		MemorySize:            jsii.Number(float64(memory)),
	}
	if props.FunctionName != "" {
		fp.FunctionName = jsii.String(props.FunctionName)
	}
	if props.SecretsExtension {
		fp.ParamsAndSecrets = awslambda.ParamsAndSecretsLayerVersion_FromVersion(awslambda.ParamsAndSecretsVersions_V1_0_103,
			&awslambda.ParamsAndSecretsOptions{CacheEnabled: jsii.Bool(true), LogLevel: awslambda.ParamsAndSecretsLogLevel_WARN})
	}
	if props.Description != "" {
		fp.Description = jsii.String(props.Description)
	}
	if props.ReservedConcurrency > 0 {
		fp.ReservedConcurrentExecutions = jsii.Number(float64(props.ReservedConcurrency))
	}
	if props.OnFailure != nil {
		fp.OnFailure = awslambdadestinations.NewSqsDestination(props.OnFailure)
	}
	if props.DeadLetterQueue != nil {
		fp.DeadLetterQueue = props.DeadLetterQueue
	}
	fn := awslambda.NewFunction(self, jsii.String("Resource"), fp)
	alarm := fn.MetricErrors(&awscloudwatch.MetricOptions{
		Period:    awscdk.Duration_Minutes(jsii.Number(5)),
		Statistic: jsii.String("Sum"),
	}).CreateAlarm(self, jsii.String("ErrorsAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Lambda " + id + " reported errors"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(props.AlarmTopic))
	return &GoFunction{Function: fn, ErrorsAlarm: alarm, Role: role, SecurityGroup: sg, LogGroup: lg}, nil
}
