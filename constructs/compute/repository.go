package compute

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// RepositoryProps configures an ECR repository.
type RepositoryProps struct {
	// Name is the repository name, e.g. "labsecure/backend". Default: generated.
	Name string
	// Key encrypts the images (KMS). Required.
	Key awskms.IKey
	// UntaggedExpiryDays expires untagged images after that many days. Default: 30 (seed 003).
	UntaggedExpiryDays int
	// KeepTagged is how many tagged images are kept (older ones expire). Default: 10 (seed 003).
	KeepTagged int
	// Retain keeps the repository and its images on stack deletion. Default: false (DESTROY;
	// the deletion fails while images remain).
	Retain bool
}

var repoNameRE = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *RepositoryProps) Validate() error {
	if p == nil {
		return fmt.Errorf("compute: repository props are required; fix: pass &compute.RepositoryProps{Key: ...}")
	}
	if p.Name != "" && (len(p.Name) < 2 || len(p.Name) > 256 || !repoNameRE.MatchString(p.Name)) {
		return fmt.Errorf("compute: repository Name %q is not a valid ECR name; fix: use lower-case letters, digits, '.', '_', '-' and '/' (e.g. \"labsecure/backend\")", p.Name)
	}
	if p.Key == nil {
		return fmt.Errorf("compute: repository Key is nil; fix: pass the customer-managed key that encrypts the images")
	}
	if p.UntaggedExpiryDays < 0 || p.UntaggedExpiryDays > 3650 {
		return fmt.Errorf("compute: repository UntaggedExpiryDays %d is out of range; fix: use 1 to 3650 (default 30)", p.UntaggedExpiryDays)
	}
	if p.KeepTagged < 0 || p.KeepTagged > 1000 {
		return fmt.Errorf("compute: repository KeepTagged %d is out of range; fix: use 1 to 1000 (default 10)", p.KeepTagged)
	}
	return nil
}

// NewRepository creates a private ECR repository: images scanned on push, tags IMMUTABLE (a
// tag such as "latest" can never be moved: deploy by version or commit tag), KMS encryption
// with the given key, untagged images expired after 30 days and only the last 10 tagged
// images kept.
func NewRepository(scope constructs.Construct, id string, props *RepositoryProps) (awsecr.Repository, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	untagged := props.UntaggedExpiryDays
	if untagged == 0 {
		untagged = 30
	}
	keep := props.KeepTagged
	if keep == 0 {
		keep = 10
	}
	removal := removalpolicy.Of(props.Retain)
	rp := &awsecr.RepositoryProps{
		ImageScanOnPush:    jsii.Bool(true),
		ImageTagMutability: awsecr.TagMutability_IMMUTABLE,
		Encryption:         awsecr.RepositoryEncryption_KMS(),
		EncryptionKey:      props.Key,
		RemovalPolicy:      removal,
		LifecycleRules: &[]*awsecr.LifecycleRule{
			{
				RulePriority: jsii.Number(1),
				Description:  jsii.String(fmt.Sprintf("Expire untagged images after %d days", untagged)),
				TagStatus:    awsecr.TagStatus_UNTAGGED,
				MaxImageAge:  awscdk.Duration_Days(jsii.Number(float64(untagged))),
			},
			{
				RulePriority:   jsii.Number(2),
				Description:    jsii.String(fmt.Sprintf("Keep the last %d tagged images", keep)),
				TagStatus:      awsecr.TagStatus_TAGGED,
				TagPatternList: jsii.Strings("*"),
				MaxImageCount:  jsii.Number(float64(keep)),
			},
		},
	}
	if props.Name != "" {
		rp.RepositoryName = jsii.String(props.Name)
	}
	return awsecr.NewRepository(scope, jsii.String(id), rp), nil
}
