package controls_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

func resultsOf(rep *controls.Report, id string) []controls.Result {
	var out []controls.Result
	for _, r := range rep.Results {
		if r.Control.ID == id {
			out = append(out, r)
		}
	}
	return out
}

func TestNotApplicableComesOnlyFromMetadata(t *testing.T) {
	f := controltest.Compliant()
	f.Template(controltest.Edge)["Metadata"].(controltest.M)["Labsecure"].(controltest.M)["NotApplicable"] =
		controltest.M{"LS-CF-001": "portal served from the ALB only in this test"}
	controltest.Breakers["LS-CF-001"][0].Break(f)
	rep := evaluate(t, f)
	for _, r := range resultsOf(rep, "LS-CF-001") {
		if r.Stack == controltest.Edge {
			if r.Status != controls.NotApplicable || !strings.Contains(r.Reason, "ALB only") {
				t.Errorf("edge LS-CF-001 = %s %q, want NOT_APPLICABLE with the reason", r.Status, r.Reason)
			}
		}
	}
}

func TestMetadataErrorsNameTheField(t *testing.T) {
	cases := map[string]controltest.M{
		"unknown key":          {"Environment": "prod", "Enviroment": "prod"},
		"unknown control":      {"Environment": "prod", "NotApplicable": controltest.M{"LS-XXX-001": "a long enough reason"}},
		"empty reason":         {"Environment": "prod", "NotApplicable": controltest.M{"LS-S3-001": ""}},
		"backup days as text":  {"Environment": "prod", "BackupRetentionDays": "thirty"},
		"noncurrent too short": {"Environment": "prod", "NoncurrentVersionDays": 30},
		"multi-AZ not a bool":  {"Environment": "prod", "MultiAz": "yes"},
	}
	for name, meta := range cases {
		t.Run(name, func(t *testing.T) {
			f := controltest.Compliant()
			f.Template(controltest.App)["Metadata"] = controltest.M{"Labsecure": meta}
			stacks, _ := f.Stacks()
			_, err := controls.Evaluate(stacks, controls.Options{Now: evalTime})
			if err == nil || !strings.Contains(err.Error(), "Metadata.Labsecure") {
				t.Fatalf("err = %v, want an error naming Metadata.Labsecure.<field>", err)
			}
		})
	}
}

func TestEnvironmentThresholdsComeFromMetadata(t *testing.T) {
	f := controltest.Compliant()
	f.Template(controltest.Data)["Metadata"].(controltest.M)["Labsecure"].(controltest.M)["BackupRetentionDays"] = 7
	f.Props(controltest.Data, "Database")["BackupRetentionPeriod"] = 7
	f.Props(controltest.Data, "DocCluster")["BackupRetentionPeriod"] = 7
	for _, r := range resultsOf(evaluate(t, f), "LS-BAK-001") {
		if r.Stack == controltest.Data && r.Status != controls.Pass {
			t.Errorf("7-day backups in a 7-day environment = %s %v", r.Status, r.Findings)
		}
	}
}

func TestEnvironmentScopedControlRunsOncePerEnvironment(t *testing.T) {
	rep := evaluate(t, controltest.Compliant())
	rs := resultsOf(rep, "LS-AUD-001")
	if len(rs) != 1 || rs[0].Stack != "*" || rs[0].Status != controls.Pass {
		t.Fatalf("LS-AUD-001 results = %+v, want one PASS for the environment", rs)
	}
}

