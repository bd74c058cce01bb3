package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/data"
	"github.com/labsecure/labsecure/infra/config"
)

// Database is the environment's database stack, kept apart from the application stack as
// seed 004 does ("database stack and application stack").
type Database struct {
	Stack  awscdk.Stack
	Aurora *data.Aurora
}

// NewDatabase creates the Aurora PostgreSQL cluster of the patient portal in the isolated
// subnets. Clients are admitted later with Aurora.AllowFrom (the rule lands in the client's
// stack, so the database stack never depends on the application stack).
func NewDatabase(scope constructs.Construct, env *config.Environment, f *Foundation) (*Database, error) {
	stack, err := newStack(scope, env, "database", "database", "Aurora PostgreSQL in isolated subnets")
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
	return d, nil
}
