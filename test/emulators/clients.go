package emulators

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// ClientTimeout bounds every SDK call to the emulators (some emulator calls hang otherwise).
const ClientTimeout = 20 * time.Second

// Config is an aws.Config for the emulators: region us-east-1, static credentials, an HTTP
// client with a timeout (AWS_CA_BUNDLE is set on these machines, so a plain *http.Client
// would make the SDK panic) and at most 3 attempts per call. Service clients still need
// their BaseEndpoint: use the S3/SQS/DynamoDB/SESv2 helpers, which take extra option
// functions (e.g. to set RetryMaxAttempts).
func (e *Env) Config() aws.Config {
	return aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		HTTPClient:       awshttp.NewBuildableClient().WithTimeout(ClientTimeout),
		RetryMaxAttempts: 3,
	}
}

// S3 returns a path-style S3 client for s3rver (or gofakes3 when only S3InProcess runs).
// Checksums are computed only when an operation requires them: the emulators predate the
// SDK's default CRC32 trailers.
func (e *Env) S3(opts ...func(*s3.Options)) *s3.Client {
	endpoint := e.Endpoint(S3)
	if endpoint == "" {
		endpoint = e.Endpoint(S3InProcess)
	}
	return e.S3For(endpoint, opts...)
}

// S3For returns an S3 client for one endpoint (to pick S3 or S3InProcess explicitly).
func (e *Env) S3For(endpoint string, opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(e.Config(), append([]func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}}, opts...)...)
}

// SQS returns an SQS client for goaws.
func (e *Env) SQS(opts ...func(*sqs.Options)) *sqs.Client {
	return sqs.NewFromConfig(e.Config(), append([]func(*sqs.Options){func(o *sqs.Options) { o.BaseEndpoint = aws.String(e.Endpoint(SQS)) }}, opts...)...)
}

// DynamoDB returns a DynamoDB client for DynamoDB Local.
func (e *Env) DynamoDB(opts ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.NewFromConfig(e.Config(), append([]func(*dynamodb.Options){func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(e.Endpoint(DynamoDB)) }}, opts...)...)
}

// SESv2 returns an SES v2 client for aws-ses-v2-local.
func (e *Env) SESv2(opts ...func(*sesv2.Options)) *sesv2.Client {
	return sesv2.NewFromConfig(e.Config(), append([]func(*sesv2.Options){func(o *sesv2.Options) { o.BaseEndpoint = aws.String(e.Endpoint(SES)) }}, opts...)...)
}
