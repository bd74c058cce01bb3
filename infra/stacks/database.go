package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/data"
	"github.com/labsecure/labsecure/infra/config"
)

// Database is the environment's database stack, kept apart from the application stack as
// seed 004 does ("database stack and application stack").
type Database struct {
	Stack      awscdk.Stack
	Aurora     *data.Aurora
	DocumentDB *data.DocumentDB // nil unless config.DocumentDB
	Redis      *data.Redis      // nil unless config.Redis
	Backup     *data.BackupPlan
}

// AllowFrom admits a client security group to every database of the stack.
func (d *Database) AllowFrom(client awsec2.ISecurityGroup) {
	d.Aurora.AllowFrom(client)
	if d.DocumentDB != nil {
		d.DocumentDB.AllowFrom(client)
	}
	if d.Redis != nil {
		d.Redis.AllowFrom(client)
	}
}

// NewDatabase creates the Aurora PostgreSQL cluster of the patient portal, and where config
// asks for them a DocumentDB cluster and a Redis replication group, all in the isolated
// subnets, with an AWS Backup plan over the clusters. Clients are admitted later with Aurora.AllowFrom (the rule lands in the client's
// stack, so the database stack never depends on the application stack).
func NewDatabase(scope constructs.Construct, env *config.Environment, f *Foundation) (*Database, error) {
	stack, err := newStack(scope, env, "database", "database", "Aurora PostgreSQL in isolated subnets", f.Stack)
	if err != nil {
		return nil, err
	}
	d := &Database{Stack: stack}
	d.Aurora, err = data.NewAuroraCluster(stack, "Portal", &data.AuroraProps{
		Vpc:                       f.Network.Vpc,
		Engine:                    data.EnginePostgres,
		InstanceClass:             env.DatabaseInstanceClass,
		Readers:                   env.DatabaseReaders,
		StorageKey:                f.Keys.Data,
		SecretsKey:                f.Keys.Secrets,
		LogsKey:                   f.Keys.Logs,
		LogRetentionDays:          env.AuditLogRetentionDays,
		BackupRetentionDays:       env.BackupRetentionDays,
		ClusterIdentifier:         env.Prefix() + "-portal",
		DatabaseName:              "portal",
		DisableDeletionProtection: !env.DeletionProtection,
		Retain:                    env.DeletionProtection,
	})
	if err != nil {
		return nil, fmt.Errorf("database stack: %w", err)
	}
	backed := []string{*d.Aurora.Cluster.ClusterArn()}
	if env.DocumentDB {
		d.DocumentDB, err = data.NewDocumentDB(stack, "Documents", &data.DocumentDBProps{
			Vpc:                       f.Network.Vpc,
			StorageKey:                f.Keys.Data,
			SecretsKey:                f.Keys.Secrets,
			LogsKey:                   f.Keys.Logs,
			LogRetentionDays:          env.AuditLogRetentionDays,
			BackupRetentionDays:       env.BackupRetentionDays,
			ClusterIdentifier:         env.Prefix() + "-documents",
			DisableDeletionProtection: !env.DeletionProtection,
			Retain:                    env.DeletionProtection,
		})
		if err != nil {
			return nil, fmt.Errorf("database stack: %w", err)
		}
		// DocumentDB clusters live in the rds ARN namespace.
		backed = append(backed, *stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("rds"), Resource: jsii.String("cluster"),
			ResourceName: d.DocumentDB.Cluster.ClusterIdentifier(), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
		}))
	}
	if env.Redis {
		d.Redis, err = data.NewRedis(stack, "Cache", &data.RedisProps{
			Vpc:                   f.Network.Vpc,
			Key:                   f.Keys.Data,
			SecretsKey:            f.Keys.Secrets,
			LogsKey:               f.Keys.Logs,
			LogRetentionDays:      env.AppLogRetentionDays,
			SnapshotRetentionDays: env.BackupRetentionDays,
			ReplicationGroupID:    env.Prefix() + "-cache",
			Retain:                env.DeletionProtection,
		})
		if err != nil {
			return nil, fmt.Errorf("database stack: %w", err)
		}
	}
	d.Backup, err = data.NewBackupPlan(stack, "Backup", &data.BackupPlanProps{
		Key:                  f.Keys.Data,
		DailyRetentionDays:   env.BackupRetentionDays,
		Resources:            backed,
		DisableDeletionBlock: !env.DeletionProtection,
		Retain:               env.DeletionProtection,
	})
	if err != nil {
		return nil, fmt.Errorf("database stack: %w", err)
	}
	return d, nil
}
