package data

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdocdb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// DocumentDBPort is the port DocumentDB listens on.
const DocumentDBPort = 27017

// DocumentDBProps configures a DocumentDB cluster.
type DocumentDBProps struct {
	// Vpc is the VPC whose isolated subnets hold the cluster. Required.
	Vpc awsec2.IVpc
	// Instances is the number of instances, 1 to 16. Default: 3 (seed 000: three nodes).
	Instances int
	// InstanceClass is the instance class without "db.", e.g. "r6g.large". Default: "t4g.medium".
	InstanceClass string
	// EngineVersion is the DocumentDB version: "4.0.0" or "5.0.0". Default: "5.0.0".
	EngineVersion string
	// StorageKey encrypts the storage and snapshots. Required.
	StorageKey awskms.IKey
	// SecretsKey encrypts the generated credentials secret. Required.
	SecretsKey awskms.IKey
	// LogsKey encrypts the audit log group (its policy must allow CloudWatch Logs). Required.
	LogsKey awskms.IKey
	// LogRetentionDays is the audit log retention (a CloudWatch Logs value). Required.
	LogRetentionDays int
	// BackupRetentionDays is the automated backup retention, 7 to 35. Required.
	BackupRetentionDays int
	// ClientSecurityGroups may connect on port 27017. Default: none (see AllowFrom).
	ClientSecurityGroups []awsec2.ISecurityGroup
	// ClusterIdentifier is the cluster name. Default: "<stack name>-<id>" lower-cased.
	ClusterIdentifier string
	// MasterUsername is the generated administrator's name. Default: "labadmin".
	MasterUsername string
	// RotationDays is the credential rotation period, 1 to 30. Default: 30.
	RotationDays int
	// DisableDeletionProtection lets the cluster be deleted (dev only). Default: false.
	DisableDeletionProtection bool
	// Retain keeps the cluster on stack deletion. Default: false (final SNAPSHOT).
	Retain bool
}

// Validate reports the first invalid prop, naming it and the fix.
func (p *DocumentDBProps) Validate() error {
	if p == nil {
		return fmt.Errorf("data: documentdb props are required; fix: pass &data.DocumentDBProps{Vpc: ..., StorageKey: ...}")
	}
	if p.Vpc == nil {
		return fmt.Errorf("data: documentdb Vpc is nil; fix: pass the environment's VPC (network.New)")
	}
	if p.Instances < 0 || p.Instances > 16 {
		return fmt.Errorf("data: documentdb Instances %d is out of range; fix: use 1 to 16 (default 3)", p.Instances)
	}
	if p.InstanceClass != "" && !classRE.MatchString(p.InstanceClass) {
		return fmt.Errorf("data: documentdb InstanceClass %q is not an instance class; fix: use the form \"r6g.large\" (without \"db.\")", p.InstanceClass)
	}
	if p.EngineVersion != "" && p.EngineVersion != "4.0.0" && p.EngineVersion != "5.0.0" {
		return fmt.Errorf("data: documentdb EngineVersion %q is not supported; fix: use \"5.0.0\" or \"4.0.0\"", p.EngineVersion)
	}
	if err := (clusterProps{kind: "documentdb", storageKey: p.StorageKey, secretsKey: p.SecretsKey, logsKey: p.LogsKey,
		logRetentionDays: p.LogRetentionDays, backupDays: p.BackupRetentionDays, clients: p.ClientSecurityGroups,
		clusterIdentifier: p.ClusterIdentifier, masterUsername: p.MasterUsername}).validate(); err != nil {
		return err
	}
	if p.RotationDays < 0 || p.RotationDays > 30 {
		return fmt.Errorf("data: documentdb RotationDays %d is out of range; fix: use 1 to 30", p.RotationDays)
	}
	return nil
}

// DocumentDB is a DocumentDB cluster and what guards it.
type DocumentDB struct {
	Cluster       awsdocdb.DatabaseCluster
	SecurityGroup awsec2.SecurityGroup
	Secret        awssecretsmanager.ISecret
	AuditLogGroup awslogs.LogGroup
}

// AllowFrom admits port 27017 from one more client security group.
func (d *DocumentDB) AllowFrom(client awsec2.ISecurityGroup) {
	allowClient(d.SecurityGroup, client, DocumentDBPort, "client security group")
}

