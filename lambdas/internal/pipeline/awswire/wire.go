// Package awswire builds the pipeline handlers from the Lambda environment: it loads the
// configuration (handler.LoadConfig), creates aws-sdk-go-v2 clients, wraps them in the
// awsadapter implementations of the pipeline ports and wires only the ports each role needs.
package awswire

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/logging"
	"github.com/labsecure/labsecure/lambdas/internal/pdfreport"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

// sdkTimeout bounds every AWS call; the SDK's standard retryer retries within it.
const sdkTimeout = 10 * time.Second

// base loads the configuration, the logger, the AWS config and the ports every role uses
// (results table, audit log).
type base struct {
	cfg     handler.Config
	log     *slog.Logger
	aws     aws.Config
	results *awsadapter.ResultStore
	deps    pipeline.Deps
	opts    *pipeline.Options
}

func load(ctx context.Context, role handler.Role, getenv func(string) string) (*base, error) {
	cfg, err := handler.LoadConfig(role, getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(sdkTimeout)))
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	log := logging.New(os.Stdout, levelOf(cfg.LogLevel))
	ddb := dynamodb.NewFromConfig(awsCfg)
	results := awsadapter.NewResultStore(ddb, cfg.ResultsTable)
	return &base{cfg: cfg, log: log, aws: awsCfg, results: results,
		deps: pipeline.Deps{Audit: awsadapter.NewAuditLog(ddb, cfg.AuditTable), Results: results},
		opts: &pipeline.Options{Logger: log, PresignTTL: cfg.PresignTTL, PortalURL: cfg.PortalURL}}, nil
}

func (b *base) service(role handler.Role) (*pipeline.Service, error) {
	svc, err := pipeline.New(b.deps, b.opts)
	if err != nil {
		return nil, fmt.Errorf("%s service: %w", role, err)
	}
	return svc, nil
}

// Each role links only the SDK clients it uses, which keeps the bootstrap binaries small.

// Ingest builds the ingest handler: raw bucket (Put), lab-results queue, ingestion records.
func Ingest(ctx context.Context, getenv func(string) string) (*handler.Ingest, error) {
	b, err := load(ctx, handler.RoleIngest, getenv)
	if err != nil {
		return nil, err
	}
	b.deps.Raw = awsadapter.NewBlobStore(s3.NewFromConfig(b.aws), nil, b.cfg.RawBucket, b.cfg.RawKMSKeyID)
	b.deps.LabQueue = awsadapter.NewQueue(sqs.NewFromConfig(b.aws), b.cfg.LabResultsQueueURL)
	b.deps.Ingestions = b.results
	svc, err := b.service(handler.RoleIngest)
	if err != nil {
		return nil, err
	}
	return &handler.Ingest{Svc: svc, Log: b.log}, nil
}

// Worker builds the worker handler: raw bucket (Get), notification queue, patient-key secret.
func Worker(ctx context.Context, getenv func(string) string) (*handler.Worker, error) {
	b, err := load(ctx, handler.RoleWorker, getenv)
	if err != nil {
		return nil, err
	}
	b.deps.Raw = awsadapter.NewBlobStore(s3.NewFromConfig(b.aws), nil, b.cfg.RawBucket, b.cfg.RawKMSKeyID)
	b.deps.NotifyQueue = awsadapter.NewQueue(sqs.NewFromConfig(b.aws), b.cfg.NotificationQueueURL)
	key := b.cfg.PatientKeySecret
	if b.cfg.PatientKeySecretARN != "" {
		key, err = SecretFetcher{Token: getenv("AWS_SESSION_TOKEN"), Endpoint: extensionEndpoint(getenv)}.Fetch(ctx, b.cfg.PatientKeySecretARN)
		if err != nil {
			return nil, fmt.Errorf("patient key secret: %w", err)
		}
	}
	b.opts.PatientKeySecret = []byte(key)
	svc, err := b.service(handler.RoleWorker)
	if err != nil {
		return nil, err
	}
	return &handler.Worker{Svc: svc, Log: b.log}, nil
}

// Notify builds the notify handler: notification state, contacts, SES v2.
func Notify(ctx context.Context, getenv func(string) string) (*handler.Notify, error) {
	b, err := load(ctx, handler.RoleNotify, getenv)
	if err != nil {
		return nil, err
	}
	b.deps.Notifications, b.deps.Contacts = b.results, b.results
	b.deps.Mailer = awsadapter.NewMailer(sesv2.NewFromConfig(b.aws), b.cfg.SESFrom, b.cfg.SESConfigurationSet)
	svc, err := b.service(handler.RoleNotify)
	if err != nil {
		return nil, err
	}
	return &handler.Notify{Svc: svc, Log: b.log}, nil
}

// Report builds the report handler: reports bucket (Put, presigned GET), PDF renderer.
func Report(ctx context.Context, getenv func(string) string) (*handler.Report, error) {
	b, err := load(ctx, handler.RoleReport, getenv)
	if err != nil {
		return nil, err
	}
	s3c := s3.NewFromConfig(b.aws)
	b.deps.Reports = awsadapter.NewBlobStore(s3c, s3.NewPresignClient(s3c), b.cfg.ReportsBucket, b.cfg.ReportsKMSKeyID)
	b.deps.Renderer = pdfreport.New(nil)
	svc, err := b.service(handler.RoleReport)
	if err != nil {
		return nil, err
	}
	return &handler.Report{Svc: svc, Log: b.log}, nil
}

// Status builds the status / health handler: results table and audit log only.
func Status(ctx context.Context, getenv func(string) string) (*handler.Status, error) {
	b, err := load(ctx, handler.RoleStatus, getenv)
	if err != nil {
		return nil, err
	}
	svc, err := b.service(handler.RoleStatus)
	if err != nil {
		return nil, err
	}
	return &handler.Status{Svc: svc, Log: b.log}, nil
}

func levelOf(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func extensionEndpoint(getenv func(string) string) string {
	if p := getenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"); p != "" {
		return "http://localhost:" + p
	}
	return DefaultExtensionEndpoint
}

// Fatal logs a startup error (configuration only, no PHI) as JSON and exits 1, so the Lambda
// init fails visibly in CloudWatch.
func Fatal(err error) {
	slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("startup failed", "error", err.Error())
	os.Exit(1)
}
