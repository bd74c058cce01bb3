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

// Service builds the pipeline service of role from the environment read by getenv.
func Service(ctx context.Context, role handler.Role, getenv func(string) string) (*pipeline.Service, *slog.Logger, error) {
	cfg, err := handler.LoadConfig(role, getenv)
	if err != nil {
		return nil, nil, err
	}
	log := logging.New(os.Stdout, levelOf(cfg.LogLevel))
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(sdkTimeout)))
	if err != nil {
		return nil, nil, fmt.Errorf("load AWS config: %w", err)
	}
	ddb := dynamodb.NewFromConfig(awsCfg)
	results := awsadapter.NewResultStore(ddb, cfg.ResultsTable)
	d := pipeline.Deps{Audit: awsadapter.NewAuditLog(ddb, cfg.AuditTable), Results: results}
	opts := &pipeline.Options{Logger: log, PresignTTL: cfg.PresignTTL, PortalURL: cfg.PortalURL}

	switch role {
	case handler.RoleIngest:
		s3c := s3.NewFromConfig(awsCfg)
		d.Raw = awsadapter.NewBlobStore(s3c, s3.NewPresignClient(s3c), cfg.RawBucket, cfg.RawKMSKeyID)
		d.LabQueue = awsadapter.NewQueue(sqs.NewFromConfig(awsCfg), cfg.LabResultsQueueURL)
		d.Ingestions = results
	case handler.RoleWorker:
		s3c := s3.NewFromConfig(awsCfg)
		d.Raw = awsadapter.NewBlobStore(s3c, s3.NewPresignClient(s3c), cfg.RawBucket, cfg.RawKMSKeyID)
		d.NotifyQueue = awsadapter.NewQueue(sqs.NewFromConfig(awsCfg), cfg.NotificationQueueURL)
		key := cfg.PatientKeySecret
		if cfg.PatientKeySecretARN != "" {
			key, err = SecretFetcher{Token: getenv("AWS_SESSION_TOKEN"), Endpoint: extensionEndpoint(getenv)}.Fetch(ctx, cfg.PatientKeySecretARN)
			if err != nil {
				return nil, nil, fmt.Errorf("patient key secret: %w", err)
			}
		}
		opts.PatientKeySecret = []byte(key)
	case handler.RoleNotify:
		d.Notifications, d.Contacts = results, results
		d.Mailer = awsadapter.NewMailer(sesv2.NewFromConfig(awsCfg), cfg.SESFrom, cfg.SESConfigurationSet)
	case handler.RoleReport:
		s3c := s3.NewFromConfig(awsCfg)
		d.Reports = awsadapter.NewBlobStore(s3c, s3.NewPresignClient(s3c), cfg.ReportsBucket, cfg.ReportsKMSKeyID)
		d.Renderer = pdfreport.New(nil)
	case handler.RoleStatus:
	}
	svc, err := pipeline.New(d, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("%s service: %w", role, err)
	}
	return svc, log, nil
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
