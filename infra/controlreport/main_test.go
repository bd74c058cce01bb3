package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

func runOn(t *testing.T, f *controltest.Fixture, register []controls.Acknowledgement, notes ...controltest.Annotation) (int, string, string, string) {
	t.Helper()
	dir := t.TempDir()
	asm, out := filepath.Join(dir, "cdk.out"), filepath.Join(dir, "reports")
	if err := controltest.WriteAssembly(asm, f, notes...); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-assembly", asm, "-out", out, "-at", "2026-11-22"}, &stdout, &stderr, register)
	return code, stdout.String(), stderr.String(), out
}

func TestCompliantAssemblyExitsZeroAndWritesReports(t *testing.T) {
	code, stdout, stderr, out := runOn(t, controltest.Compliant(), nil)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"controls.md", "controls.sarif", "controls-junit.xml"} {
		if st, err := os.Stat(filepath.Join(out, "prod", f)); err != nil || st.Size() == 0 {
			t.Errorf("prod/%s: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "prod") || !strings.Contains(stdout, "PASS") {
		t.Errorf("summary:\n%s", stdout)
	}
}

func TestFailingControlExitsOne(t *testing.T) {
	f := controltest.Compliant()
	controltest.Breakers["LS-RDS-002"][0].Break(f)
	code, stdout, _, _ := runOn(t, f, nil)
	if code != 1 || !strings.Contains(stdout, "LS-RDS-002") {
		t.Fatalf("exit %d, summary:\n%s", code, stdout)
	}
}

func TestAcknowledgedFindingExitsZero(t *testing.T) {
	f := controltest.Compliant()
	controltest.Breakers["LS-ECR-003"][0].Break(f)
	a := controls.Acknowledgement{ControlID: "LS-ECR-003", Environment: "prod", Resource: "prod-app/Repo/**",
		Reason: "deploys by digest until the release pipeline tags by commit", Owner: "platform@labsecure.example",
		Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}
	code, stdout, stderr, out := runOn(t, f, []controls.Acknowledgement{a})
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "prod", "controls.md"))
	if err != nil || !strings.Contains(string(md), "platform@labsecure.example") || !strings.Contains(string(md), "2027-01-31") {
		t.Errorf("markdown must show the acknowledgement owner and expiry (err %v)", err)
	}
}

func TestNagErrorExitsOne(t *testing.T) {
	code, stdout, _, _ := runOn(t, controltest.Compliant(), nil, controltest.Annotation{Stack: controltest.App,
		Path: "/prod-app/TaskRole/Resource", Level: "error", Text: "AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/AdministratorAccess]: managed policy"})
	if code != 1 || !strings.Contains(stdout, "AwsSolutions-IAM4") {
		t.Fatalf("exit %d, summary:\n%s", code, stdout)
	}
}

func TestMissingAssemblyExitsTwo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-assembly", filepath.Join(t.TempDir(), "nope")}, &stdout, &stderr, nil); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "synth") {
		t.Errorf("stderr should say to synthesize first: %s", stderr.String())
	}
}