func TestStacksWithoutMetadataAreUnspecified(t *testing.T) {
	tpl, err := cfn.Parse([]byte(`{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := controls.Evaluate([]*cfn.Stack{{StackName: "bare", Template: tpl}}, controls.Options{Now: evalTime})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Environments) != 1 || rep.Environments[0] != controls.UnspecifiedEnvironment {
		t.Fatalf("environments = %v", rep.Environments)
	}
	if rep.OK() {
		t.Fatal("an unencrypted, unlogged bucket must fail the gate")
	}
}

func ack(id, res string, expires time.Time) controls.Acknowledgement {
	return controls.Acknowledgement{ControlID: id, Environment: "prod", Resource: res,
		Reason: "accepted for the test: compensating control documented in RISK-1", Owner: "platform@labsecure.example", Expires: expires}
}

func TestAcknowledgements(t *testing.T) {
	broken := func() *controltest.Fixture {
		f := controltest.Compliant()
		controltest.Breakers["LS-ECR-003"][0].Break(f)
		return f
	}
	statusOf := func(rep *controls.Report) controls.Status {
		for _, r := range resultsOf(rep, "LS-ECR-003") {
			if r.Stack == controltest.App {
				return r.Status
			}
		}
		return ""
	}
	valid := ack("LS-ECR-003", "prod-app/Repo/**", evalTime.AddDate(0, 3, 0))
	t.Run("valid covers", func(t *testing.T) {
		rep := evaluate(t, broken(), valid)
		if s := statusOf(rep); s != controls.Acknowledged {
			t.Fatalf("status %s, want ACKNOWLEDGED", s)
		}
		if rep.Acknowledgements[0].Matches != 1 || !rep.OK() {
			t.Fatalf("uses %+v ok=%v", rep.Acknowledgements, rep.OK())
		}
	})
	t.Run("expired fails again", func(t *testing.T) {
		rep := evaluate(t, broken(), ack("LS-ECR-003", "prod-app/Repo/**", evalTime.AddDate(0, 0, -1)))
		if s := statusOf(rep); s != controls.Fail || rep.OK() {
			t.Fatalf("status %s, want FAIL", s)
		}
		if !rep.Acknowledgements[0].Expired {
			t.Fatal("acknowledgement not reported as expired")
		}
		for _, r := range resultsOf(rep, "LS-ECR-003") {
			for _, f := range r.Findings {
				if !strings.Contains(f.Message, "expired") {
					t.Errorf("finding %q does not say the acknowledgement expired", f.Message)
				}
			}
		}
	})
	t.Run("expiry day still counts", func(t *testing.T) {
		rep := evaluate(t, broken(), ack("LS-ECR-003", "prod-app/Repo/**", evalTime))
		if s := statusOf(rep); s != controls.Acknowledged {
			t.Fatalf("status %s on the expiry day", s)
		}
	})
	t.Run("other environment or path does not cover", func(t *testing.T) {
		a := valid
		a.Environment = "dev"
		b := ack("LS-ECR-003", "prod-app/Other/*", evalTime.AddDate(0, 1, 0))
		if s := statusOf(evaluate(t, broken(), a, b)); s != controls.Fail {
			t.Fatalf("status %s", s)
		}
	})
	t.Run("invalid covers nothing", func(t *testing.T) {
		a := valid
		a.Owner = ""
		rep := evaluate(t, broken(), a)
		if s := statusOf(rep); s != controls.Fail || rep.Acknowledgements[0].Invalid == "" {
			t.Fatalf("status %s invalid=%q", s, rep.Acknowledgements[0].Invalid)
		}
	})
}

func TestAcknowledgementValidation(t *testing.T) {
	known := map[string]bool{"LS-S3-001": true}
	good := controls.Acknowledgement{ControlID: "LS-S3-001", Environment: "*", Resource: "*/Bucket/**",
		Reason: "public website bucket served through CloudFront", Owner: "web-team", Expires: evalTime.AddDate(0, 6, 0)}
	if err := good.Validate(evalTime, known); err != nil {
		t.Fatalf("good acknowledgement: %v", err)
	}
	nag := good
	nag.ControlID = "AwsSolutions-IAM4"
	if err := nag.Validate(evalTime, known); err != nil {
		t.Fatalf("cdk-nag rule id: %v", err)
	}
	cases := map[string]func(a *controls.Acknowledgement){
		"ControlID":   func(a *controls.Acknowledgement) { a.ControlID = "LS-NOPE-001" },
		"Reason":      func(a *controls.Acknowledgement) { a.Reason = "because" },
		"Owner":       func(a *controls.Acknowledgement) { a.Owner = " " },
		"Expires":     func(a *controls.Acknowledgement) { a.Expires = time.Time{} },
		"one year":    func(a *controls.Acknowledgement) { a.Expires = evalTime.AddDate(2, 0, 0) },
		"Environment": func(a *controls.Acknowledgement) { a.Environment = "" },
		"Resource":    func(a *controls.Acknowledgement) { a.Resource = "" },
	}
	for field, mutate := range cases {
		a := good
		mutate(&a)
		err := a.Validate(evalTime, known)
		if err == nil || !strings.Contains(err.Error(), strings.Fields(field)[0]) && field != "one year" {
			t.Errorf("%s: err = %v", field, err)
		}
	}
	if !good.Covers("LS-S3-001", "prod", "/prod-edge/Bucket/Resource") || good.Covers("LS-S3-001", "prod", "prod-edge/Other/Bucket") {
		t.Error("glob: * must stay within one segment and ** cross segments")
	}
}

func TestNagErrorsGateAndAcknowledgement(t *testing.T) {
	stacks, err := controltest.Compliant().Stacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stacks {
		if s.StackName == controltest.App {
			s.Messages = []cfn.Message{{Level: "error", Path: "/prod-app/TaskRole/DefaultPolicy/Resource",
				Text: "AwsSolutions-IAM5[Resource::*]: The IAM entity contains wildcard permissions"}}
		}
	}
	rep, err := controls.Evaluate(stacks, controls.Options{Now: evalTime})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.OpenNagErrors()) != 1 {
		t.Fatalf("an unacknowledged cdk-nag error must fail the gate")
	}
	a := ack("AwsSolutions-IAM5", "prod-app/TaskRole/**", evalTime.AddDate(0, 1, 0))
	rep, err = controls.Evaluate(stacks, controls.Options{Now: evalTime, Acks: []controls.Acknowledgement{a}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.NagErrors[0].Ack == nil {
		t.Fatalf("acknowledged cdk-nag error still open: %+v", rep.NagErrors)
	}
}

// TestGetStackOutputResolves: aws-cdk-lib's Fn::GetStackOutput cross-stack references are
// followed like Fn::ImportValue.
func TestGetStackOutputResolves(t *testing.T) {
	gso := controltest.M{"Fn::GetStackOutput": controltest.M{"StackName": controltest.Foundation,
		"OutputName": "Exportprod-foundationKeyArn", "Region": "us-east-1"}}
	status := func(f *controltest.Fixture) controls.Status {
		for _, r := range resultsOf(evaluate(t, f), "LS-SQS-001") {
			if r.Stack == controltest.App {
				return r.Status
			}
		}
		return ""
	}
	f := controltest.Compliant()
	f.Props(controltest.App, "WorkQueue")["KmsMasterKeyId"] = gso
	if s := status(f); s != controls.Pass {
		t.Fatalf("GetStackOutput key: %s, want PASS", s)
	}
	f.Props(controltest.Foundation, "Key")["EnableKeyRotation"] = false
	if s := status(f); s != controls.Fail {
		t.Fatalf("GetStackOutput key without rotation: %s, want FAIL", s)
	}
}

// TestStacksFromTemplatesUsesManifestNames: the gate receives template paths only; stack
// names (targets of Fn::GetStackOutput) come from the manifest next to them.
func TestStacksFromTemplatesUsesManifestNames(t *testing.T) {
	dir := t.TempDir()
	if err := controltest.WriteAssembly(dir, controltest.Compliant()); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, n := range controltest.Compliant().Names() {
		paths = append(paths, filepath.Join(dir, n+".template.json"))
	}
	stacks, err := controls.StacksFromTemplates(paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) != 4 || stacks[0].StackName != controltest.App {
		t.Fatalf("stacks = %d, first %q", len(stacks), stacks[0].StackName)
	}
	rep, err := controls.Evaluate(stacks, controls.Options{Now: evalTime})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("compliant templates loaded from disk fail: %d results", len(rep.Failed()))
	}
	if _, err := controls.StacksFromTemplates([]string{filepath.Join(dir, "missing.template.json")}); err == nil {
		t.Fatal("a missing template must be an error")
	}
}
