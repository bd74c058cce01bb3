package foundationtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/appcontext"
	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/keys"
	"github.com/labsecure/labsecure/constructs/logs"
	"github.com/labsecure/labsecure/constructs/network"
	"github.com/labsecure/labsecure/constructs/storage"
	"github.com/labsecure/labsecure/constructs/tags"
)

// The synthesized stacks every test reads.
var (
	secure *cfn.Stack // all foundation constructs with defaults, tagged
	// untaggedReport and untaggedErr are what synthesizing a stack with an untagged queue
	// produced: the validation report and the synth error.
	untaggedReport []byte
	untaggedErr    error
	// badProps collects what constructors returned for invalid props, by case name.
	badProps = map[string]error{}
)

var testTags = map[string]string{
	"Environment": "test", "Application": "labsecure", "Component": "security", "CostCenter": "engineering",
	"Owner": "platform@labsecure.example", "Compliance": "hipaa", "Backup": "daily", "Encryption": "kms",
}

func TestMain(m *testing.M) {
	code, err := synthesize()
	if err != nil {
		fmt.Fprintln(os.Stderr, "synthesize test app:", err)
		os.Exit(1)
	}
	if code == 0 {
		code = m.Run()
	}
	jsii.Close()
	os.Exit(code)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func synthesize() (code int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	dir, err := os.MkdirTemp("", "foundationtest-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	app := appcontext.NewApp(dir)
	env := &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")}

	stack := awscdk.NewStack(app, jsii.String("Secure"), &awscdk.StackProps{Env: env})
	stack.Node().SetContext(jsii.String("availability-zones:account=111111111111:region=us-east-1"), []string{"us-east-1a", "us-east-1b", "us-east-1c"})
	dataKey := must(keys.New(stack, "DataKey", &keys.Props{Alias: "test-data"}))
	logsKey := must(keys.New(stack, "LogsKey", &keys.Props{Alias: "test-logs", CloudWatchLogs: true, RotationPeriod: 180 * 24 * 3600e9}))
	must(keys.New(stack, "MessagingKey", &keys.Props{Alias: "test-messaging", ServicePrincipals: []string{"events.amazonaws.com"}, Retain: true}))
	must(logs.New(stack, "AppLogs", &logs.Props{Name: "/labsecure/test/app", Key: logsKey, RetentionDays: 14}))
	logBucket := must(storage.NewLogBucket(stack, "LogBucket", nil))
	must(storage.NewBucket(stack, "RawBucket", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket}))
	must(storage.NewBucket(stack, "CriticalBucket", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, Critical: true,
		Replication: &storage.Replication{DestinationBucket: "test-critical-replica", DestinationRegion: "us-west-2", DestinationKeyAlias: "test-replica"}}))
	must(storage.NewBucket(stack, "ArchiveBucket", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, NoncurrentVersionDays: 365, GlacierAfterDays: 30, ExpireAfterDays: 2555, Retain: true}))
	must(network.New(stack, "Network", &network.Props{
		CIDR: "10.40.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, NATGateways: 2,
		FlowLogKey: logsKey, FlowLogRetentionDays: 365,
	}))
	if err := tags.Apply(stack, testTags); err != nil {
		return 1, err
	}

	tags.Enforce(app, tags.Mandatory)

	collectBadProps(dataKey, logsKey, logBucket)

	all, _, err := appcontext.Synth(app)
	if err != nil {
		return 1, err
	}
	for _, s := range all {
		if s.StackName == "Secure" {
			secure = s
		}
	}
	if secure == nil {
		return 1, fmt.Errorf("stack Secure missing from the assembly")
	}
	untaggedReport, untaggedErr = synthesizeUntagged()
	return 0, nil
}

