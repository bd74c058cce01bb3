package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/api"
	"github.com/labsecure/labsecure/constructs/audit"
	"github.com/labsecure/labsecure/constructs/compute"
	"github.com/labsecure/labsecure/constructs/data"
	"github.com/labsecure/labsecure/constructs/edge"
	"github.com/labsecure/labsecure/constructs/messaging"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
	"github.com/labsecure/labsecure/constructs/storage"
	"github.com/labsecure/labsecure/infra/config"
	"github.com/labsecure/labsecure/lambdas/tables"
)

// Handlers of the lab pipeline, one Lambda function and one role each (seed 001 8.3).
var Handlers = []string{"ingest", "worker", "notify", "report", "status"}

// Pipeline is the environment's lab-results pipeline stack (seed 001): API Gateway -> ingest
// -> raw bucket + lab-results queue -> worker -> results table -> notification queue ->
// notify (SES); report (PDF to the reports bucket, presigned URL); status and health.
type Pipeline struct {
	Stack            awscdk.Stack
	RawBucket        awss3.Bucket
	ReportsBucket    awss3.Bucket
	Results          *data.Table
	Audit            *data.Table
	LabResults       *messaging.Queue
	Notifications    *messaging.Queue
	PatientKey       awssecretsmanager.Secret
	ConfigurationSet awsses.ConfigurationSet
	Functions        map[string]*compute.GoFunction
	WebACL           *edge.WebACL
	API              *api.RestAPI
	Backup           *data.BackupPlan
	Trail            *audit.Trail
	Dashboard        awscloudwatch.Dashboard
}

// Timeouts (seconds) of the handlers; a queue's visibility timeout is six times its
// consumer's (the AWS guidance for Lambda event sources).
var handlerTimeout = map[string]int{"ingest": 15, "worker": 60, "notify": 60, "report": 30, "status": 10}

// Memory (MiB) of the handlers: the report handler renders PDFs.
var handlerMemory = map[string]int{"ingest": 256, "worker": 256, "notify": 256, "report": 768, "status": 256}

