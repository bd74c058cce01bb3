package data

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// Engine selects the Aurora engine.
type Engine string

// Aurora engines.
const (
	EnginePostgres Engine = "postgres" // Aurora PostgreSQL
	EngineMySQL    Engine = "mysql"    // Aurora MySQL 3.x (MySQL 8.0 compatible)
)

// Default engine versions.
const (
	DefaultPostgresVersion = "16.6"
	DefaultMySQLVersion    = "8.0.mysql_aurora.3.08.2"
)

// Fixed operating windows (seed 003: backups at 03:00 UTC, maintenance Sunday 04:00 UTC).
const (
	BackupWindow      = "03:00-04:00"
	MaintenanceWindow = "sun:04:00-sun:05:00"
)

// AuroraProps configures an Aurora cluster.
type AuroraProps struct {
	// Vpc is the VPC whose isolated subnets (SubnetType PRIVATE_ISOLATED) hold the cluster.
	// Required.
	Vpc awsec2.IVpc
	// Engine is EnginePostgres or EngineMySQL. Default: EnginePostgres.
	Engine Engine
	// EngineVersion is the full engine version: PostgreSQL 15 or newer (e.g. "16.6"), or
	// Aurora MySQL 3.x (e.g. "8.0.mysql_aurora.3.08.2"). Default: DefaultPostgresVersion or
	// DefaultMySQLVersion.
	EngineVersion string
	// InstanceClass is the instance class without the "db." prefix, e.g. "r6g.large".
	// Default: "t4g.medium".
	InstanceClass string
	// Readers is the number of reader instances beside the writer (0-15); instances are
	// placed round-robin over the VPC's availability zones. Default: 0.
	Readers int
	// StorageKey encrypts the storage, snapshots and Performance Insights. Required.
	StorageKey awskms.IKey
	// SecretsKey encrypts the generated credentials secret. Required.
	SecretsKey awskms.IKey
	// LogsKey encrypts the exported database log groups; its policy must allow CloudWatch
	// Logs (keys.Props.CloudWatchLogs). Required.
	LogsKey awskms.IKey
	// LogRetentionDays is the retention of the exported log groups (a CloudWatch Logs value).
	// Required.
	LogRetentionDays int
	// BackupRetentionDays is how long automated backups (point-in-time recovery) are kept,
	// 7 to 35. Required (seed 000: 35 in prod; seed 003: 7).
	BackupRetentionDays int
	// ClientSecurityGroups are the security groups allowed to connect on the database port.
	// Default: none (add more with AllowFrom). No CIDR range is ever admitted.
	ClientSecurityGroups []awsec2.ISecurityGroup
	// ClusterIdentifier is the cluster name (lower-case letters, digits, hyphens; at most 63).
	// Default: "<stack name>-<id>" lower-cased. It names the exported log groups
	// /aws/rds/cluster/<identifier>/<log>, which are created before the cluster.
	ClusterIdentifier string
	// DatabaseName creates a database of that name. Default: none (only the engine's default).
	DatabaseName string
	// MasterUsername is the generated administrator's name. Default: "labadmin".
	MasterUsername string
	// RotationDays is the rotation period of the credentials, 1 to 30. Default: 30 (seed 003).
	RotationDays int
	// MonitoringInterval is the Enhanced Monitoring interval: 1, 5, 10, 15, 30 or 60 seconds.
	// Default: 60 s.
	MonitoringInterval time.Duration
	// DisableDeletionProtection lets the cluster be deleted (dev only). Default: false
	// (deletion protection on).
	DisableDeletionProtection bool
	// Retain keeps the cluster on stack deletion or replacement. Default: false (a final
	// SNAPSHOT is taken; the cluster is never destroyed without one).
	Retain bool
}

var (
	identifierRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	dbNameRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)
	classRE      = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
)

var monitoringSeconds = []int{1, 5, 10, 15, 30, 60}

