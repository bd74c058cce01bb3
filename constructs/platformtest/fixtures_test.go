package platformtest

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/data"
	"github.com/labsecure/labsecure/constructs/keys"
	"github.com/labsecure/labsecure/constructs/network"
)

// shared are the foundation resources every construct under test receives.
type shared struct {
	vpc                          awsec2.IVpc
	dataKey, secretsKey, logsKey awskms.IKey
	appSG, otherSG               awsec2.SecurityGroup
	appendRole                   awsiam.Role
	mysql                        *data.Aurora
	// set by buildCompute for the prop validation tests
	logBucket awss3.IBucket
	repo      awsecr.IRepository
	queue     awssqs.IQueue
	secret    awssecretsmanager.ISecret
	alarms    awssns.ITopic
}

// fx keeps the foundation fixtures for the prop validation tests.
var fx *shared

// build adds the foundation fixtures and every construct variant to the stack.
func build(stack awscdk.Stack) error {
	var s shared
	var err error
	if s.dataKey, err = newKey(stack, "DataKey", "pt-data", false); err != nil {
		return err
	}
	if s.secretsKey, err = newKey(stack, "SecretsKey", "pt-secrets", false); err != nil {
		return err
	}
	if s.logsKey, err = newKey(stack, "LogsKey", "pt-logs", true); err != nil {
		return err
	}
	net, err := network.New(stack, "Net", &network.Props{
		CIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		FlowLogKey: s.logsKey, FlowLogRetentionDays: 14, InterfaceEndpoints: []string{},
	})
	if err != nil {
		return err
	}
	s.vpc = net.Vpc
	s.appSG = awsec2.NewSecurityGroup(stack, jsii.String("AppSG"), &awsec2.SecurityGroupProps{Vpc: s.vpc, AllowAllOutbound: jsii.Bool(false)})
	s.otherSG = awsec2.NewSecurityGroup(stack, jsii.String("OtherSG"), &awsec2.SecurityGroupProps{Vpc: s.vpc, AllowAllOutbound: jsii.Bool(false)})
	record("appSG", s.appSG)
	record("otherSG", s.otherSG)
	s.appendRole = awsiam.NewRole(stack, jsii.String("AppendRole"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
	record("appendRole", s.appendRole)

	fx = &s
	for _, f := range []func(awscdk.Stack, *shared) error{buildData, buildCompute} {
		if err := f(stack, &s); err != nil {
			return err
		}
	}
	return nil
}

func newKey(stack awscdk.Stack, id, alias string, cwl bool) (awskms.IKey, error) {
	k, err := keys.New(stack, id, &keys.Props{Alias: alias, CloudWatchLogs: cwl})
	if err != nil {
		return nil, fmt.Errorf("fixture key %s: %w", id, err)
	}
	name := map[string]string{"DataKey": "dataKey", "SecretsKey": "secretsKey", "LogsKey": "logsKey"}[id]
	record(name, k)
	return k, nil
}

// buildData adds the data constructs: defaults plus variations.
func buildData(stack awscdk.Stack, s *shared) error {
	pg, err := data.NewAuroraCluster(stack, "AuroraPg", &data.AuroraProps{
		Vpc: s.vpc, StorageKey: s.dataKey, SecretsKey: s.secretsKey, LogsKey: s.logsKey,
		LogRetentionDays: 14, BackupRetentionDays: 7,
		ClientSecurityGroups: []awsec2.ISecurityGroup{s.appSG},
	})
	if err != nil {
		return err
	}
	record("pgSG", pg.SecurityGroup)
	dbUser := awsiam.NewRole(stack, jsii.String("DbUserRole"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil)})
	record("dbUserRole", dbUser)
	pg.GrantConnect(dbUser, "app_user")
	my, err := data.NewAuroraCluster(stack, "AuroraMy", &data.AuroraProps{
		Vpc: s.vpc, Engine: data.EngineMySQL, Readers: 2, InstanceClass: "r6g.large",
		StorageKey: s.dataKey, SecretsKey: s.secretsKey, LogsKey: s.logsKey,
		LogRetentionDays: 60, BackupRetentionDays: 35, Retain: true,
		ClusterIdentifier: "pt-mysql", DatabaseName: "lab",
	})
	if err != nil {
		return err
	}
	my.AllowFrom(s.otherSG)
	s.mysql = my
	record("mySG", my.SecurityGroup)

	results, err := data.NewTable(stack, "Results", &data.TableProps{
		PartitionKey: data.Key{Name: "result_id"},
		Key:          s.dataKey,
		Indexes:      []data.Index{{Name: "by-patient", PartitionKey: data.Key{Name: "patient_key"}, SortKey: data.Key{Name: "received_at", Type: data.TypeNumber}}},
	})
	if err != nil {
		return err
	}
	audit, err := data.NewTable(stack, "Audit", &data.TableProps{
		PartitionKey: data.Key{Name: "stream"}, SortKey: data.Key{Name: "seq", Type: data.TypeNumber},
		Key: s.dataKey, AppendOnly: true, TTLAttribute: "expires_at", ContributorInsights: true,
		RecoveryPeriodDays: 14, Retain: true,
	})
	if err != nil {
		return err
	}
	audit.GrantAppend(s.appendRole)
	if _, err := data.NewTable(stack, "Scratch", &data.TableProps{
		PartitionKey: data.Key{Name: "id"}, Key: s.dataKey,
		Provisioned: &data.Capacity{Read: 2, Write: 1}, DisableDeletionProtection: true,
	}); err != nil {
		return err
	}

	docdb, err := data.NewDocumentDB(stack, "DocDb", &data.DocumentDBProps{
		Vpc: s.vpc, StorageKey: s.dataKey, SecretsKey: s.secretsKey, LogsKey: s.logsKey,
		LogRetentionDays: 30, BackupRetentionDays: 35,
		ClientSecurityGroups: []awsec2.ISecurityGroup{s.appSG},
	})
	if err != nil {
		return err
	}
	record("docdbSG", docdb.SecurityGroup)

	redis, err := data.NewRedis(stack, "Cache", &data.RedisProps{
		Vpc: s.vpc, Key: s.dataKey, SecretsKey: s.secretsKey, LogsKey: s.logsKey,
		LogRetentionDays: 14, ClientSecurityGroups: []awsec2.ISecurityGroup{s.appSG},
	})
	if err != nil {
		return err
	}
	record("redisSG", redis.SecurityGroup)
	record("redisToken", redis.AuthToken)

	if _, err := data.NewBackupPlan(stack, "BackupTagged", &data.BackupPlanProps{Key: s.dataKey, DailyRetentionDays: 35, WeeklyRetentionDays: 90}); err != nil {
		return err
	}
	if _, err := data.NewBackupPlan(stack, "BackupListed", &data.BackupPlanProps{
		Key: s.dataKey, DailyRetentionDays: 7,
		Resources: []string{*pg.Cluster.ClusterArn(), *results.Table.TableArn()},
	}); err != nil {
		return err
	}
	record("pgCluster", pg.Cluster)
	record("resultsTable", results.Table)
	return nil
}
