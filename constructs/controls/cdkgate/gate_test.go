package cdkgate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/cdkgate"
)

// storageControls is the subset the tiny apps below can satisfy: S3 and KMS (the full
// catalog also wants GuardDuty, CloudTrail, tags, ... which a two-bucket app lacks).
func storageControls() []controls.Control {
	var out []controls.Control
	for _, c := range controls.Catalog() {
		if strings.HasPrefix(c.ID, "LS-S3-") || c.ID == "LS-KMS-001" {
			out = append(out, c)
		}
	}
	return out
}

// tinyApp builds one stack with a log bucket and a data bucket; encrypted=false leaves the
// data bucket without default encryption.
func tinyApp(t *testing.T, gate *cdkgate.Plugin, encrypted bool) awscdk.App {
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir: jsii.String(t.TempDir()),
		// "inmemory": a failing plugin makes Synth throw with the whole report in the message.
		Context: &map[string]any{"@aws-cdk/core:appMode": "inmemory", "aws:cdk:enable-path-metadata": true},
	})
	awscdk.Validations_Of(app).AddPlugins(gate)
	stack := awscdk.NewStack(app, jsii.String("GateTest"), nil)
	stack.AddMetadata(jsii.String("Labsecure"), map[string]any{"Environment": "test"})
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	logs := awss3.NewBucket(stack, jsii.String("Logs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		MinimumTLSVersion: jsii.Number(1.2),
		Versioned:         jsii.Bool(true),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Transitions: &[]*awss3.Transition{{StorageClass: awss3.StorageClass_GLACIER(), TransitionAfter: awscdk.Duration_Days(jsii.Number(90))}},
			Expiration:  awscdk.Duration_Days(jsii.Number(730)),
		}},
	})
	props := &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          key,
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		MinimumTLSVersion:      jsii.Number(1.2),
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: logs,
		LifecycleRules:         &[]*awss3.LifecycleRule{{NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(180))}},
	}
	if !encrypted {
		props.Encryption = awss3.BucketEncryption_UNENCRYPTED
		props.EncryptionKey = nil
	}
	awss3.NewBucket(stack, jsii.String("Data"), props)
	return app
}

func synth(app awscdk.App) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	app.Synth(nil)
	return ""
}

// One test function: the jsii runtime is not goroutine-safe and each app synth is costly.
func TestGate(t *testing.T) {
	t.Run("compliant stack passes", func(t *testing.T) {
		gate := cdkgate.NewWithOptions(cdkgate.Options{Controls: storageControls()})
		if msg := synth(tinyApp(t, gate, true)); msg != "" {
			t.Fatalf("synth failed on the compliant stack:\n%s", msg)
		}
		if !gate.OK() {
			for _, r := range gate.Report().Failed() {
				for _, f := range r.Findings {
					t.Errorf("%s %s: %s", f.ControlID, f.Path, f.Message)
				}
			}
			t.Fatalf("gate not OK (err %v)", gate.Err())
		}
		passed := 0
		for _, r := range gate.Report().Results {
			if r.Status == controls.Pass {
				passed++
			}
		}
		if passed < 8 {
			t.Errorf("only %d controls passed on real CDK output; the gate examined too little", passed)
		}
	})
	t.Run("unencrypted bucket fails synth", func(t *testing.T) {
		gate := cdkgate.NewWithOptions(cdkgate.Options{Controls: storageControls()})
		msg := synth(tinyApp(t, gate, false))
		if msg == "" {
			t.Fatal("synth succeeded with an unencrypted bucket")
		}
		for _, want := range []string{"LS-S3-002", "GateTest/Data/Resource", "000_62a51c6c41b95dee.txt", "EncryptionKey"} {
			if !strings.Contains(msg, want) {
				t.Errorf("synth error does not name %q:\n%s", want, msg)
			}
		}
		if gate.OK() {
			t.Error("gate.OK() after a failing synth")
		}
	})
	t.Run("environment-level finding of the whole catalog fails synth", func(t *testing.T) {
		gate := cdkgate.New(nil)
		msg := synth(tinyApp(t, gate, true))
		for _, want := range []string{"LS-AUD-001", "no GuardDuty detector", "LS-TAG-001"} {
			if !strings.Contains(msg, want) {
				t.Errorf("synth error does not name %q:\n%s", want, msg)
			}
		}
		if gate.OK() || gate.Report() == nil {
			t.Error("the full catalog must fail a tiny app without GuardDuty, CloudTrail and tags")
		}
	})
}
