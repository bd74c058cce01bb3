package servicestest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/appcontext"
	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/keys"
	"github.com/labsecure/labsecure/constructs/messaging"
	"github.com/labsecure/labsecure/constructs/storage"
	"github.com/labsecure/labsecure/constructs/tags"
)

// fixture is what every family builder gets: the two stacks and the foundation pieces.
type fixture struct {
	app        awscdk.App
	defaults   awscdk.Stack // every construct with its defaults
	variations awscdk.Stack // the same constructs with props changed
	bad        awscdk.Stack // scratch stack for bad-props calls (never inspected)
	badEU      awscdk.Stack // scratch stack in eu-west-1 (region checks)
	dataKey    awskms.Key
	logsKey    awskms.Key
	msgKey     awskms.Key
	logBucket  awss3.Bucket
	alarmTopic awssns.Topic
}

var testTags = map[string]string{
	"Environment": "dev", "Application": "labsecure", "Component": "services", "CostCenter": "engineering",
	"Owner": "platform@labsecure.example", "Compliance": "hipaa", "Backup": "none", "Encryption": "kms",
}

// badCase is one constructor call with invalid props and the prop name its error must contain.
type badCase struct {
	name string
	prop string
	call func() error
}

// builders add each family's constructs to the fixture and return its bad-props cases, in
// dependency order (the API uses the user pool and the web ACL).
var builders = []func(f *fixture) []badCase{buildIdentity, buildMessaging, buildEdge, buildAPI, buildAudit}

// The synthesized stacks the tests read, and the results of the bad-props calls.
var (
	defaults   *cfn.Stack
	variations *cfn.Stack
	badResults = map[string]error{}
	badWant    = map[string]string{}
	synthTime  time.Duration
)

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
	start := time.Now()
	dir, err := os.MkdirTemp("", "servicestest-")
	if err != nil {
		return 1, err
	}
	if os.Getenv("KEEP_OUT") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "servicestest: assembly kept in", dir)
	}
	app := appcontext.NewApp(dir)
	env := &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")}
	f := &fixture{app: app}
	f.defaults = awscdk.NewStack(app, jsii.String("Defaults"), &awscdk.StackProps{Env: env})
	f.variations = awscdk.NewStack(app, jsii.String("Variations"), &awscdk.StackProps{Env: env})
	// Bad-props calls go to stacks of an app that is never synthesized (empty stacks would
	// fail CloudFormation validation).
	badApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir + "/unused")})
	f.bad = awscdk.NewStack(badApp, jsii.String("BadProps"), &awscdk.StackProps{Env: env})
	f.badEU = awscdk.NewStack(badApp, jsii.String("BadPropsEU"), &awscdk.StackProps{Env: &awscdk.Environment{Account: env.Account, Region: jsii.String("eu-west-1")}})
	for _, s := range []awscdk.Stack{f.defaults, f.variations} {
		s.Node().SetContext(jsii.String("availability-zones:account=111111111111:region=us-east-1"), []string{"us-east-1a", "us-east-1b"})
	}
	// Shared foundation pieces live in the defaults stack, as they live in the foundation
	// stack of an environment; the variations stack uses them across stacks.
	f.dataKey = must(keys.New(f.defaults, "DataKey", &keys.Props{Alias: "test-data"}))
	f.logsKey = must(keys.New(f.defaults, "LogsKey", &keys.Props{Alias: "test-logs", CloudWatchLogs: true}))
	f.msgKey = must(keys.New(f.defaults, "MessagingKey", &keys.Props{Alias: "test-messaging",
		ServicePrincipals: []string{"events.amazonaws.com", "cloudwatch.amazonaws.com"}}))
	f.logBucket = must(storage.NewLogBucket(f.defaults, "LogBucket", nil))
	f.alarmTopic = must(messaging.NewTopic(f.defaults, "AlarmTopic", &messaging.TopicProps{Key: f.msgKey, Email: "ops@labsecure.example"}))

	for _, b := range builders {
		for _, c := range b(f) {
			if _, dup := badWant[c.name]; dup {
				return 1, fmt.Errorf("bad-props case %q defined twice", c.name)
			}
			badWant[c.name] = c.prop
			badResults[c.name] = c.call()
		}
	}
	// Every resource must take the mandatory tags: the labsecure app fails synth otherwise.
	for _, s := range []awscdk.Stack{f.defaults, f.variations} {
		if err := tags.Apply(s, testTags); err != nil {
			return 1, err
		}
	}
	tags.Enforce(app, tags.Mandatory)
	// The bad-props stack must stay empty: constructors validate before creating anything.
	for _, s := range []awscdk.Stack{f.bad, f.badEU} {
		if kids := *s.Node().Children(); len(kids) != 0 {
			return 1, fmt.Errorf("bad-props calls created %d constructs in %s, first %s", len(kids), *s.StackName(), *kids[0].Node().Path())
		}
	}

	all, _, err := appcontext.Synth(app)
	if err != nil {
		return 1, err
	}
	for _, s := range all {
		switch s.StackName {
		case "Defaults":
			defaults = s
		case "Variations":
			variations = s
		}
	}
	if defaults == nil || variations == nil {
		return 1, fmt.Errorf("stacks missing from the assembly")
	}
	synthTime = time.Since(start)
	fmt.Fprintf(os.Stderr, "servicestest: built and synthesized in %s (%d + %d resources)\n",
		synthTime.Round(time.Millisecond), len(defaults.Template.Resources), len(variations.Template.Resources))
	return 0, nil
}

// byPath returns the only resource of type typ whose construct path contains frag.
func byPath(t *testing.T, s *cfn.Stack, typ, frag string) *cfn.Resource {
	t.Helper()
	found := allByPath(s, typ, frag)
	if len(found) != 1 {
		t.Fatalf("%s: want exactly one %s under %q, found %d", s.StackName, typ, frag, len(found))
	}
	return found[0]
}

// allByPath returns the resources of type typ whose construct path contains frag.
func allByPath(s *cfn.Stack, typ, frag string) []*cfn.Resource {
	var found []*cfn.Resource
	for _, r := range s.Template.OfType(typ) {
		if strings.Contains(r.Path(), frag) {
			found = append(found, r)
		}
	}
	return found
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// eq reports a mismatch of a literal property.
func eq(t *testing.T, r *cfn.Resource, want any, path ...string) {
	t.Helper()
	got, ok := r.Get(path...)
	if !ok {
		t.Errorf("%s: %s missing, want %v", r.Path(), strings.Join(path, "."), js(want))
		return
	}
	if js(got) != js(want) {
		t.Errorf("%s: %s = %s, want %s", r.Path(), strings.Join(path, "."), js(got), js(want))
	}
}

func TestNoSynthErrors(t *testing.T) {
	for _, s := range []*cfn.Stack{defaults, variations} {
		for _, m := range s.Messages {
			if m.Level == "error" {
				t.Errorf("%s: synth error at %s: %s", s.StackName, m.Path, m.Text)
			}
		}
	}
}

func TestBadPropsNameThePropAndTheFix(t *testing.T) {
	if len(badWant) == 0 {
		t.Fatal("no bad-props cases ran")
	}
	for name, prop := range badWant {
		err := badResults[name]
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), prop) || !strings.Contains(err.Error(), "fix:") {
			t.Errorf("%s: error %q must name %q and say the fix", name, err, prop)
		}
	}
}