// NewPipeline creates the pipeline stack. The Lambda bootstraps must have been built into
// build/lambdas/<handler>/bootstrap (make lambdas).
func NewPipeline(scope constructs.Construct, env *config.Environment, f *Foundation, app *Application, replica *Replica) (*Pipeline, error) {
	after := []awscdk.Stack{f.Stack, app.Stack}
	if replica != nil {
		after = append(after, replica.Stack) // the replication destinations must exist first
	}
	stack, err := newStack(scope, env, "pipeline", "backend", "lab-results pipeline: API Gateway, Lambda handlers, SQS, DynamoDB, S3, SES", after...)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Stack: stack, Functions: map[string]*compute.GoFunction{}}
	wrap := func(what string, err error) error { return fmt.Errorf("pipeline stack %s: %w", what, err) }
	retain := env.DeletionProtection
	region := env.Region

	// Storage: raw payloads and rendered reports, both SSE-KMS with the data key.
	if p.RawBucket, err = storage.NewBucket(stack, "RawLabResults", &storage.BucketProps{
		Key: f.Keys.Data, AccessLogs: f.LogBucket, NoncurrentVersionDays: env.NoncurrentVersionDays,
		GlacierAfterDays: 90, Retain: retain, // seed 001: archive old raw data to Glacier
		Critical: true, Replication: replicationTo(env, "raw"),
	}); err != nil {
		return nil, wrap("raw bucket", err)
	}
	if p.ReportsBucket, err = storage.NewBucket(stack, "LabReports", &storage.BucketProps{
		Key: f.Keys.Data, AccessLogs: f.LogBucket, NoncurrentVersionDays: env.NoncurrentVersionDays, Retain: retain,
		Critical: true, Replication: replicationTo(env, "reports"),
	}); err != nil {
		return nil, wrap("reports bucket", err)
	}
	if p.Results, err = data.NewTable(stack, "Results", tableProps(tables.Results(), f, env, false)); err != nil {
		return nil, wrap("results table", err)
	}
	if p.Audit, err = data.NewTable(stack, "AuditTrail", tableProps(tables.Audit(), f, env, true)); err != nil {
		return nil, wrap("audit table", err)
	}
	if p.LabResults, err = messaging.NewQueue(stack, "LabResultsQueue", &messaging.QueueProps{
		QueueName: env.Prefix() + "-lab-results", Key: f.Keys.Messaging, AlarmTopic: f.AlarmTopic,
		VisibilityTimeout: secondsDuration(6 * handlerTimeout["worker"]), Retain: retain,
	}); err != nil {
		return nil, wrap("lab-results queue", err)
	}
	if p.Notifications, err = messaging.NewQueue(stack, "NotificationQueue", &messaging.QueueProps{
		QueueName: env.Prefix() + "-notifications", Key: f.Keys.Messaging, AlarmTopic: f.AlarmTopic,
		VisibilityTimeout: secondsDuration(6 * handlerTimeout["notify"]), Retain: retain,
	}); err != nil {
		return nil, wrap("notification queue", err)
	}
	// The HMAC key that turns (lab, patient id) into the opaque partition key.
	p.PatientKey = awssecretsmanager.NewSecret(stack, jsii.String("PatientKeySecret"), &awssecretsmanager.SecretProps{
		Description:   jsii.String("labsecure " + env.Name + " HMAC key of the opaque patient keys (never rotate without re-keying the results table)"),
		EncryptionKey: f.Keys.Secrets,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength: jsii.Number(64), ExcludePunctuation: jsii.Bool(true),
		},
		RemovalPolicy: removalpolicy.Of(retain),
	})
	p.ConfigurationSet = awsses.NewConfigurationSet(stack, jsii.String("Mail"), &awsses.ConfigurationSetProps{
		ConfigurationSetName: jsii.String(env.Prefix() + "-notifications"),
		TlsPolicy:            awsses.ConfigurationSetTlsPolicy_REQUIRE,
		ReputationMetrics:    jsii.Bool(true),
		SuppressionReasons:   awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
	})

	sender := "no-reply@" + env.PortalHost()
	common := map[string]string{
		"RESULTS_TABLE": *p.Results.Table.TableName(),
		"AUDIT_TABLE":   *p.Audit.Table.TableName(),
		"LOG_LEVEL":     "info",
	}
	envOf := map[string]map[string]string{
		"ingest": {"RAW_BUCKET": *p.RawBucket.BucketName(), "RAW_KMS_KEY_ID": *f.Keys.Data.KeyArn(), "LAB_RESULTS_QUEUE_URL": *p.LabResults.Queue.QueueUrl()},
		"worker": {"RAW_BUCKET": *p.RawBucket.BucketName(), "RAW_KMS_KEY_ID": *f.Keys.Data.KeyArn(), "NOTIFICATION_QUEUE_URL": *p.Notifications.Queue.QueueUrl(),
			"PATIENT_KEY_SECRET_ARN": *p.PatientKey.SecretArn()},
		"notify": {"SES_FROM": sender, "SES_CONFIGURATION_SET": *p.ConfigurationSet.ConfigurationSetName(), "PORTAL_URL": env.PortalURL()},
		"report": {"REPORTS_BUCKET": *p.ReportsBucket.BucketName(), "REPORTS_KMS_KEY_ID": *f.Keys.Data.KeyArn(), "PRESIGN_TTL": "15m"},
		"status": {},
	}
	assets, err := lambdaAssetRoot()
	if err != nil {
		return nil, wrap("lambda assets", err)
	}
	for _, h := range Handlers {
		vars := map[string]string{}
		for k, v := range common {
			vars[k] = v
		}
		for k, v := range envOf[h] {
			vars[k] = v
		}
		fn, err := compute.NewGoFunction(stack, titleCase(h), &compute.GoFunctionProps{
			AssetDir:         filepath.Join(assets, h),
			Vpc:              f.Network.Vpc,
			EnvironmentKey:   f.Keys.Data,
			LogsKey:          f.Keys.Logs,
			LogRetentionDays: env.AppLogRetentionDays,
			FunctionName:     env.Prefix() + "-" + h,
			Description:      "labsecure " + h + " handler",
			Environment:      vars,
			Timeout:          secondsDuration(handlerTimeout[h]),
			MemoryMiB:        handlerMemory[h],
			AlarmTopic:       f.AlarmTopic,
			// The worker reads the patient-key secret through the Parameters and Secrets
			// extension, so the handlers need no Secrets Manager SDK.
			SecretsExtension: h == "worker",
		})
		if err != nil {
			return nil, wrap(h+" function", err)
		}
		p.Functions[h] = fn
		alarmOn(stack, f, h, fn.Function.MetricThrottles(nil), "throttles")
	}
	p.grant(f, region, sender)

	for h, q := range map[string]*messaging.Queue{"worker": p.LabResults, "notify": p.Notifications} {
		p.Functions[h].Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(q.Queue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize: jsii.Number(10), ReportBatchItemFailures: jsii.Bool(true),
			MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(1)),
		}))
	}

	// The lab systems' entry point: WAF -> API Gateway (Cognito client-credentials tokens).
	if p.WebACL, err = edge.NewWebACL(stack, "ApiWebACL", &edge.WebACLProps{
		Name: env.Prefix() + "-lab-api", Scope: edge.ScopeRegional, LogKey: f.Keys.Logs,
		LogRetentionDays: env.AuditLogRetentionDays, Retain: retain,
		// Lab messages are up to 1 MB; the core rule set's 8 KB body limit would block them.
		CountOnlyCommonRules: []string{"SizeRestrictions_BODY"},
	}); err != nil {
		return nil, wrap("API web ACL", err)
	}
	if p.API, err = api.NewRestAPI(stack, "LabApi", &api.RestAPIProps{
		Name: env.Prefix() + "-lab-api", UserPool: app.Identity.Pool, WebACL: p.WebACL,
		LogKey: f.Keys.Logs, LogRetentionDays: env.AuditLogRetentionDays, AlarmTopic: f.AlarmTopic, Retain: retain,
	}); err != nil {
		return nil, wrap("REST API", err)
	}
	write, _ := app.Identity.Scope("results.write")
	read, _ := app.Identity.Scope("results.read")
	if err := p.API.AddPipelineRoutes(&api.PipelineRoutes{
		Ingest: p.Functions["ingest"].Function, Status: p.Functions["status"].Function,
		Health: p.Functions["status"].Function, Report: p.Functions["report"].Function,
		WriteScope: write, ReadScope: read,
	}); err != nil {
		return nil, wrap("routes", err)
	}
	p.grantPortal(f, app, region)
	if p.Backup, err = data.NewBackupPlan(stack, "Backup", &data.BackupPlanProps{
		Key: f.Keys.Data, DailyRetentionDays: env.BackupRetentionDays,
		Resources:            []string{*p.Results.Table.TableArn(), *p.Audit.Table.TableArn()},
		DisableDeletionBlock: !env.DeletionProtection, Retain: retain,
	}); err != nil {
		return nil, wrap("backup plan", err)
	}
	// CloudTrail lives here rather than in the foundation so that it can log every object read
	// and write of the PHI buckets (S3 data events) without a dependency cycle.
	if p.Trail, err = audit.NewTrail(stack, "Trail", &audit.TrailProps{
		TrailName: env.Prefix() + "-trail", Key: f.Keys.Data, AccessLogs: f.LogBucket, LogKey: f.Keys.Logs,
		LogRetentionDays: env.AuditLogRetentionDays, DataEventBuckets: []awss3.IBucket{p.RawBucket, p.ReportsBucket},
		Retain: retain,
	}); err != nil {
		return nil, wrap("trail", err)
	}
	if p.Dashboard, err = audit.NewDashboard(stack, "Dashboard", p.dashboard(env, app)); err != nil {
		return nil, wrap("dashboard", err)
	}
	return p, nil
}