// Validate reports the first invalid prop, naming it and the fix.
func (p *AuroraProps) Validate() error {
	if p == nil {
		return fmt.Errorf("data: aurora props are required; fix: pass &data.AuroraProps{Vpc: ..., StorageKey: ...}")
	}
	if p.Vpc == nil {
		return fmt.Errorf("data: aurora Vpc is nil; fix: pass the environment's VPC (network.New) so the cluster lands in its isolated subnets")
	}
	switch p.Engine {
	case "", EnginePostgres:
		if p.EngineVersion != "" {
			major, _, _ := strings.Cut(p.EngineVersion, ".")
			if n, err := strconv.Atoi(major); err != nil || n < 15 {
				return fmt.Errorf("data: aurora EngineVersion %q is not PostgreSQL 15 or newer; fix: use e.g. %q", p.EngineVersion, DefaultPostgresVersion)
			}
		}
	case EngineMySQL:
		if p.EngineVersion != "" && !strings.HasPrefix(p.EngineVersion, "8.0.mysql_aurora.3.") {
			return fmt.Errorf("data: aurora EngineVersion %q is not Aurora MySQL 3.x; fix: use e.g. %q", p.EngineVersion, DefaultMySQLVersion)
		}
	default:
		return fmt.Errorf("data: aurora Engine %q is unknown; fix: use data.EnginePostgres or data.EngineMySQL", p.Engine)
	}
	if p.InstanceClass != "" && !classRE.MatchString(p.InstanceClass) {
		return fmt.Errorf("data: aurora InstanceClass %q is not an instance class; fix: use the form \"r6g.large\" (without \"db.\")", p.InstanceClass)
	}
	if p.Engine == EngineMySQL && noInsightsMySQL(p.InstanceClass) {
		return fmt.Errorf("data: aurora InstanceClass %q has no Performance Insights on Aurora MySQL (db.t2, db.t3, db.t4g.micro/small); fix: use t4g.medium or larger", p.InstanceClass)
	}
	if p.Readers < 0 || p.Readers > 15 {
		return fmt.Errorf("data: aurora Readers %d is out of range; fix: use 0 to 15", p.Readers)
	}
	if err := (clusterProps{kind: "aurora", storageKey: p.StorageKey, secretsKey: p.SecretsKey, logsKey: p.LogsKey,
		logRetentionDays: p.LogRetentionDays, backupDays: p.BackupRetentionDays, clients: p.ClientSecurityGroups,
		clusterIdentifier: p.ClusterIdentifier, masterUsername: p.MasterUsername}).validate(); err != nil {
		return err
	}
	if p.DatabaseName != "" && !dbNameRE.MatchString(p.DatabaseName) {
		return fmt.Errorf("data: aurora DatabaseName %q is invalid; fix: start with a letter, then letters, digits or '_' (at most 63)", p.DatabaseName)
	}
	if p.RotationDays < 0 || p.RotationDays > 30 {
		return fmt.Errorf("data: aurora RotationDays %d is out of range; fix: use 1 to 30 (seed 003 rotates every 30 days)", p.RotationDays)
	}
	if p.MonitoringInterval != 0 && (p.MonitoringInterval%time.Second != 0 || !slices.Contains(monitoringSeconds, int(p.MonitoringInterval/time.Second))) {
		return fmt.Errorf("data: aurora MonitoringInterval %s is not accepted by Enhanced Monitoring; fix: use one of %v seconds (default 60)", p.MonitoringInterval, monitoringSeconds)
	}
	return nil
}

// Aurora is an Aurora cluster and what guards it.
type Aurora struct {
	Cluster awsrds.DatabaseCluster
	// SecurityGroup admits the database port only from client security groups.
	SecurityGroup awsec2.SecurityGroup
	// Secret holds the generated credentials (username, password, host, port, ...), encrypted
	// with the secrets key and rotated by a hosted rotation Lambda.
	Secret awssecretsmanager.ISecret
	// Port is the database port (5432 or 3306).
	Port int
	// LogGroups are the exported log groups by log type ("postgresql", "audit", ...).
	LogGroups map[string]awslogs.LogGroup
}

// AllowFrom admits the database port from one more client security group.
func (a *Aurora) AllowFrom(client awsec2.ISecurityGroup) {
	allowClient(a.SecurityGroup, client, a.Port, "client security group")
}

// GrantConnect lets grantee connect as dbUser with IAM database authentication.
func (a *Aurora) GrantConnect(grantee awsiam.IGrantable, dbUser string) awsiam.Grant {
	return a.Cluster.GrantConnect(grantee, jsii.String(dbUser))
}

