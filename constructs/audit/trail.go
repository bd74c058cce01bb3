package audit

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
	"github.com/labsecure/labsecure/constructs/storage"
)

// Trail bucket lifecycle defaults: Glacier after 90 days (seed 003), kept six years (HIPAA
// documentation retention).
const (
	DefaultTrailGlacierDays = 90
	DefaultTrailExpireDays  = 2192
)

// TrailProps configures the trail.
type TrailProps struct {
	// TrailName is the trail's name. Default: generated.
	TrailName string
	// Key encrypts the log files and the trail bucket. Required. The construct adds the key
	// policy statements CloudTrail needs (GenerateDataKey* for this account's trails,
	// DescribeKey).
	Key awskms.IKey
	// AccessLogs receives the trail bucket's server access logs. Required: the environment's
	// log bucket.
	AccessLogs awss3.IBucket
	// LogKey encrypts the CloudWatch Logs copy of the trail. Required (the logs key).
	LogKey awskms.IKey
	// LogRetentionDays is the CloudWatch Logs retention of the trail (a CloudWatch Logs
	// value). Required.
	LogRetentionDays int
	// DataEventBuckets get S3 data events (every object read and write) logged: the buckets
	// holding PHI (raw results, reports). Default: none.
	DataEventBuckets []awss3.IBucket
	// GlacierAfterDays moves trail files to Glacier. Default: 90.
	GlacierAfterDays int
	// ExpireAfterDays deletes trail files. Default: 2192 (six years).
	ExpireAfterDays int
	// Retain keeps the bucket and log group on stack deletion. Default: false.
	Retain bool
}

var trailNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *TrailProps) Validate() error {
	if p == nil {
		return fmt.Errorf("audit: trail props are required; fix: pass &audit.TrailProps{Key: ..., AccessLogs: ..., LogKey: ..., LogRetentionDays: ...}")
	}
	if p.TrailName != "" && !trailNameRE.MatchString(p.TrailName) {
		return fmt.Errorf("audit: TrailName %q is invalid; fix: use 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit", p.TrailName)
	}
	if p.Key == nil {
		return fmt.Errorf("audit: Key is nil; fix: pass a customer-managed key for the trail (log files are always SSE-KMS)")
	}
	if p.AccessLogs == nil {
		return fmt.Errorf("audit: AccessLogs is nil; fix: pass the environment's log bucket")
	}
	if p.LogKey == nil {
		return fmt.Errorf("audit: LogKey is nil; fix: pass the logs key for the CloudWatch Logs copy")
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("audit: LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", p.LogRetentionDays, logs.RetentionValues)
	}
	for i, b := range p.DataEventBuckets {
		if b == nil {
			return fmt.Errorf("audit: DataEventBuckets[%d] is nil; fix: pass the buckets whose object access must be audited", i)
		}
	}
	if p.GlacierAfterDays != 0 && p.GlacierAfterDays < 30 {
		return fmt.Errorf("audit: GlacierAfterDays %d is below S3's 30 days; fix: use 30 or more (default %d)", p.GlacierAfterDays, DefaultTrailGlacierDays)
	}
	if p.ExpireAfterDays != 0 && p.ExpireAfterDays < 365 {
		return fmt.Errorf("audit: ExpireAfterDays %d keeps the audit trail less than a year; fix: use 365 or more (default %d, six years)", p.ExpireAfterDays, DefaultTrailExpireDays)
	}
	glacier, expire := p.GlacierAfterDays, p.ExpireAfterDays
	if glacier == 0 {
		glacier = DefaultTrailGlacierDays
	}
	if expire == 0 {
		expire = DefaultTrailExpireDays
	}
	if expire <= glacier {
		return fmt.Errorf("audit: ExpireAfterDays %d is not after GlacierAfterDays %d; fix: expire later than the Glacier transition", expire, glacier)
	}
	return nil
}

// Trail is the trail and its storage.
type Trail struct {
	Trail    awscloudtrail.Trail
	Bucket   awss3.Bucket
	LogGroup awslogs.LogGroup
}

// NewTrail creates a multi-region trail with global service events, log file validation, SSE-KMS
// with the key, management events (read and write), S3 data events for DataEventBuckets, an
// encrypted, versioned, access-logged bucket and a CloudWatch Logs copy with retention.
func NewTrail(scope constructs.Construct, id string, props *TrailProps) (*Trail, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	glacier, expire := props.GlacierAfterDays, props.ExpireAfterDays
	if glacier == 0 {
		glacier = DefaultTrailGlacierDays
	}
	if expire == 0 {
		expire = DefaultTrailExpireDays
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	bucket, err := storage.NewBucket(self, "Bucket", &storage.BucketProps{
		Key: props.Key, AccessLogs: props.AccessLogs, GlacierAfterDays: glacier, ExpireAfterDays: expire, Retain: props.Retain,
	})
	if err != nil {
		return nil, fmt.Errorf("audit: trail bucket: %w", err)
	}
	group, err := logs.New(self, "Logs", &logs.Props{Key: props.LogKey, RetentionDays: props.LogRetentionDays, Retain: props.Retain})
	if err != nil {
		return nil, fmt.Errorf("audit: trail log group: %w", err)
	}
	stack := awscdk.Stack_Of(scope)
	trailArns := fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", *stack.Partition(), *stack.Account())
	props.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudTrailEncrypt"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": trailArns},
			"StringEquals": map[string]any{"aws:SourceAccount": *stack.Account()},
		},
	}), jsii.Bool(false))
	props.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudTrailDescribeKey"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
	}), jsii.Bool(false))

	tp := &awscloudtrail.TrailProps{
		Bucket:                     bucket,
		EncryptionKey:              props.Key,
		IsMultiRegionTrail:         jsii.Bool(true),
		IncludeGlobalServiceEvents: jsii.Bool(true),
		EnableFileValidation:       jsii.Bool(true),
		ManagementEvents:           awscloudtrail.ReadWriteType_ALL,
		SendToCloudWatchLogs:       jsii.Bool(true),
		CloudWatchLogGroup:         group,
	}
	if props.TrailName != "" {
		tp.TrailName = jsii.String(props.TrailName)
	}
	trail := awscloudtrail.NewTrail(self, jsii.String("Resource"), tp)
	if len(props.DataEventBuckets) > 0 {
		selectors := make([]*awscloudtrail.S3EventSelector, 0, len(props.DataEventBuckets))
		for _, b := range props.DataEventBuckets {
			selectors = append(selectors, &awscloudtrail.S3EventSelector{Bucket: b})
		}
		trail.AddS3EventSelector(&selectors, &awscloudtrail.AddEventSelectorOptions{
			ReadWriteType:           awscloudtrail.ReadWriteType_ALL,
			IncludeManagementEvents: jsii.Bool(false),
		})
	}
	return &Trail{Trail: trail, Bucket: bucket, LogGroup: group}, nil
}
