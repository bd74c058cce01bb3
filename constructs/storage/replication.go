package storage

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

// CriticalTag marks a bucket whose loss would lose patient data; such buckets replicate to
// another region where the environment has one (seed 000: "Cross-region replication is
// configured for critical buckets").
const CriticalTag = "Critical"

// Replication sends every new object version of a bucket, and its delete markers, to a
// bucket in another region, encrypted there with that region's key.
type Replication struct {
	// DestinationBucket is the name of the versioned destination bucket. Required.
	DestinationBucket string
	// DestinationRegion is the destination bucket's region; it must differ from the source
	// bucket's. Required.
	DestinationRegion string
	// DestinationKeyAlias is the alias (without "alias/") of the customer-managed key in
	// DestinationRegion that encrypts the replicas. Required. An alias, not a key ARN: the
	// destination stack deploys in another region, so its key ID is unknown here.
	DestinationKeyAlias string
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)

// Validate reports the first invalid field, naming it and the fix.
func (r *Replication) Validate(sourceRegion string) error {
	switch {
	case !bucketNameRE.MatchString(r.DestinationBucket):
		return fmt.Errorf("storage: Replication.DestinationBucket %q is not a bucket name; fix: name the versioned bucket of the replica stack", r.DestinationBucket)
	case !regionRE.MatchString(r.DestinationRegion):
		return fmt.Errorf("storage: Replication.DestinationRegion %q is not a region; fix: use e.g. us-west-2", r.DestinationRegion)
	case r.DestinationRegion == sourceRegion:
		return fmt.Errorf("storage: Replication.DestinationRegion %q is the bucket's own region; fix: replicate to another region (seed 000: survive a regional failure)", r.DestinationRegion)
	case !aliasRE.MatchString(r.DestinationKeyAlias):
		return fmt.Errorf("storage: Replication.DestinationKeyAlias %q is not a key alias; fix: pass the replica key's alias without the \"alias/\" prefix", r.DestinationKeyAlias)
	}
	return nil
}

var aliasRE = regexp.MustCompile(`^[a-zA-Z0-9/_-]{1,250}$`)

// replicate adds the replication configuration and its role to a bucket encrypted with key.
// The role may read only this bucket's versions, decrypt them only through S3 in this region,
// write replicas only into the destination bucket and encrypt them only with the key behind
// the destination alias.
func replicate(bucket awss3.Bucket, key awskms.IKey, r *Replication) {
	stack := awscdk.Stack_Of(bucket)
	partition, account := *stack.Partition(), *stack.Account()
	destArn := fmt.Sprintf("arn:%s:s3:::%s", partition, r.DestinationBucket)
	aliasArn := fmt.Sprintf("arn:%s:kms:%s:%s:alias/%s", partition, r.DestinationRegion, account, r.DestinationKeyAlias)

	role := awsiam.NewRole(bucket, jsii.String("ReplicationRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("s3.amazonaws.com"), nil),
		Description: jsii.String("S3 cross-region replication of " + *bucket.Node().Path()),
	})
	add := func(actions []string, resources []string, conditions map[string]any) {
		ps := &awsiam.PolicyStatementProps{Actions: jsii.Strings(actions...), Resources: jsii.Strings(resources...)}
		if conditions != nil {
			ps.Conditions = &conditions
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(ps))
	}
	add([]string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, []string{*bucket.BucketArn()}, nil)
	add([]string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"}, []string{*bucket.ArnForObjects(jsii.String("*"))}, nil)
	add([]string{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}, []string{destArn + "/*"}, nil)
	add([]string{"kms:Decrypt"}, []string{*key.KeyArn()}, map[string]any{
		"StringEquals": map[string]any{"kms:ViaService": "s3." + *stack.Region() + ".amazonaws.com"},
	})
	add([]string{"kms:Encrypt", "kms:GenerateDataKey"}, []string{fmt.Sprintf("arn:%s:kms:%s:%s:key/*", partition, r.DestinationRegion, account)}, map[string]any{
		"StringEquals":             map[string]any{"kms:ViaService": "s3." + r.DestinationRegion + ".amazonaws.com"},
		"ForAnyValue:StringEquals": map[string]any{"kms:ResourceAliases": "alias/" + r.DestinationKeyAlias},
	})

	cfnBucket := bucket.Node().DefaultChild().(awss3.CfnBucket)
	cfnBucket.SetReplicationConfiguration(&awss3.CfnBucket_ReplicationConfigurationProperty{
		Role: role.RoleArn(),
		Rules: &[]any{&awss3.CfnBucket_ReplicationRuleProperty{
			Id:                      jsii.String("cross-region"),
			Status:                  jsii.String("Enabled"),
			Priority:                jsii.Number(1),
			Filter:                  &awss3.CfnBucket_ReplicationRuleFilterProperty{Prefix: jsii.String("")},
			DeleteMarkerReplication: &awss3.CfnBucket_DeleteMarkerReplicationProperty{Status: jsii.String("Enabled")},
			SourceSelectionCriteria: &awss3.CfnBucket_SourceSelectionCriteriaProperty{
				SseKmsEncryptedObjects: &awss3.CfnBucket_SseKmsEncryptedObjectsProperty{Status: jsii.String("Enabled")},
			},
			Destination: &awss3.CfnBucket_ReplicationDestinationProperty{
				Bucket:                  jsii.String(destArn),
				EncryptionConfiguration: &awss3.CfnBucket_EncryptionConfigurationProperty{ReplicaKmsKeyId: jsii.String(aliasArn)},
			},
		}},
	})
	// No explicit dependency on the role's policy: it references the bucket, so that would be
	// a cycle. The role ARN reference orders the role first; S3 checks permissions only when it
	// replicates.
}