// synthesizeUntagged synthesizes, in an app of its own, a stack whose queue misses mandatory
// tags. The enforcement aspect must make the synth fail; it returns the validation report.
func synthesizeUntagged() (report []byte, synthErr error) {
	dir, err := os.MkdirTemp("", "foundationtest-untagged-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	app := appcontext.NewApp(dir)
	bare := awscdk.NewStack(app, jsii.String("Untagged"), nil)
	awssqs.NewQueue(bare, jsii.String("Queue"), &awssqs.QueueProps{Encryption: awssqs.QueueEncryption_KMS_MANAGED})
	if err := tags.Apply(bare, map[string]string{"Environment": "test"}); err != nil {
		return nil, err
	}
	tags.Enforce(app, tags.Mandatory)
	if _, _, synthErr = appcontext.Synth(app); synthErr != nil {
		report, _ = os.ReadFile(filepath.Join(dir, "validation-report.json"))
	}
	return report, synthErr
}

// collectBadProps calls every constructor with invalid props, in an app of its own that is
// never synthesized (the constructors must refuse before creating anything).
func collectBadProps(dataKey, logsKey awskms.IKey, logBucket awss3.IBucket) {
	scope := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("BadProps"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")},
	})
	cases := map[string]func() error{
		"keys nil":          func() error { _, err := keys.New(scope, "K0", nil); return err },
		"keys alias prefix": func() error { _, err := keys.New(scope, "K1", &keys.Props{Alias: "aws/s3"}); return err },
		"keys rotation short": func() error {
			_, err := keys.New(scope, "K2", &keys.Props{Alias: "x", RotationPeriod: 24 * 3600e9})
			return err
		},
		"keys pending long": func() error {
			_, err := keys.New(scope, "K3", &keys.Props{Alias: "x", PendingWindow: 31 * 24 * 3600e9})
			return err
		},
		"keys principal": func() error {
			_, err := keys.New(scope, "K4", &keys.Props{Alias: "x", ServicePrincipals: []string{"*"}})
			return err
		},
		"logs no key":    func() error { _, err := logs.New(scope, "L1", &logs.Props{RetentionDays: 14}); return err },
		"logs retention": func() error { _, err := logs.New(scope, "L2", &logs.Props{Key: logsKey, RetentionDays: 0}); return err },
		"logs name": func() error {
			_, err := logs.New(scope, "L3", &logs.Props{Key: logsKey, RetentionDays: 14, Name: "bad name*"})
			return err
		},
		"bucket no key": func() error {
			_, err := storage.NewBucket(scope, "B1", &storage.BucketProps{AccessLogs: logBucket})
			return err
		},
		"bucket no logs": func() error { _, err := storage.NewBucket(scope, "B2", &storage.BucketProps{Key: dataKey}); return err },
		"bucket noncurrent": func() error {
			_, err := storage.NewBucket(scope, "B3", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, NoncurrentVersionDays: 30})
			return err
		},
		"bucket name": func() error {
			_, err := storage.NewBucket(scope, "B4", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, BucketName: "Bad_Name"})
			return err
		},
		"bucket glacier": func() error {
			_, err := storage.NewBucket(scope, "B5", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, GlacierAfterDays: 5})
			return err
		},
		"bucket expire": func() error {
			_, err := storage.NewBucket(scope, "B6", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket, GlacierAfterDays: 90, ExpireAfterDays: 60})
			return err
		},
		"replication same region": func() error {
			_, err := storage.NewBucket(scope, "B8", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket,
				Replication: &storage.Replication{DestinationBucket: "x-replica", DestinationRegion: "us-east-1", DestinationKeyAlias: "k"}})
			return err
		},
		"replication alias": func() error {
			_, err := storage.NewBucket(scope, "B9", &storage.BucketProps{Key: dataKey, AccessLogs: logBucket,
				Replication: &storage.Replication{DestinationBucket: "x-replica", DestinationRegion: "us-west-2", DestinationKeyAlias: "alias/k*"}})
			return err
		},
		"log bucket lifecycle": func() error {
			_, err := storage.NewLogBucket(scope, "B7", &storage.LogBucketProps{GlacierAfterDays: 90, ExpireAfterDays: 80})
			return err
		},
		"network nil": func() error { _, err := network.New(scope, "N0", nil); return err },
		"network one AZ": func() error {
			_, err := network.New(scope, "N1", &network.Props{CIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-east-1a"}, FlowLogKey: logsKey, FlowLogRetentionDays: 14})
			return err
		},
		"network CIDR": func() error {
			_, err := network.New(scope, "N2", &network.Props{CIDR: "10.0.0.0/8", AvailabilityZones: []string{"a", "b"}, FlowLogKey: logsKey, FlowLogRetentionDays: 14})
			return err
		},
		"network NAT": func() error {
			_, err := network.New(scope, "N3", &network.Props{CIDR: "10.0.0.0/16", AvailabilityZones: []string{"a", "b"}, NATGateways: 3, FlowLogKey: logsKey, FlowLogRetentionDays: 14})
			return err
		},
		"network flow key": func() error {
			_, err := network.New(scope, "N4", &network.Props{CIDR: "10.0.0.0/16", AvailabilityZones: []string{"a", "b"}, FlowLogRetentionDays: 14})
			return err
		},
		"network endpoint": func() error {
			_, err := network.New(scope, "N5", &network.Props{CIDR: "10.0.0.0/16", AvailabilityZones: []string{"a", "b"}, FlowLogKey: logsKey, FlowLogRetentionDays: 14, InterfaceEndpoints: []string{"ftp"}})
			return err
		},
		"network flow retention": func() error {
			_, err := network.New(scope, "N6", &network.Props{CIDR: "10.0.0.0/16", AvailabilityZones: []string{"a", "b"}, FlowLogKey: logsKey, FlowLogRetentionDays: 2})
			return err
		},
		"tags comma": func() error { return tags.Apply(scope, map[string]string{"Compliance": "hipaa,pii"}) },
	}
	for name, f := range cases {
		badProps[name] = f()
	}
}
