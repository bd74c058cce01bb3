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
	t0 := time.Now()
	var err error
	env, err = emulators.Launch(context.Background(), emulators.Options{Services: []emulators.Service{
		emulators.S3, emulators.SQS, emulators.DynamoDB, emulators.SES}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "awsadapter tests: launch emulators:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "awsadapter tests: emulators up in %s %v\n", time.Since(t0).Round(time.Millisecond), env.StartTimes())
	if err := setup(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "awsadapter tests: setup:", err)
		env.Close()
		os.Exit(1)
	}
	code := m.Run()
	if err := env.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "awsadapter tests: close emulators:", err)
		code = 1
	}
	os.Exit(code)
}

func setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
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
