// Package controlsuite holds the Terratest suites of the security controls: the whole CDK
// app synthesized once and every control judged per environment, and a suite proving that
// every control fails on its broken fixture.
//
//	go test ./test/controls -run 'Controls/prod/'        # one subtest per prod control
//	go test ./test/controls -run EveryControlCanFail     # no synth needed
//	CONTROLS_ASSEMBLY=cdk.out go test ./test/controls    # reuse an existing synth
package controlsuite

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gruntwork-io/terratest/modules/files"
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/shell"
	"github.com/labsecure/labsecure/constructs/cfn"
)

// repoRoot is the module root relative to this package.
const repoRoot = "../.."

var (
	synthOnce sync.Once
	synthTemp bool // synthDir was created by this test binary and is removed by TestMain
	synthDir  string
	synthErr  string
	synthed   []*cfn.Stack
)

// TestMain removes the synthesized assembly after all tests and benchmarks ran.
func TestMain(m *testing.M) {
	code := m.Run()
	if synthTemp {
		_ = os.RemoveAll(synthDir)
	}
	os.Exit(code)
}

// assembly synthesizes the whole app once per test binary (`go run ./infra` with
// CDK_OUTDIR) and loads it, or loads CONTROLS_ASSEMBLY when set. A synth that exits non-zero
// but leaves an assembly (the app refuses error annotations) is still evaluated: the
// controls then say what is wrong.
func assembly(t testing.TB) []*cfn.Stack {
	t.Helper()
	synthOnce.Do(func() {
		if dir := os.Getenv("CONTROLS_ASSEMBLY"); dir != "" {
			synthDir = dir
		} else {
			root, err := filepath.Abs(repoRoot)
			if err != nil {
				synthErr = err.Error()
				return
			}
			if !files.FileExists(filepath.Join(root, "infra", "main.go")) {
				synthErr = "infra/main.go does not exist yet: nothing to synthesize"
				return
			}
			dir, err := os.MkdirTemp("", "labsecure-controls-cdkout-")
			if err != nil {
				synthErr = err.Error()
				return
			}
			synthDir, synthTemp = dir, true
			out, err := shell.RunCommandAndGetOutputE(t, shell.Command{
				Command:    "go",
				Args:       []string{"run", "./infra"},
				WorkingDir: root,
				Logger:     logger.Discard, // the tail is logged on failure
				Env: map[string]string{
					"CDK_OUTDIR":     dir,
					"CDK_VALIDATION": "false",
					"PATH":           filepath.Join(root, ".tools", "node_modules", ".bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
				},
			})
			if err != nil {
				t.Logf("go run ./infra exited with an error (evaluating whatever it wrote):\n%s", tail(out, 4000))
			}
		}
		if !files.FileExists(filepath.Join(synthDir, "manifest.json")) {
			synthErr = "no cloud assembly in " + synthDir + synthErr
			return
		}
		stacks, err := cfn.LoadAssembly(synthDir)
		if err != nil {
			synthErr = err.Error()
			return
		}
		synthed = stacks
	})
	if synthErr != "" {
		t.Fatalf("synthesize the app: %s", synthErr)
	}
	return synthed
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
