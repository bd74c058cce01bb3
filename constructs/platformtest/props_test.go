package platformtest

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/compute"
	"github.com/labsecure/labsecure/constructs/data"
)

// goodAurora etc. return valid props; each bad case breaks one field.
func goodAurora() *data.AuroraProps {
	return &data.AuroraProps{Vpc: fx.vpc, StorageKey: fx.dataKey, SecretsKey: fx.secretsKey, LogsKey: fx.logsKey, LogRetentionDays: 14, BackupRetentionDays: 7}
}

func goodDocDB() *data.DocumentDBProps {
	return &data.DocumentDBProps{Vpc: fx.vpc, StorageKey: fx.dataKey, SecretsKey: fx.secretsKey, LogsKey: fx.logsKey, LogRetentionDays: 14, BackupRetentionDays: 7}
}

func goodRedis() *data.RedisProps {
	return &data.RedisProps{Vpc: fx.vpc, Key: fx.dataKey, SecretsKey: fx.secretsKey, LogsKey: fx.logsKey, LogRetentionDays: 14}
}

func goodTable() *data.TableProps {
	return &data.TableProps{PartitionKey: data.Key{Name: "id"}, Key: fx.dataKey}
}

func goodTask() compute.TaskProps {
	return compute.TaskProps{ImageURI: "public.ecr.aws/x/y:1", LogsKey: fx.logsKey, LogRetentionDays: 14}
}

func goodWeb() *compute.FargateServiceProps {
	return &compute.FargateServiceProps{TaskProps: goodTask(), Vpc: fx.vpc, CertificateARN: placeholderCert, AccessLogs: fx.logBucket}
}

func goodWorker() *compute.WorkerServiceProps {
	return &compute.WorkerServiceProps{TaskProps: goodTask(), Vpc: fx.vpc, Queue: fx.queue}
}

func goodFunction() *compute.GoFunctionProps {
	return &compute.GoFunctionProps{AssetDir: lambdaAssetDir, Vpc: fx.vpc, EnvironmentKey: fx.dataKey, LogsKey: fx.logsKey, LogRetentionDays: 14, AlarmTopic: fx.alarms}
}

func with[P any](p P, f func(P)) P { f(p); return p }

