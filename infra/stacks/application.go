package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/audit"
	"github.com/labsecure/labsecure/constructs/compute"
	"github.com/labsecure/labsecure/constructs/edge"
	"github.com/labsecure/labsecure/constructs/identity"
	"github.com/labsecure/labsecure/constructs/messaging"
	"github.com/labsecure/labsecure/infra/config"
)

// Application is the environment's application stack: identity, the patient portal behind an
// ALB with a regional WAF, and the scheduled-job worker (seed 000: EventBridge -> SQS ->
// worker on ECS).
type Application struct {
	Stack      awscdk.Stack
	Identity   *identity.UserPool
	Repository awsecr.Repository
	Portal     *compute.FargateService
	WebACL     *edge.WebACL
	Jobs       *messaging.Queue
	Schedule   *messaging.Schedule
	Worker     *compute.WorkerService
	Flags      *audit.FeatureFlags
	Admin      *audit.AdminAccess
}

// NewApplication creates the application stack and admits its services to the databases.
func NewApplication(scope constructs.Construct, env *config.Environment, f *Foundation, db *Database) (*Application, error) {
	stack, err := newStack(scope, env, "application", "backend", "Cognito, portal on ECS Fargate behind ALB + WAF, scheduled-job worker", f.Stack, db.Stack)
	if err != nil {
		return nil, err
	}
	a := &Application{Stack: stack}
	wrap := func(what string, err error) error { return fmt.Errorf("application stack %s: %w", what, err) }
	retain := env.DeletionProtection

	mfa := identity.MFAOptional
	if env.MFARequired {
		mfa = identity.MFARequired
	}
	if a.Identity, err = identity.NewUserPool(stack, "Patients", &identity.UserPoolProps{
		Name:         env.Prefix() + "-patients",
		MFA:          mfa,
		DomainPrefix: env.Prefix(),
		CallbackURLs: []string{env.PortalURL() + "/callback"},
		LogoutURLs:   []string{env.PortalURL() + "/"},
		Retain:       retain,
	}); err != nil {
		return nil, wrap("user pool", err)
	}
	if a.Repository, err = compute.NewRepository(stack, "Images", &compute.RepositoryProps{
		Name: env.Prefix() + "/backend", Key: f.Keys.Data, Retain: retain,
	}); err != nil {
		return nil, wrap("repository", err)
	}
	cluster, err := compute.NewCluster(stack, "Cluster", &compute.ClusterProps{Vpc: f.Network.Vpc, Name: env.Prefix() + "-cluster", EphemeralStorageKey: f.Keys.Data})
	if err != nil {
		return nil, wrap("cluster", err)
	}
	// The database secret is imported by ARN: CDK's grant on a secret it knows would write the
	// task roles into the secrets key's policy in the foundation stack, a dependency cycle.
	// Decrypt is granted below on the roles' own policies, only through Secrets Manager.
	dbSecret := awssecretsmanager.Secret_FromSecretCompleteArn(stack, jsii.String("PortalDatabaseSecret"), db.Aurora.Secret.SecretArn())
	task := compute.TaskProps{
		Repository:       a.Repository,
		ImageTag:         env.ImageTag,
		CPU:              env.ServiceCPU,
		MemoryMiB:        env.ServiceMemoryMiB,
		LogsKey:          f.Keys.Logs,
		LogRetentionDays: env.AppLogRetentionDays,
		Environment: map[string]string{
			"LABSECURE_ENV":        env.Name,
			"COGNITO_USER_POOL_ID": *a.Identity.Pool.UserPoolId(),
			"DB_HOST":              *db.Aurora.Cluster.ClusterEndpoint().Hostname(),
			"DB_READER_HOST":       *db.Aurora.Cluster.ClusterReadEndpoint().Hostname(),
			// The report function of the pipeline stack (deployed after this one), by name.
			"REPORT_FUNCTION_NAME": ReportFunctionName(env),
		},
		Secrets: map[string]compute.SecretRef{
			"DB_USERNAME": {Secret: dbSecret, Field: "username"},
			"DB_PASSWORD": {Secret: dbSecret, Field: "password"},
		},
	}
	if a.Portal, err = compute.NewFargateService(stack, "Portal", &compute.FargateServiceProps{
		TaskProps:                 task,
		Vpc:                       f.Network.Vpc,
		Cluster:                   cluster,
		CertificateARN:            env.CertificateARN,
		AccessLogs:                f.LogBucket,
		AccessLogsPrefix:          "alb/portal",
		DesiredCount:              env.ServiceDesiredCount,
		MinCount:                  env.ServiceDesiredCount,
		MaxCount:                  env.ServiceMaxCount,
		DisableDeletionProtection: !env.DeletionProtection,
	}); err != nil {
		return nil, wrap("portal service", err)
	}
	if a.WebACL, err = edge.NewWebACL(stack, "PortalWebACL", &edge.WebACLProps{
		Name:             env.Prefix() + "-portal",
		Scope:            edge.ScopeRegional,
		LogKey:           f.Keys.Logs,
		LogRetentionDays: env.AuditLogRetentionDays,
		Retain:           retain,
	}); err != nil {
		return nil, wrap("portal web ACL", err)
	}
	if _, err = edge.Associate(stack, "PortalWebACLAssociation", a.WebACL, a.Portal.LoadBalancer.LoadBalancerArn()); err != nil {
		return nil, wrap("portal web ACL association", err)
	}

	if a.Jobs, err = messaging.NewQueue(stack, "Jobs", &messaging.QueueProps{
		QueueName: env.Prefix() + "-jobs", Key: f.Keys.Messaging, AlarmTopic: f.AlarmTopic, Retain: retain,
	}); err != nil {
		return nil, wrap("jobs queue", err)
	}
	if a.Schedule, err = messaging.NewSchedule(stack, "Schedules", &messaging.ScheduleProps{
		Queue: a.Jobs.Queue, Key: f.Keys.Messaging, Jobs: messaging.SeedJobs(), AlarmTopic: f.AlarmTopic,
	}); err != nil {
		return nil, wrap("schedules", err)
	}
	workerTask := task
	workerTask.Environment = map[string]string{"LABSECURE_ENV": env.Name, "LABSECURE_ROLE": "worker",
		"DB_HOST": task.Environment["DB_HOST"]}
	if a.Worker, err = compute.NewWorkerService(stack, "Worker", &compute.WorkerServiceProps{
		TaskProps: workerTask,
		Vpc:       f.Network.Vpc,
		Cluster:   cluster,
		Queue:     a.Jobs.Queue,
		MinCount:  env.ServiceDesiredCount, // one task per AZ where the environment promises multi-AZ
		MaxCount:  env.ServiceMaxCount,
	}); err != nil {
		return nil, wrap("worker service", err)
	}
	for _, role := range []awsiam.Role{a.Portal.ExecutionRole, a.Worker.ExecutionRole} {
		allowKeyVia(role, f.Keys.Secrets, "secretsmanager", env.Region, "kms:Decrypt")
	}
	// Feature flags (seed 000: AppConfig) and the SSM admin path (seed 002's controlled admin
	// access, without an SSH bastion: see constructs/audit).
	if a.Flags, err = audit.NewFeatureFlags(stack, "FeatureFlags", &audit.FeatureFlagsProps{
		Application: env.Prefix(), Environment: env.Name, Flags: audit.SeedFlags(nil), Key: f.Keys.Data,
	}); err != nil {
		return nil, wrap("feature flags", err)
	}
	if a.Admin, err = audit.NewAdminAccess(stack, "AdminAccess", &audit.AdminAccessProps{
		Name: env.Prefix() + "-admin", Vpc: f.Network.Vpc, VolumeKey: f.Keys.Data, LogKey: f.Keys.Logs,
		LogRetentionDays: env.AuditLogRetentionDays, Retain: retain,
	}); err != nil {
		return nil, wrap("admin access", err)
	}
	db.AllowFrom(a.Portal.ServiceSecurityGroup)
	db.AllowFrom(a.Worker.ServiceSecurityGroup)
	return a, nil
}