// dashboard is the environment's operations dashboard: the portal, the pipeline's queues,
// handlers and API.
func (p *Pipeline) dashboard(env *config.Environment, app *Application) *audit.DashboardProps {
	var errs, durations []awscloudwatch.IMetric
	for _, h := range Handlers {
		errs = append(errs, p.Functions[h].Function.MetricErrors(nil))
		durations = append(durations, p.Functions[h].Function.MetricDuration(nil))
	}
	queueDepth := func(q *messaging.Queue) []awscloudwatch.IMetric {
		return []awscloudwatch.IMetric{q.Queue.MetricApproximateNumberOfMessagesVisible(nil), q.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(nil)}
	}
	return &audit.DashboardProps{
		Name: env.Prefix(),
		Sections: []audit.DashboardSection{
			{Title: "Lab API requests and errors", Metrics: []awscloudwatch.IMetric{p.API.API.MetricCount(nil), p.API.API.MetricServerError(nil), p.API.API.MetricClientError(nil)}},
			{Title: "Handler errors", Metrics: errs},
			{Title: "Handler duration", Metrics: durations},
			{Title: "Lab-results queue and DLQ", Metrics: queueDepth(p.LabResults)},
			{Title: "Notification queue and DLQ", Metrics: queueDepth(p.Notifications)},
			{Title: "Scheduled jobs queue and DLQ", Metrics: queueDepth(app.Jobs)},
			{Title: "Portal CPU and memory", Metrics: []awscloudwatch.IMetric{app.Portal.Service.MetricCpuUtilization(nil), app.Portal.Service.MetricMemoryUtilization(nil)}},
		},
		Alarms: append(append(p.LabResults.Alarms(), p.Notifications.Alarms()...), p.API.ServerErrorAlarm),
	}
}

