package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/keys"
	"github.com/labsecure/labsecure/constructs/storage"
	"github.com/labsecure/labsecure/infra/config"
)

// Replica is the disaster-recovery stack of an environment with a ReplicaRegion (seed 000:
// "Cross-region replication is configured for critical buckets"): in the replica region, a
// customer-managed key and one versioned, encrypted, logged destination bucket per critical
// bucket. It deploys before the pipeline stack, whose buckets replicate into it.
type Replica struct {
	Stack awscdk.Stack
	Key   awskms.Key
	// Buckets are the destination buckets by purpose ("raw", "reports").
	Buckets map[string]awss3.Bucket
}

// CriticalBuckets are the purposes of the pipeline buckets that hold patient data.
var CriticalBuckets = []string{"raw", "reports"}

// ReplicaKeyAlias is the alias of the replica region's key (without "alias/").
func ReplicaKeyAlias(env *config.Environment) string { return env.Prefix() + "-replica" }

// ReplicaBucketName is the deterministic name of a destination bucket: the source stack names
// it without a cross-region reference.
func ReplicaBucketName(env *config.Environment, purpose string) string {
	return fmt.Sprintf("%s-%s-replica-%s-%s", env.Prefix(), purpose, env.Account, env.ReplicaRegion)
}

// NewReplica creates the replica stack in env.ReplicaRegion.
func NewReplica(scope constructs.Construct, env *config.Environment) (*Replica, error) {
	stack, err := newStackIn(scope, env, env.ReplicaRegion, "replica", "storage", "cross-region replicas of the critical buckets")
	if err != nil {
		return nil, err
	}
	r := &Replica{Stack: stack, Buckets: map[string]awss3.Bucket{}}
	retain := env.DeletionProtection
	if r.Key, err = keys.New(stack, "ReplicaKey", &keys.Props{
		Alias: ReplicaKeyAlias(env), Description: "replicas of the critical buckets", Retain: retain,
	}); err != nil {
		return nil, fmt.Errorf("replica stack: %w", err)
	}
	logBucket, err := storage.NewLogBucket(stack, "LogBucket", &storage.LogBucketProps{
		NoncurrentVersionDays: env.NoncurrentVersionDays, GlacierAfterDays: env.LogArchiveGlacierDays,
		ExpireAfterDays: env.LogExpirationDays, Retain: retain,
	})
	if err != nil {
		return nil, fmt.Errorf("replica stack: %w", err)
	}
	for _, purpose := range CriticalBuckets {
		b, err := storage.NewBucket(stack, titleCase(purpose)+"Replica", &storage.BucketProps{
			BucketName: ReplicaBucketName(env, purpose), Key: r.Key, AccessLogs: logBucket,
			NoncurrentVersionDays: env.NoncurrentVersionDays, Retain: retain,
		})
		if err != nil {
			return nil, fmt.Errorf("replica stack %s bucket: %w", purpose, err)
		}
		r.Buckets[purpose] = b
	}
	return r, nil
}

// replicationTo returns where the critical bucket of a purpose replicates, or nil when the
// environment has no replica region.
func replicationTo(env *config.Environment, purpose string) *storage.Replication {
	if env.ReplicaRegion == "" {
		return nil
	}
	return &storage.Replication{
		DestinationBucket:   ReplicaBucketName(env, purpose),
		DestinationRegion:   env.ReplicaRegion,
		DestinationKeyAlias: ReplicaKeyAlias(env),
	}
}