// NewAuroraCluster creates an Aurora cluster: isolated subnets, storage encrypted with
// StorageKey, IAM database authentication, a writer and Readers readers spread over the
// availability zones, automated backups (03:00-04:00 UTC) kept BackupRetentionDays, Sunday
// 04:00 UTC maintenance, deletion protection, SNAPSHOT on removal, log exports to encrypted log
// groups with explicit retention, Enhanced Monitoring and Performance Insights (encrypted with
// StorageKey), TLS forced by the cluster parameter group, tags copied to snapshots, and
// credentials generated into Secrets Manager (SecretsKey) with a hosted rotation every 30 days.
//
// Rotation uses the Secrets Manager hosted rotation (the AWS::SecretsManager-2024-09-16
// transform creates the rotation Lambda at deploy time) rather than cluster.addRotationSingleUser,
// which nests a Serverless Application Repository app. Both synthesize offline; the hosted
// rotation needs no SAR access at deploy time and its Lambda runs in the private subnets with
// its own security group, admitted to the database port like any client.
func NewAuroraCluster(scope constructs.Construct, id string, props *AuroraProps) (*Aurora, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(scope)

	ident := props.ClusterIdentifier
	if ident == "" {
		ident = defaultIdentifier(*stack.StackName(), id)
	}
	instanceClass := props.InstanceClass
	if instanceClass == "" {
		instanceClass = "t4g.medium"
	}
	username := props.MasterUsername
	if username == "" {
		username = "labadmin"
	}
	rotationDays := props.RotationDays
	if rotationDays == 0 {
		rotationDays = 30
	}
	monitoring := props.MonitoringInterval
	if monitoring == 0 {
		monitoring = 60 * time.Second
	}

	var (
		engine   awsrds.IClusterEngine
		port     int
		exports  []string
		params   map[string]string
		rotation awssecretsmanager.HostedRotation
	)
	rotationOpts := func(sg awsec2.ISecurityGroup) *awssecretsmanager.SingleUserHostedRotationOptions {
		return &awssecretsmanager.SingleUserHostedRotationOptions{
			Vpc:            props.Vpc,
			VpcSubnets:     &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
			SecurityGroups: &[]awsec2.ISecurityGroup{sg},
		}
	}
	rotationSG := awsec2.NewSecurityGroup(self, jsii.String("RotationSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("Secrets Manager hosted rotation Lambda: database port and HTTPS out only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	rotationSG.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("Secrets Manager API (VPC endpoint or NAT)"), nil)

	if props.Engine == EngineMySQL {
		version := props.EngineVersion
		if version == "" {
			version = DefaultMySQLVersion
		}
		engine = awsrds.DatabaseClusterEngine_AuroraMysql(&awsrds.AuroraMysqlClusterEngineProps{
			Version: awsrds.AuroraMysqlEngineVersion_Of(jsii.String(version), jsii.String("8.0")),
		})
		port = 3306
		exports = []string{"audit", "error", "slowquery"}
		params = map[string]string{
			"require_secure_transport": "ON",
			"tls_version":              "TLSv1.2,TLSv1.3",
			"server_audit_logging":     "1",
			"server_audit_events":      "CONNECT,QUERY_DCL,QUERY_DDL",
			"slow_query_log":           "1",
			"long_query_time":          "2",
		}
		rotation = awssecretsmanager.HostedRotation_MysqlSingleUser(rotationOpts(rotationSG))
	} else {
		version := props.EngineVersion
		if version == "" {
			version = DefaultPostgresVersion
		}
		major, _, _ := strings.Cut(version, ".")
		engine = awsrds.DatabaseClusterEngine_AuroraPostgres(&awsrds.AuroraPostgresClusterEngineProps{
			Version: awsrds.AuroraPostgresEngineVersion_Of(jsii.String(version), jsii.String(major), nil),
		})
		port = 5432
		exports = []string{"postgresql"}
		params = map[string]string{
			"rds.force_ssl":            "1",
			"ssl_min_protocol_version": "TLSv1.2",
		}
		rotation = awssecretsmanager.HostedRotation_PostgreSqlSingleUser(rotationOpts(rotationSG))
	}

	sg := newStoreSecurityGroup(self, props.Vpc, fmt.Sprintf("Aurora %s: port %d from client security groups only", engineName(props.Engine), port), port, props.ClientSecurityGroups)
	allowClient(sg, rotationSG, port, "credential rotation Lambda")

	logGroups := map[string]awslogs.LogGroup{}
	for _, name := range exports {
		lg, err := logs.New(self, "Log-"+name, &logs.Props{
			Name:          fmt.Sprintf("/aws/rds/cluster/%s/%s", ident, name),
			Key:           props.LogsKey,
			RetentionDays: props.LogRetentionDays,
			Retain:        props.Retain,
		})
		if err != nil {
			return nil, fmt.Errorf("data: aurora %s log group: %w", name, err)
		}
		logGroups[name] = lg
	}

	paramMap := map[string]*string{}
	for k, v := range params {
		paramMap[k] = jsii.String(v)
	}
	parameterGroup := awsrds.NewParameterGroup(self, jsii.String("ClusterParameters"), &awsrds.ParameterGroupProps{
		Engine:      engine,
		Description: jsii.String("labsecure " + ident + ": TLS required"),
		Parameters:  &paramMap,
	})

	azs := availabilityZones(props.Vpc)
	instance := func(i int) *awsrds.ProvisionedClusterInstanceProps {
		ip := &awsrds.ProvisionedClusterInstanceProps{
			InstanceType:                    awsec2.NewInstanceType(jsii.String(instanceClass)),
			PubliclyAccessible:              jsii.Bool(false),
			EnablePerformanceInsights:       jsii.Bool(true),
			PerformanceInsightEncryptionKey: props.StorageKey,
			PerformanceInsightRetention:     awsrds.PerformanceInsightRetention_DEFAULT,
			AutoMinorVersionUpgrade:         jsii.Bool(true),
			PreferredMaintenanceWindow:      jsii.String(MaintenanceWindow),
		}
		if len(azs) > 0 {
			ip.AvailabilityZone = jsii.String(azs[i%len(azs)])
		}
		if i > 0 {
			ip.PromotionTier = jsii.Number(1)
		}
		return ip
	}
	readers := make([]awsrds.IClusterInstance, 0, props.Readers)
	for i := 1; i <= props.Readers; i++ {
		readers = append(readers, awsrds.ClusterInstance_Provisioned(jsii.String(fmt.Sprintf("Reader%d", i)), instance(i)))
	}

	removal := removalpolicy.OrSnapshot(props.Retain)
	cp := &awsrds.DatabaseClusterProps{
		Engine:            engine,
		ClusterIdentifier: jsii.String(ident),
		Vpc:               props.Vpc,
		VpcSubnets:        isolatedSubnets(),
		SecurityGroups:    &[]awsec2.ISecurityGroup{sg},
		Port:              jsii.Number(float64(port)),
		Writer:            awsrds.ClusterInstance_Provisioned(jsii.String("Writer"), instance(0)),
		Readers:           &readers,
		Credentials: awsrds.Credentials_FromGeneratedSecret(jsii.String(username), &awsrds.CredentialsBaseOptions{
			EncryptionKey: props.SecretsKey,
		}),
		StorageEncrypted:     jsii.Bool(true),
		StorageEncryptionKey: props.StorageKey,
		IamAuthentication:    jsii.Bool(true),
		Backup: &awsrds.BackupProps{
			Retention:       awscdk.Duration_Days(jsii.Number(float64(props.BackupRetentionDays))),
			PreferredWindow: jsii.String(BackupWindow),
		},
		PreferredMaintenanceWindow: jsii.String(MaintenanceWindow),
		DeletionProtection:         jsii.Bool(!props.DisableDeletionProtection),
		RemovalPolicy:              removal,
		CloudwatchLogsExports:      jsii.Strings(exports...),
		MonitoringInterval:         awscdk.Duration_Seconds(jsii.Number(monitoring.Seconds())),
		ParameterGroup:             parameterGroup,
		CopyTagsToSnapshot:         jsii.Bool(true),
		AutoMinorVersionUpgrade:    jsii.Bool(true),
	}
	if props.DatabaseName != "" {
		cp.DefaultDatabaseName = jsii.String(props.DatabaseName)
	}
	cluster := awsrds.NewDatabaseCluster(self, jsii.String("Resource"), cp)
	for _, name := range exports {
		cluster.Node().AddDependency(logGroups[name])
	}

	secret := cluster.Secret()
	secret.AddRotationSchedule(jsii.String("Rotation"), &awssecretsmanager.RotationScheduleOptions{
		HostedRotation:     rotation,
		AutomaticallyAfter: awscdk.Duration_Days(jsii.Number(float64(rotationDays))),
	})

	return &Aurora{
		Cluster:       cluster,
		SecurityGroup: sg,
		Secret:        secret,
		Port:          port,
		LogGroups:     logGroups,
	}, nil
}

// noInsightsMySQL reports instance classes on which Aurora MySQL offers no Performance
// Insights (always on in this construct).
func noInsightsMySQL(class string) bool {
	return strings.HasPrefix(class, "t2.") || strings.HasPrefix(class, "t3.") || class == "t4g.micro" || class == "t4g.small"
}

func engineName(e Engine) string {
	if e == EngineMySQL {
		return "MySQL"
	}
	return "PostgreSQL"
}

// defaultIdentifier derives a valid lower-case identifier from the stack name and id.
func defaultIdentifier(stackName, id string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(stackName + "-" + id) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "db-" + s
	}
	return s
}

// availabilityZones returns the VPC's zone names when they are known at synth time.
func availabilityZones(vpc awsec2.IVpc) []string {
	var out []string
	for _, az := range *vpc.AvailabilityZones() {
		if az == nil || *awscdk.Token_IsUnresolved(az) {
			return nil
		}
		out = append(out, *az)
	}
	return out
}