// grant gives each handler's role exactly the actions of seed 001 section 8.3 (plus what the
// idempotency records and the audit trail of this implementation need) on exactly its
// resources.
func (p *Pipeline) grant(f *Foundation, region, sender string) {
	role := func(h string) awsiam.IRole { return p.Functions[h].Role }
	results := []string{*p.Results.Table.TableArn()}
	resultsAndIndexes := []string{*p.Results.Table.TableArn(), *p.Results.Table.TableArn() + "/index/*"}
	raw := *p.RawBucket.ArnForObjects(jsii.String("raw/*"))
	reports := *p.ReportsBucket.ArnForObjects(jsii.String("reports/*"))

	// ingest: raw payload in, message out, idempotency records.
	allow(role("ingest"), []string{"s3:PutObject"}, raw)
	allowKeyVia(role("ingest"), f.Keys.Data, "s3", region, "kms:GenerateDataKey")
	allow(role("ingest"), []string{"sqs:SendMessage"}, *p.LabResults.Queue.QueueArn())
	allowKeyVia(role("ingest"), f.Keys.Messaging, "sqs", region, "kms:GenerateDataKey", "kms:Decrypt")
	allow(role("ingest"), []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}, results...)

	// worker: raw payload in, normalized result out, notification message out.
	allow(role("worker"), []string{"s3:GetObject"}, raw)
	allowKeyVia(role("worker"), f.Keys.Data, "s3", region, "kms:Decrypt")
	allow(role("worker"), []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"}, resultsAndIndexes...)
	allow(role("worker"), []string{"sqs:SendMessage"}, *p.Notifications.Queue.QueueArn())
	allowKeyVia(role("worker"), f.Keys.Messaging, "sqs", region, "kms:GenerateDataKey", "kms:Decrypt")
	allow(role("worker"), []string{"secretsmanager:GetSecretValue"}, *p.PatientKey.SecretArn())
	allowKeyVia(role("worker"), f.Keys.Secrets, "secretsmanager", region, "kms:Decrypt")

	// notify: e-mail out, notification status.
	stack := awscdk.Stack_Of(p.Stack)
	identity := *stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"),
		ResourceName: jsii.String(strings.SplitN(sender, "@", 2)[1]), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME})
	configSet := *stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("configuration-set"),
		ResourceName: p.ConfigurationSet.ConfigurationSetName(), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME})
	allow(role("notify"), []string{"ses:SendEmail"}, identity, configSet)
	allow(role("notify"), []string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, results...)

	// report: read the result, write and presign the PDF.
	allow(role("report"), []string{"dynamodb:GetItem", "dynamodb:Query"}, resultsAndIndexes...)
	allow(role("report"), []string{"s3:PutObject", "s3:GetObject"}, reports)
	allowKeyVia(role("report"), f.Keys.Data, "s3", region, "kms:GenerateDataKey", "kms:Decrypt")

	// status / health: read the record.
	allow(role("status"), []string{"dynamodb:GetItem"}, results...)

	// Every handler appends to the audit trail, and may do nothing else with it.
	for _, h := range Handlers {
		allow(role(h), []string{"dynamodb:PutItem"}, *p.Audit.Table.TableArn())
		allowKeyVia(role(h), f.Keys.Data, "dynamodb", region, "kms:GenerateDataKey", "kms:Decrypt")
	}
}

