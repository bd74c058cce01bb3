// Package handler holds the Lambda handler functions of the pipeline (API Gateway REST proxy
// and SQS events) and their configuration from environment variables. The main packages
// (lambdas/ingest, worker, notify, report, status) only wire AWS adapters and call
// lambda.Start; tests call these handlers with synthetic events.
package handler

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Role names one Lambda; it decides which environment variables are required.
type Role string

// Roles.
const (
	RoleIngest Role = "ingest"
	RoleWorker Role = "worker"
	RoleNotify Role = "notify"
	RoleReport Role = "report"
	RoleStatus Role = "status"
)

// Config is the environment of a handler. Only the fields its Role needs are required.
type Config struct {
	RawBucket            string        // RAW_BUCKET (ingest, worker)
	RawKMSKeyID          string        // RAW_KMS_KEY_ID, optional: SSE-KMS key for raw payloads. Default: the bucket's default key
	ReportsBucket        string        // REPORTS_BUCKET (report)
	ReportsKMSKeyID      string        // REPORTS_KMS_KEY_ID, optional. Default: the bucket's default key
	ResultsTable         string        // RESULTS_TABLE (all)
	AuditTable           string        // AUDIT_TABLE (all)
	LabResultsQueueURL   string        // LAB_RESULTS_QUEUE_URL (ingest)
	NotificationQueueURL string        // NOTIFICATION_QUEUE_URL (worker)
	SESFrom              string        // SES_FROM (notify)
	SESConfigurationSet  string        // SES_CONFIGURATION_SET, optional (notify). Default: none
	PortalURL            string        // PORTAL_URL (notify)
	PatientKeySecretARN  string        // PATIENT_KEY_SECRET_ARN (worker), read through the Secrets Manager Lambda extension
	PatientKeySecret     string        // PATIENT_KEY_SECRET (worker), alternative for local runs; >= 32 bytes
	PresignTTL           time.Duration // PRESIGN_TTL (report), Go duration or seconds, <= 1h. Default: 15m
	LogLevel             string        // LOG_LEVEL, optional: debug, info, warn, error. Default: info
}

// LoadConfig reads the environment of role through getenv (os.Getenv in main) and reports
// every missing or invalid variable at once, each with the fix.
func LoadConfig(role Role, getenv func(string) string) (Config, error) {
	c := Config{
		RawBucket: getenv("RAW_BUCKET"), RawKMSKeyID: getenv("RAW_KMS_KEY_ID"),
		ReportsBucket: getenv("REPORTS_BUCKET"), ReportsKMSKeyID: getenv("REPORTS_KMS_KEY_ID"),
		ResultsTable: getenv("RESULTS_TABLE"), AuditTable: getenv("AUDIT_TABLE"),
		LabResultsQueueURL: getenv("LAB_RESULTS_QUEUE_URL"), NotificationQueueURL: getenv("NOTIFICATION_QUEUE_URL"),
		SESFrom: getenv("SES_FROM"), SESConfigurationSet: getenv("SES_CONFIGURATION_SET"), PortalURL: getenv("PORTAL_URL"),
		PatientKeySecretARN: getenv("PATIENT_KEY_SECRET_ARN"), PatientKeySecret: getenv("PATIENT_KEY_SECRET"),
		LogLevel: getenv("LOG_LEVEL"), PresignTTL: 15 * time.Minute,
	}
	var errs []error
	need := func(name, val, fix string) {
		if strings.TrimSpace(val) == "" {
			errs = append(errs, fmt.Errorf("%s is not set: %s", name, fix))
		}
	}
	need("RESULTS_TABLE", c.ResultsTable, "set it to the results DynamoDB table name")
	need("AUDIT_TABLE", c.AuditTable, "set it to the audit DynamoDB table name")
	switch role {
	case RoleIngest:
		need("RAW_BUCKET", c.RawBucket, "set it to the raw lab results bucket name")
		need("LAB_RESULTS_QUEUE_URL", c.LabResultsQueueURL, "set it to the lab-results SQS queue URL")
	case RoleWorker:
		need("RAW_BUCKET", c.RawBucket, "set it to the raw lab results bucket name")
		need("NOTIFICATION_QUEUE_URL", c.NotificationQueueURL, "set it to the notification SQS queue URL")
		switch {
		case c.PatientKeySecretARN == "" && c.PatientKeySecret == "":
			errs = append(errs, errors.New("PATIENT_KEY_SECRET_ARN is not set: set it to the Secrets Manager ARN of the patient-key HMAC secret (or PATIENT_KEY_SECRET for local runs)"))
		case c.PatientKeySecretARN == "" && len(c.PatientKeySecret) < 32:
			errs = append(errs, fmt.Errorf("PATIENT_KEY_SECRET has %d bytes: use at least 32 random bytes", len(c.PatientKeySecret)))
		}
	case RoleNotify:
		need("SES_FROM", c.SESFrom, "set it to a verified SES sender address")
		need("PORTAL_URL", c.PortalURL, "set it to the patient portal base URL, e.g. https://portal.example.org")
	case RoleReport:
		need("REPORTS_BUCKET", c.ReportsBucket, "set it to the reports bucket name")
		if v := getenv("PRESIGN_TTL"); v != "" {
			d, err := parseTTL(v)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("PRESIGN_TTL %q is not a duration: use e.g. 15m or 900", v))
			case d <= 0 || d > pipeline.MaxPresignTTL:
				errs = append(errs, fmt.Errorf("PRESIGN_TTL %s is out of range: report URLs must expire within 1h; set 1s..1h", d))
			default:
				c.PresignTTL = d
			}
		}
	case RoleStatus:
	default:
		errs = append(errs, fmt.Errorf("unknown role %q: use ingest, worker, notify, report or status", role))
	}
	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q is unknown: use debug, info, warn or error", c.LogLevel))
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("%s configuration: %w", role, errors.Join(errs...))
	}
	return c, nil
}

func parseTTL(v string) (time.Duration, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return d, nil
	}
	var s int
	if _, err := fmt.Sscanf(v, "%d", &s); err != nil || fmt.Sprint(s) != v {
		return 0, fmt.Errorf("not a duration: %q", v)
	}
	return time.Duration(s) * time.Second, nil
}
