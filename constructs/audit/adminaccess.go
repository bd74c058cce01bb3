package audit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// Session limits of the admin Session document.
const (
	DefaultIdleSessionTimeout = 20 * time.Minute
	DefaultMaxSessionDuration = 60 * time.Minute
	DefaultAdminInstanceType  = "t4g.nano"
)

// AdminAccessProps configures the Session Manager admin access path (package doc).
type AdminAccessProps struct {
	// Name prefixes the Session document, e.g. "labsecure-prod" gives
	// "labsecure-prod-admin-session". Required: 3-100 letters, digits, '_', '-' or '.'.
	Name string
	// Vpc hosts the instance in its private (egress) subnets. Required.
	Vpc awsec2.IVpc
	// VolumeKey encrypts the instance's root volume. Required (the data key).
	VolumeKey awskms.IKey
	// LogKey encrypts the session log group and the session data stream. Required (the logs
	// key).
	LogKey awskms.IKey
	// LogRetentionDays is the session log retention (a CloudWatch Logs value). Required.
	LogRetentionDays int
	// InstanceType is an arm64 (Graviton) instance type. Default: "t4g.nano".
	InstanceType string
	// IdleSessionTimeout ends idle sessions (1-60 minutes). Default: 20 minutes.
	IdleSessionTimeout time.Duration
	// MaxSessionDuration ends any session (1 minute to 24 hours). Default: 60 minutes.
	MaxSessionDuration time.Duration
	// Retain keeps the session log group on stack deletion. Default: false.
	Retain bool
}

