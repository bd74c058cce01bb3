package localrun

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/pdfreport"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
	"github.com/labsecure/labsecure/test/emulators"
)

// Options tune Setup. Zero fields take the defaults named.
type Options struct {
	// Prefix of every bucket, queue and table name. Default: "labsecure-local".
	Prefix string
	// VisibilityTimeout of both queues, in seconds. Default: 2 (short, so retries are quick).
	VisibilityTimeout int
	// MaxReceiveCount of the redrive policies. Default: 3.
	MaxReceiveCount int
	// PatientKeySecret keys the opaque patient key. Default: 32 random bytes.
	PatientKeySecret []byte
	// PresignTTL of report URLs. Default: 15 minutes.
	PresignTTL time.Duration
	// NotifyAttempts per notify invocation. Default: 2 (quick failover to SQS redelivery).
	NotifyAttempts int
	// Logger of the handlers (no PHI is logged). Default: discard.
	Logger *slog.Logger
	// Sender is the authenticated API client id of ingested messages. Default: "lab-client-1".
	Sender string
	// PortalURL is the link base in e-mails. Default: "http://127.0.0.1:8080".
	PortalURL string
	// SDKMaxAttempts bounds the attempts of every AWS call (the SDK retries with backoff).
	// Default: 3, the SDK's standard; outage tests lower it to fail fast.
	SDKMaxAttempts int
}

// Stack is one wired pipeline on the emulators.
type Stack struct {
	Env                         *emulators.Env
	RawBucket, ReportsBucket    string
	ResultsTable, AuditTable    string
	LabQueue, LabDLQ            *awsadapter.Queue
	NotifyQueue, NotifyDLQ      *awsadapter.Queue
	LabQueueARN, NotifyQueueARN string
	Results                     *awsadapter.ResultStore
	Audit                       *awsadapter.AuditLog

	Ingest *handler.Ingest
	Worker *handler.Worker
	Notify *handler.Notify
	Report *handler.Report

	opts Options
}

// Setup creates the resources on env (S3 or S3InProcess, SQS, DynamoDB and SES must run) and
// wires the handlers with the ports each Lambda role gets in AWS.
func Setup(ctx context.Context, env *emulators.Env, opts *Options) (*Stack, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = "labsecure-local"
	}
	if o.VisibilityTimeout == 0 {
		o.VisibilityTimeout = 2
	}
	if o.MaxReceiveCount == 0 {
		o.MaxReceiveCount = 3
	}
	if len(o.PatientKeySecret) == 0 {
		o.PatientKeySecret = make([]byte, 32)
		_, _ = rand.Read(o.PatientKeySecret)
	}
	if o.PresignTTL == 0 {
		o.PresignTTL = 15 * time.Minute
	}
	if o.NotifyAttempts == 0 {
		o.NotifyAttempts = 2
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Sender == "" {
		o.Sender = "lab-client-1"
	}
	if o.PortalURL == "" {
		o.PortalURL = "http://127.0.0.1:8080"
	}
	if o.SDKMaxAttempts == 0 {
		o.SDKMaxAttempts = 3
	}
	for _, svc := range []emulators.Service{emulators.SQS, emulators.DynamoDB, emulators.SES} {
		if !env.Has(svc) {
			return nil, fmt.Errorf("local pipeline: emulator %s is not running; start S3, SQS, DynamoDB and SES", svc)
		}
	}
	if !env.Has(emulators.S3) && !env.Has(emulators.S3InProcess) {
		return nil, fmt.Errorf("local pipeline: no S3 emulator is running; start S3 (s3rver) or S3InProcess")
	}
	st := &Stack{Env: env, opts: o,
		RawBucket: o.Prefix + "-raw", ReportsBucket: o.Prefix + "-reports",
		ResultsTable: o.Prefix + "-results", AuditTable: o.Prefix + "-audit"}
	if err := st.createResources(ctx); err != nil {
		return nil, err
	}
	if err := st.wire(); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *Stack) createResources(ctx context.Context) error {
	s3c := st.Env.S3()
	for _, b := range []string{st.RawBucket, st.ReportsBucket} {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return fmt.Errorf("local pipeline: create bucket %s: %w", b, err)
		}
	}
	ddb := st.Env.DynamoDB()
	if err := awsadapter.CreateTable(ctx, ddb, st.ResultsTable, awsadapter.ResultsTableSchema()); err != nil {
		return fmt.Errorf("local pipeline: %w", err)
	}
	if err := awsadapter.CreateTable(ctx, ddb, st.AuditTable, awsadapter.AuditTableSchema()); err != nil {
		return fmt.Errorf("local pipeline: %w", err)
	}
	var err error
	sqsc := st.Env.SQS(func(o *sqs.Options) { o.RetryMaxAttempts = st.opts.SDKMaxAttempts })
	if st.LabQueue, st.LabDLQ, st.LabQueueARN, err = st.queueWithDLQ(ctx, sqsc, st.opts.Prefix+"-lab-results"); err != nil {
		return err
	}
	st.NotifyQueue, st.NotifyDLQ, st.NotifyQueueARN, err = st.queueWithDLQ(ctx, sqsc, st.opts.Prefix+"-notifications")
	return err
}