func TestPropsValidate(t *testing.T) {
	// The good props must pass, or every bad case below would pass for the wrong reason.
	for name, err := range map[string]error{
		"aurora": goodAurora().Validate(), "documentdb": goodDocDB().Validate(), "redis": goodRedis().Validate(),
		"table": goodTable().Validate(), "web": goodWeb().Validate(), "worker": goodWorker().Validate(),
		"function":   goodFunction().Validate(),
		"backup":     (&data.BackupPlanProps{Key: fx.dataKey, DailyRetentionDays: 7}).Validate(),
		"repository": (&compute.RepositoryProps{Key: fx.dataKey}).Validate(),
		"cluster":    (&compute.ClusterProps{Vpc: fx.vpc}).Validate(),
	} {
		if err != nil {
			t.Errorf("valid %s props rejected: %v", name, err)
		}
	}
	cases := []struct {
		name string
		err  error
		want []string // substrings: the prop and the fix
	}{
		{"aurora nil Vpc", with(goodAurora(), func(p *data.AuroraProps) { p.Vpc = nil }).Validate(), []string{"Vpc", "fix:"}},
		{"aurora old postgres", with(goodAurora(), func(p *data.AuroraProps) { p.EngineVersion = "14.9" }).Validate(), []string{"EngineVersion", "15"}},
		{"aurora mysql 2", with(goodAurora(), func(p *data.AuroraProps) { p.Engine = data.EngineMySQL; p.EngineVersion = "5.7.mysql_aurora.2.11.2" }).Validate(), []string{"EngineVersion", "Aurora MySQL 3"}},
		{"aurora unknown engine", with(goodAurora(), func(p *data.AuroraProps) { p.Engine = "oracle" }).Validate(), []string{"Engine", "EnginePostgres"}},
		{"aurora no storage key", with(goodAurora(), func(p *data.AuroraProps) { p.StorageKey = nil }).Validate(), []string{"StorageKey"}},
		{"aurora no secrets key", with(goodAurora(), func(p *data.AuroraProps) { p.SecretsKey = nil }).Validate(), []string{"SecretsKey"}},
		{"aurora no logs key", with(goodAurora(), func(p *data.AuroraProps) { p.LogsKey = nil }).Validate(), []string{"LogsKey"}},
		{"aurora log retention", with(goodAurora(), func(p *data.AuroraProps) { p.LogRetentionDays = 0 }).Validate(), []string{"LogRetentionDays"}},
		{"aurora backup 1 day", with(goodAurora(), func(p *data.AuroraProps) { p.BackupRetentionDays = 1 }).Validate(), []string{"BackupRetentionDays", "7 to 35"}},
		{"aurora backup 36 days", with(goodAurora(), func(p *data.AuroraProps) { p.BackupRetentionDays = 36 }).Validate(), []string{"BackupRetentionDays"}},
		{"aurora readers", with(goodAurora(), func(p *data.AuroraProps) { p.Readers = 16 }).Validate(), []string{"Readers"}},
		{"aurora nil client", with(goodAurora(), func(p *data.AuroraProps) { p.ClientSecurityGroups = []awsec2.ISecurityGroup{nil} }).Validate(), []string{"ClientSecurityGroups[0]"}},
		{"aurora identifier", with(goodAurora(), func(p *data.AuroraProps) { p.ClusterIdentifier = "Bad_Name" }).Validate(), []string{"ClusterIdentifier"}},
		{"aurora rotation", with(goodAurora(), func(p *data.AuroraProps) { p.RotationDays = 90 }).Validate(), []string{"RotationDays", "30"}},
		{"aurora monitoring", with(goodAurora(), func(p *data.AuroraProps) { p.MonitoringInterval = 45 * time.Second }).Validate(), []string{"MonitoringInterval"}},
		{"aurora mysql t3", with(goodAurora(), func(p *data.AuroraProps) { p.Engine = data.EngineMySQL; p.InstanceClass = "t3.medium" }).Validate(), []string{"InstanceClass", "Performance Insights"}},
		{"aurora class", with(goodAurora(), func(p *data.AuroraProps) { p.InstanceClass = "db.r6g.large" }).Validate(), []string{"InstanceClass"}},
		{"table no partition key", with(goodTable(), func(p *data.TableProps) { p.PartitionKey = data.Key{} }).Validate(), []string{"PartitionKey.Name"}},
		{"table no key", with(goodTable(), func(p *data.TableProps) { p.Key = nil }).Validate(), []string{"Key is nil", "customer-managed"}},
		{"table bad type", with(goodTable(), func(p *data.TableProps) { p.SortKey = data.Key{Name: "s", Type: "X"} }).Validate(), []string{"SortKey.Type"}},
		{"table index key", with(goodTable(), func(p *data.TableProps) { p.Indexes = []data.Index{{Name: "by-x"}} }).Validate(), []string{"Indexes[0].PartitionKey.Name"}},
		{"table duplicate index", with(goodTable(), func(p *data.TableProps) {
			p.Indexes = []data.Index{{Name: "ix1", PartitionKey: data.Key{Name: "a"}}, {Name: "ix1", PartitionKey: data.Key{Name: "b"}}}
		}).Validate(), []string{"Indexes[1].Name"}},
		{"table PITR period", with(goodTable(), func(p *data.TableProps) { p.RecoveryPeriodDays = 36 }).Validate(), []string{"RecoveryPeriodDays"}},
		{"table capacity", with(goodTable(), func(p *data.TableProps) { p.Provisioned = &data.Capacity{} }).Validate(), []string{"Provisioned"}},
		{"docdb instances", with(goodDocDB(), func(p *data.DocumentDBProps) { p.Instances = 17 }).Validate(), []string{"Instances"}},
		{"docdb version", with(goodDocDB(), func(p *data.DocumentDBProps) { p.EngineVersion = "3.6.0" }).Validate(), []string{"EngineVersion"}},
		{"docdb backup", with(goodDocDB(), func(p *data.DocumentDBProps) { p.BackupRetentionDays = 0 }).Validate(), []string{"BackupRetentionDays"}},
		{"docdb storage key", with(goodDocDB(), func(p *data.DocumentDBProps) { p.StorageKey = nil }).Validate(), []string{"StorageKey"}},
		{"redis one node", with(goodRedis(), func(p *data.RedisProps) { p.Nodes = 1 }).Validate(), []string{"Nodes", "failover"}},
		{"redis key", with(goodRedis(), func(p *data.RedisProps) { p.Key = nil }).Validate(), []string{"Key is nil"}},
		{"redis version", with(goodRedis(), func(p *data.RedisProps) { p.EngineVersion = "5.0.6" }).Validate(), []string{"EngineVersion"}},
		{"redis node type", with(goodRedis(), func(p *data.RedisProps) { p.NodeType = "t4g.small" }).Validate(), []string{"NodeType"}},
		{"redis snapshots", with(goodRedis(), func(p *data.RedisProps) { p.SnapshotRetentionDays = 40 }).Validate(), []string{"SnapshotRetentionDays"}},
		{"backup key", (&data.BackupPlanProps{DailyRetentionDays: 7}).Validate(), []string{"Key"}},
		{"backup daily", (&data.BackupPlanProps{Key: fx.dataKey, DailyRetentionDays: 3}).Validate(), []string{"DailyRetentionDays"}},
		{"backup weekly", (&data.BackupPlanProps{Key: fx.dataKey, DailyRetentionDays: 35, WeeklyRetentionDays: 30}).Validate(), []string{"WeeklyRetentionDays"}},
		{"backup empty resource", (&data.BackupPlanProps{Key: fx.dataKey, DailyRetentionDays: 7, Resources: []string{""}}).Validate(), []string{"Resources[0]"}},
		{"repository key", (&compute.RepositoryProps{}).Validate(), []string{"Key"}},
		{"repository name", (&compute.RepositoryProps{Key: fx.dataKey, Name: "Upper/Case"}).Validate(), []string{"Name"}},
		{"cluster vpc", (&compute.ClusterProps{}).Validate(), []string{"Vpc"}},
		{"web no image", with(goodWeb(), func(p *compute.FargateServiceProps) { p.ImageURI = "" }).Validate(), []string{"ImageURI", "Repository"}},
		{"web two images", with(goodWeb(), func(p *compute.FargateServiceProps) { p.Repository = fx.repo }).Validate(), []string{"ImageURI and Repository"}},
		{"web repo without tag", with(goodWeb(), func(p *compute.FargateServiceProps) { p.ImageURI = ""; p.Repository = fx.repo }).Validate(), []string{"ImageTag"}},
		{"web no certificate", with(goodWeb(), func(p *compute.FargateServiceProps) { p.CertificateARN = "" }).Validate(), []string{"CertificateARN", "HTTPS"}},
		{"web bad certificate", with(goodWeb(), func(p *compute.FargateServiceProps) { p.CertificateARN = "arn:aws:iam::1:cert/x" }).Validate(), []string{"CertificateARN"}},
		{"web no access logs", with(goodWeb(), func(p *compute.FargateServiceProps) { p.AccessLogs = nil }).Validate(), []string{"AccessLogs"}},
		{"web root user", with(goodWeb(), func(p *compute.FargateServiceProps) { p.User = "0:0" }).Validate(), []string{"User", "root"}},
		{"web cpu", with(goodWeb(), func(p *compute.FargateServiceProps) { p.CPU = 300 }).Validate(), []string{"CPU"}},
		{"web memory", with(goodWeb(), func(p *compute.FargateServiceProps) { p.CPU = 256; p.MemoryMiB = 4096 }).Validate(), []string{"MemoryMiB"}},
		{"web counts", with(goodWeb(), func(p *compute.FargateServiceProps) { p.MinCount = 5; p.MaxCount = 3 }).Validate(), []string{"MinCount", "MaxCount"}},
		{"web desired", with(goodWeb(), func(p *compute.FargateServiceProps) { p.DesiredCount = 9 }).Validate(), []string{"DesiredCount"}},
		{"web health path", with(goodWeb(), func(p *compute.FargateServiceProps) { p.HealthCheckPath = "health" }).Validate(), []string{"HealthCheckPath"}},
		{"web cpu target", with(goodWeb(), func(p *compute.FargateServiceProps) { p.CPUTargetPercent = 99 }).Validate(), []string{"CPUTargetPercent"}},
		{"web logs key", with(goodWeb(), func(p *compute.FargateServiceProps) { p.LogsKey = nil }).Validate(), []string{"LogsKey"}},
		{"web log retention", with(goodWeb(), func(p *compute.FargateServiceProps) { p.LogRetentionDays = 10 }).Validate(), []string{"LogRetentionDays"}},
		{"web nil secret", with(goodWeb(), func(p *compute.FargateServiceProps) { p.Secrets = map[string]compute.SecretRef{"DB": {}} }).Validate(), []string{`Secrets["DB"].Secret`}},
		{"web env and secret", with(goodWeb(), func(p *compute.FargateServiceProps) {
			p.Environment = map[string]string{"DB": "x"}
			p.Secrets = map[string]compute.SecretRef{"DB": {Secret: fx.secret}}
		}).Validate(), []string{"Environment and Secrets"}},
		{"web writable root", with(goodWeb(), func(p *compute.FargateServiceProps) { p.WritablePaths = []string{"/"} }).Validate(), []string{"WritablePaths"}},
		{"worker no queue", with(goodWorker(), func(p *compute.WorkerServiceProps) { p.Queue = nil }).Validate(), []string{"Queue"}},
		{"worker QUEUE_URL", with(goodWorker(), func(p *compute.WorkerServiceProps) { p.Environment = map[string]string{"QUEUE_URL": "x"} }).Validate(), []string{"QUEUE_URL"}},
		{"worker counts", with(goodWorker(), func(p *compute.WorkerServiceProps) { p.MinCount = 3; p.MaxCount = 2 }).Validate(), []string{"MinCount"}},
		{"function no bootstrap", with(goodFunction(), func(p *compute.GoFunctionProps) { p.AssetDir = t.TempDir() }).Validate(), []string{"AssetDir", "bootstrap", "make lambdas"}},
		{"function empty dir", with(goodFunction(), func(p *compute.GoFunctionProps) { p.AssetDir = "" }).Validate(), []string{"AssetDir", "make lambdas"}},
		{"function env key", with(goodFunction(), func(p *compute.GoFunctionProps) { p.EnvironmentKey = nil }).Validate(), []string{"EnvironmentKey"}},
		{"function timeout", with(goodFunction(), func(p *compute.GoFunctionProps) { p.Timeout = 20 * time.Minute }).Validate(), []string{"Timeout"}},
		{"function memory", with(goodFunction(), func(p *compute.GoFunctionProps) { p.MemoryMiB = 64 }).Validate(), []string{"MemoryMiB"}},
		{"function concurrency", with(goodFunction(), func(p *compute.GoFunctionProps) { p.ReservedConcurrency = -1 }).Validate(), []string{"ReservedConcurrency"}},
		{"function alarm topic", with(goodFunction(), func(p *compute.GoFunctionProps) { p.AlarmTopic = nil }).Validate(), []string{"AlarmTopic"}},
		{"function vpc", with(goodFunction(), func(p *compute.GoFunctionProps) { p.Vpc = nil }).Validate(), []string{"Vpc"}},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: accepted, want an error naming %v", c.name, c.want)
			continue
		}
		for _, w := range append(c.want, "fix:") {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, c.err, w)
			}
		}
	}
}

// TestConstructorsValidate checks that every constructor returns the validation error (and
// builds nothing) instead of panicking.
func TestConstructorsValidate(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("badprops"), nil)
	errs := map[string]error{}
	_, errs["NewAuroraCluster"] = data.NewAuroraCluster(stack, "A", nil)
	_, errs["NewTable"] = data.NewTable(stack, "T", nil)
	_, errs["NewDocumentDB"] = data.NewDocumentDB(stack, "D", nil)
	_, errs["NewRedis"] = data.NewRedis(stack, "R", nil)
	_, errs["NewBackupPlan"] = data.NewBackupPlan(stack, "B", nil)
	_, errs["NewRepository"] = compute.NewRepository(stack, "E", nil)
	_, errs["NewCluster"] = compute.NewCluster(stack, "C", nil)
	_, errs["NewFargateService"] = compute.NewFargateService(stack, "F", nil)
	_, errs["NewWorkerService"] = compute.NewWorkerService(stack, "W", nil)
	_, errs["NewGoFunction"] = compute.NewGoFunction(stack, "L", nil)
	for name, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "fix:") {
			t.Errorf("%s(nil props) = %v, want an error with a fix", name, err)
		}
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Errorf("constructors built %d constructs from invalid props", n)
	}
}