var (
	ssmDocNameRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,100}$`)
	graviton      = regexp.MustCompile(`^[a-z][0-9]+g[a-z]*\.[a-z0-9]+$`)
	reservedDocRE = regexp.MustCompile(`^(?i)(aws|amazon|amzn)`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *AdminAccessProps) Validate() error {
	if p == nil {
		return fmt.Errorf("audit: admin access props are required; fix: pass &audit.AdminAccessProps{Name: ..., Vpc: ..., VolumeKey: ..., LogKey: ..., LogRetentionDays: ...}")
	}
	if !ssmDocNameRE.MatchString(p.Name) || reservedDocRE.MatchString(p.Name) || strings.Contains(p.Name, "..") {
		return fmt.Errorf("audit: Name %q is invalid; fix: use 3-100 letters, digits, '_', '-' or '.', not starting with aws, amazon or amzn", p.Name)
	}
	if p.Vpc == nil {
		return fmt.Errorf("audit: Vpc is nil; fix: pass the environment's VPC (the instance goes to its private subnets)")
	}
	if p.VolumeKey == nil {
		return fmt.Errorf("audit: VolumeKey is nil; fix: pass the data key so the root volume is encrypted with a CMK")
	}
	if p.LogKey == nil {
		return fmt.Errorf("audit: LogKey is nil; fix: pass the logs key for the session logs")
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("audit: LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", p.LogRetentionDays, logs.RetentionValues)
	}
	if p.InstanceType != "" && !graviton.MatchString(p.InstanceType) {
		return fmt.Errorf("audit: InstanceType %q is not an arm64 (Graviton) type; fix: use e.g. \"t4g.nano\" (the image is Amazon Linux 2023 arm64)", p.InstanceType)
	}
	if v := p.IdleSessionTimeout; v != 0 && (v < time.Minute || v > time.Hour || v%time.Minute != 0) {
		return fmt.Errorf("audit: IdleSessionTimeout %s is invalid; fix: use whole minutes from 1m to 60m (default 20m)", v)
	}
	if v := p.MaxSessionDuration; v != 0 && (v < time.Minute || v > 24*time.Hour || v%time.Minute != 0) {
		return fmt.Errorf("audit: MaxSessionDuration %s is invalid; fix: use whole minutes from 1m to 24h (default 60m)", v)
	}
	return nil
}

// AdminAccess is the admin instance and what controls access to it.
type AdminAccess struct {
	Instance      awsec2.Instance
	SecurityGroup awsec2.SecurityGroup
	Role          awsiam.IRole
	// SessionDocument is the Session Manager document admins must use (encrypted, logged).
	SessionDocument awsssm.CfnDocument
	SessionLogs     awslogs.LogGroup
	// AdminSessionPolicy lets a principal start sessions on this instance only with the
	// session document and manage only its own sessions. Attach it to the administrators'
	// role or permission set (with MFA on that path). It grants no Describe* on "*": sessions
	// are started with the CLI (aws ssm start-session --target <id> --document-name <doc>).
	AdminSessionPolicy awsiam.ManagedPolicy
}

// NewAdminAccess creates the Session Manager admin path: an instance in a private subnet with no
// inbound rules (egress HTTPS only), IMDSv2 required, a CMK-encrypted root volume and only the
// SSM managed-instance role; a Session document that encrypts sessions with KMS and logs them
// to an encrypted log group; and the policy administrators need to use it.
func NewAdminAccess(scope constructs.Construct, id string, props *AdminAccessProps) (*AdminAccess, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	instanceType := props.InstanceType
	if instanceType == "" {
		instanceType = DefaultAdminInstanceType
	}
	idle, maxDur := props.IdleSessionTimeout, props.MaxSessionDuration
	if idle == 0 {
		idle = DefaultIdleSessionTimeout
	}
	if maxDur == 0 {
		maxDur = DefaultMaxSessionDuration
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	sessionLogs, err := logs.New(self, "SessionLogs", &logs.Props{Key: props.LogKey, RetentionDays: props.LogRetentionDays, Retain: props.Retain})
	if err != nil {
		return nil, fmt.Errorf("audit: session log group: %w", err)
	}
	sg := awsec2.NewSecurityGroup(self, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("Admin instance: no inbound; HTTPS out to SSM and package endpoints only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS to SSM endpoints and package repositories"), nil)

	role := awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("ec2.amazonaws.com"), nil),
		Description:     jsii.String("Admin instance: SSM managed instance core and session logging only"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonSSMManagedInstanceCore"))},
	})
	sessionLogs.GrantWrite(role)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SessionLogGroupLookup"),
		Actions:   jsii.Strings("logs:DescribeLogGroups"),
		Resources: jsii.Strings("*"),
	}))
	props.LogKey.GrantDecrypt(role)

	instance := awsec2.NewInstance(self, jsii.String("Instance"), &awsec2.InstanceProps{
		Vpc:           props.Vpc,
		VpcSubnets:    &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		InstanceType:  awsec2.NewInstanceType(jsii.String(instanceType)),
		MachineImage:  awsec2.MachineImage_LatestAmazonLinux2023(&awsec2.AmazonLinux2023ImageSsmParameterProps{CpuType: awsec2.AmazonLinuxCpuType_ARM_64}),
		SecurityGroup: sg,
		Role:          role,
		// IMDSv2 on the instance itself (MetadataOptions), not through a launch template.
		HttpTokens:               awsec2.HttpTokens_REQUIRED,
		HttpEndpoint:             jsii.Bool(true),
		HttpPutResponseHopLimit:  jsii.Number(1),
		AssociatePublicIpAddress: jsii.Bool(false),
		BlockDevices: &[]*awsec2.BlockDevice{{
			DeviceName: jsii.String("/dev/xvda"),
			Volume: awsec2.BlockDeviceVolume_Ebs(jsii.Number(8), &awsec2.EbsDeviceOptions{
				Encrypted: jsii.Bool(true), KmsKey: props.VolumeKey, VolumeType: awsec2.EbsDeviceVolumeType_GP3, DeleteOnTermination: jsii.Bool(true),
			}),
		}},
	})

	docName := props.Name + "-admin-session"
	doc := awsssm.NewCfnDocument(self, jsii.String("SessionDocument"), &awsssm.CfnDocumentProps{
		Name:           jsii.String(docName),
		DocumentType:   jsii.String("Session"),
		DocumentFormat: jsii.String("JSON"),
		UpdateMethod:   jsii.String("NewVersion"),
		Content: map[string]any{
			"schemaVersion": "1.0",
			"description":   "labsecure admin sessions: KMS-encrypted, logged to CloudWatch Logs",
			"sessionType":   "Standard_Stream",
			"inputs": map[string]any{
				"kmsKeyId":                    props.LogKey.KeyArn(),
				"cloudWatchLogGroupName":      sessionLogs.LogGroupName(),
				"cloudWatchEncryptionEnabled": true,
				"cloudWatchStreamingEnabled":  true,
				"s3BucketName":                "",
				"s3EncryptionEnabled":         true,
				"runAsEnabled":                false,
				"idleSessionTimeout":          fmt.Sprint(int(idle.Minutes())),
				"maxSessionDuration":          fmt.Sprint(int(maxDur.Minutes())),
				"shellProfile":                map[string]any{"linux": "", "windows": ""},
			},
		},
	})

	stack := awscdk.Stack_Of(scope)
	docArn := stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ssm"), Resource: jsii.String("document"), ResourceName: jsii.String(docName)})
	instanceArn := stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ec2"), Resource: jsii.String("instance"), ResourceName: instance.InstanceId()})
	sessionArn := stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ssm"), Resource: jsii.String("session"), ResourceName: jsii.String("${aws:userid}-*")})
	policy := awsiam.NewManagedPolicy(self, jsii.String("AdminSessionPolicy"), &awsiam.ManagedPolicyProps{
		Description: jsii.String("Start Session Manager sessions on the " + props.Name + " admin instance with the logged session document only"),
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:        jsii.String("StartLoggedSessionOnAdminInstance"),
				Actions:    jsii.Strings("ssm:StartSession"),
				Resources:  &[]*string{instanceArn, docArn},
				Conditions: &map[string]any{"BoolIfExists": map[string]any{"ssm:SessionDocumentAccessCheck": "true"}},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("ManageOwnSessions"),
				Actions:   jsii.Strings("ssm:TerminateSession", "ssm:ResumeSession"),
				Resources: &[]*string{sessionArn},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("EncryptSessionData"),
				Actions:   jsii.Strings("kms:GenerateDataKey"),
				Resources: &[]*string{props.LogKey.KeyArn()},
			}),
		},
	})
	return &AdminAccess{Instance: instance, SecurityGroup: sg, Role: role, SessionDocument: doc, SessionLogs: sessionLogs, AdminSessionPolicy: policy}, nil
}