// queueWithDLQ creates name-dlq and name with a redrive policy to it.
func (st *Stack) queueWithDLQ(ctx context.Context, c *sqs.Client, name string) (q, dlq *awsadapter.Queue, arn string, err error) {
	d, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		return nil, nil, "", fmt.Errorf("local pipeline: create queue %s-dlq: %w", name, err)
	}
	dlq = awsadapter.NewQueue(c, aws.ToString(d.QueueUrl))
	dattrs, err := dlq.Attributes(ctx)
	if err != nil {
		return nil, nil, "", fmt.Errorf("local pipeline: %w", err)
	}
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"%d"}`, dattrs["QueueArn"], st.opts.MaxReceiveCount)
	m, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"VisibilityTimeout": fmt.Sprint(st.opts.VisibilityTimeout),
		"RedrivePolicy":     redrive,
	}})
	if err != nil {
		return nil, nil, "", fmt.Errorf("local pipeline: create queue %s: %w", name, err)
	}
	q = awsadapter.NewQueue(c, aws.ToString(m.QueueUrl))
	attrs, err := q.Attributes(ctx)
	if err != nil {
		return nil, nil, "", fmt.Errorf("local pipeline: %w", err)
	}
	return q, dlq, attrs["QueueArn"], nil
}

// wire builds one pipeline.Service per Lambda role with only the ports that role has on AWS
// (mirroring lambdas/internal/pipeline/awswire), on clients pointed at the emulators.
func (st *Stack) wire() error {
	env, n := st.Env, st.opts.SDKMaxAttempts
	s3c := env.S3(func(o *s3.Options) { o.RetryMaxAttempts = n })
	presign := s3.NewPresignClient(s3c)
	ddb := env.DynamoDB(func(o *dynamodb.Options) { o.RetryMaxAttempts = n })
	st.Results = awsadapter.NewResultStore(ddb, st.ResultsTable)
	st.Audit = awsadapter.NewAuditLog(ddb, st.AuditTable)
	base := func() pipeline.Deps { return pipeline.Deps{Audit: st.Audit, Results: st.Results} }
	opts := func() *pipeline.Options {
		return &pipeline.Options{Logger: st.opts.Logger, PresignTTL: st.opts.PresignTTL, PortalURL: st.opts.PortalURL,
			NotifyAttempts: st.opts.NotifyAttempts, NotifyBaseDelay: 50 * time.Millisecond, NotifyMaxDelay: 200 * time.Millisecond,
			NotifyLease: time.Duration(st.opts.VisibilityTimeout) * time.Second}
	}
	build := func(role string, d pipeline.Deps, o *pipeline.Options) (*pipeline.Service, error) {
		svc, err := pipeline.New(d, o)
		if err != nil {
			return nil, fmt.Errorf("local pipeline: %s service: %w", role, err)
		}
		return svc, nil
	}

	d := base()
	d.Raw = awsadapter.NewBlobStore(s3c, presign, st.RawBucket, "alias/labsecure-local-raw")
	d.LabQueue = st.LabQueue
	d.Ingestions = st.Results
	ingest, err := build("ingest", d, opts())
	if err != nil {
		return err
	}
	st.Ingest = &handler.Ingest{Svc: ingest, Log: st.opts.Logger}

	d = base()
	d.Raw = awsadapter.NewBlobStore(s3c, presign, st.RawBucket, "alias/labsecure-local-raw")
	d.NotifyQueue = st.NotifyQueue
	o := opts()
	o.PatientKeySecret = st.opts.PatientKeySecret
	worker, err := build("worker", d, o)
	if err != nil {
		return err
	}
	st.Worker = &handler.Worker{Svc: worker, Log: st.opts.Logger}

	d = base()
	d.Notifications, d.Contacts = st.Results, st.Results
	d.Mailer = awsadapter.NewMailer(env.SESv2(func(o *sesv2.Options) { o.RetryMaxAttempts = n }), "results@labsecure.example", "labsecure-local-notifications")
	notify, err := build("notify", d, opts())
	if err != nil {
		return err
	}
	st.Notify = &handler.Notify{Svc: notify, Log: st.opts.Logger}

	d = base()
	d.Reports = awsadapter.NewBlobStore(s3c, presign, st.ReportsBucket, "alias/labsecure-local-reports")
	d.Renderer = pdfreport.New(nil)
	report, err := build("report", d, opts())
	if err != nil {
		return err
	}
	st.Report = &handler.Report{Svc: report, Log: st.opts.Logger}
	return nil
}

// PatientKeySecret is the HMAC secret of the opaque patient keys of this stack.
func (st *Stack) PatientKeySecret() []byte { return st.opts.PatientKeySecret }
