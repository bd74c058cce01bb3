package awsadapter_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/test/emulators"
)

// env is shared by the package's tests: goaws allows one instance per process and DynamoDB
// Local takes seconds to start.
var env *emulators.Env

const (
	resultsTable = "results"
	auditTable   = "audit"
	bucket       = "raw-lab-results"
)

func TestMain(m *testing.M) {
	os.Exit(emulators.RunTests(m, emulators.Options{Services: []emulators.Service{
		emulators.S3, emulators.SQS, emulators.DynamoDB, emulators.SES}}, func(ctx context.Context, e *emulators.Env) error {
		env = e
		return setup(ctx)
	}))
}

func setup(ctx context.Context) error {
	if err := awsadapter.CreateTable(ctx, env.DynamoDB(), resultsTable, awsadapter.ResultsTableSchema()); err != nil {
		return err
	}
	if err := awsadapter.CreateTable(ctx, env.DynamoDB(), auditTable, awsadapter.AuditTableSchema()); err != nil {
		return err
	}
	if _, err := env.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	return nil
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}