// grantPortal lets the patient portal do what seed 001 describes: list a patient's results
// ("/dashboard lists all lab results for that patient (by querying DynamoDB)"), read one, and
// call the report function; every read is appended to the audit trail. The policy lives in
// this stack and attaches to the portal's task role, so the application stack (deployed
// first) never refers to the pipeline's resources.
func (p *Pipeline) grantPortal(f *Foundation, app *Application, region string) {
	awsiam.NewManagedPolicy(p.Stack, jsii.String("PortalAccess"), &awsiam.ManagedPolicyProps{
		Roles: &[]awsiam.IRole{app.Portal.TaskRole},
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:Query"),
				Resources: jsii.Strings(*p.Results.Table.TableArn(), *p.Results.Table.TableArn()+"/index/"+tables.ByPatientIndex),
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("dynamodb:PutItem"),
				Resources: jsii.Strings(*p.Audit.Table.TableArn()),
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
				Resources:  jsii.Strings(*f.Keys.Data.KeyArn()),
				Conditions: &map[string]any{"StringEquals": map[string]any{"kms:ViaService": "dynamodb." + region + ".amazonaws.com"}},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("lambda:InvokeFunction"),
				Resources: jsii.Strings(*p.Functions["report"].Function.FunctionArn()),
			}),
		},
	})
}

// ReportFunctionName is the report handler's function name; the portal invokes it by name.
func ReportFunctionName(env *config.Environment) string { return env.Prefix() + "-report" }

func tableProps(s tables.Schema, f *Foundation, env *config.Environment, appendOnly bool) *data.TableProps {
	key := func(k tables.KeyAttribute) data.Key {
		if k.Name == "" {
			return data.Key{}
		}
		return data.Key{Name: k.Name, Type: data.AttributeType(k.Type)}
	}
	tp := &data.TableProps{
		PartitionKey: key(s.PartitionKey), SortKey: key(s.SortKey), Key: f.Keys.Data,
		TTLAttribute: s.TTLAttribute, AppendOnly: appendOnly, RecoveryPeriodDays: 35,
		DisableDeletionProtection: !env.DeletionProtection, Retain: env.DeletionProtection,
	}
	for _, ix := range s.Indexes {
		tp.Indexes = append(tp.Indexes, data.Index{Name: ix.Name, PartitionKey: key(ix.PartitionKey), SortKey: key(ix.SortKey)})
	}
	return tp
}

// alarmOn alarms the environment's topic when a handler metric is above zero.
func alarmOn(stack awscdk.Stack, f *Foundation, handler string, m awscloudwatch.Metric, what string) {
	a := awscloudwatch.NewAlarm(stack, jsii.String(titleCase(handler)+titleCase(what)+"Alarm"), &awscloudwatch.AlarmProps{
		Metric:             m.With(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}),
		Threshold:          jsii.Number(0),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("labsecure %s handler %s", handler, what)),
	})
	a.AddAlarmAction(awscloudwatchactions.NewSnsAction(f.AlarmTopic))
}

// lambdaAssetRoot finds build/lambdas under the module root (the directory holding go.mod),
// so the app synthesizes from any working directory inside the repository.
func lambdaAssetRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "build", "lambdas"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s; fix: run the app from inside the labsecure repository", dir)
		}
		dir = parent
	}
}

func titleCase(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func secondsDuration(n int) time.Duration { return time.Duration(n) * time.Second }