// NewDocumentDB creates a DocumentDB cluster: three instances by default in the isolated
// subnets, storage encrypted with StorageKey, TLS required by the cluster parameter group
// (tls=enabled), audit logs on and exported to an encrypted log group with explicit retention,
// automated backups at 03:00-04:00 UTC kept BackupRetentionDays, Sunday 04:00 UTC maintenance,
// deletion protection, tags copied to snapshots, and credentials in Secrets Manager (SecretsKey)
// rotated by the hosted MongoDB rotation every 30 days.
func NewDocumentDB(scope constructs.Construct, id string, props *DocumentDBProps) (*DocumentDB, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	ident := props.ClusterIdentifier
	if ident == "" {
		ident = defaultIdentifier(*awscdk.Stack_Of(scope).StackName(), id)
	}
	instances := props.Instances
	if instances == 0 {
		instances = 3
	}
	class := props.InstanceClass
	if class == "" {
		class = "t4g.medium"
	}
	version := props.EngineVersion
	if version == "" {
		version = "5.0.0"
	}
	username := props.MasterUsername
	if username == "" {
		username = "labadmin"
	}
	rotationDays := props.RotationDays
	if rotationDays == 0 {
		rotationDays = 30
	}

	sg := newStoreSecurityGroup(self, props.Vpc, fmt.Sprintf("DocumentDB: port %d from client security groups only", DocumentDBPort), DocumentDBPort, props.ClientSecurityGroups)
	rotationSG := awsec2.NewSecurityGroup(self, jsii.String("RotationSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("Secrets Manager hosted rotation Lambda: database port and HTTPS out only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	rotationSG.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("Secrets Manager API (VPC endpoint or NAT)"), nil)
	allowClient(sg, rotationSG, DocumentDBPort, "credential rotation Lambda")

	audit, err := logs.New(self, "AuditLog", &logs.Props{
		Name:          fmt.Sprintf("/aws/docdb/%s/audit", ident),
		Key:           props.LogsKey,
		RetentionDays: props.LogRetentionDays,
		Retain:        props.Retain,
	})
	if err != nil {
		return nil, fmt.Errorf("data: documentdb audit log group: %w", err)
	}

	family := "docdb" + strings.TrimSuffix(version, ".0")
	params := awsdocdb.NewClusterParameterGroup(self, jsii.String("ClusterParameters"), &awsdocdb.ClusterParameterGroupProps{
		Family:      jsii.String(family),
		Description: jsii.String("labsecure " + ident + ": TLS required, audit logs on"),
		Parameters: &map[string]*string{
			"tls":        jsii.String("enabled"),
			"audit_logs": jsii.String("enabled"),
		},
	})

	removal := removalpolicy.OrSnapshot(props.Retain)
	cluster := awsdocdb.NewDatabaseCluster(self, jsii.String("Resource"), &awsdocdb.DatabaseClusterProps{
		DbClusterName: jsii.String(ident),
		EngineVersion: jsii.String(version),
		MasterUser: &awsdocdb.Login{
			Username: jsii.String(username),
			KmsKey:   props.SecretsKey,
		},
		Vpc:                         props.Vpc,
		VpcSubnets:                  isolatedSubnets(),
		SecurityGroup:               sg,
		Instances:                   jsii.Number(float64(instances)),
		InstanceType:                awsec2.NewInstanceType(jsii.String(class)),
		StorageEncrypted:            jsii.Bool(true),
		KmsKey:                      props.StorageKey,
		ParameterGroup:              params,
		ExportAuditLogsToCloudWatch: jsii.Bool(true),
		Backup: &awsdocdb.BackupProps{
			Retention:       awscdk.Duration_Days(jsii.Number(float64(props.BackupRetentionDays))),
			PreferredWindow: jsii.String(BackupWindow),
		},
		PreferredMaintenanceWindow: jsii.String(MaintenanceWindow),
		InstanceMaintenanceWindow:  jsii.String(MaintenanceWindow),
		DeletionProtection:         jsii.Bool(!props.DisableDeletionProtection),
		RemovalPolicy:              removal,
		CopyTagsToSnapshot:         jsii.Bool(true),
	})
	cluster.Node().AddDependency(audit)

	secret := cluster.Secret()
	secret.AddRotationSchedule(jsii.String("Rotation"), &awssecretsmanager.RotationScheduleOptions{
		HostedRotation: awssecretsmanager.HostedRotation_MongoDbSingleUser(&awssecretsmanager.SingleUserHostedRotationOptions{
			Vpc:            props.Vpc,
			VpcSubnets:     &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
			SecurityGroups: &[]awsec2.ISecurityGroup{rotationSG},
		}),
		AutomaticallyAfter: awscdk.Duration_Days(jsii.Number(float64(rotationDays))),
	})
	return &DocumentDB{Cluster: cluster, SecurityGroup: sg, Secret: secret, AuditLogGroup: audit}, nil
}
