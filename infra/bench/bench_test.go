package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

func run(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %w\n%s", name, args, err, out)
	}
	return nil
}

func buildApp(b *testing.B, root, out string, env ...string) error {
	return run(root, env, "go", "build", "-o", out, "./infra")
}

// BenchmarkColdBuild builds the CDK app with an empty Go build cache (module downloads are
// already cached): what a fresh CI machine pays once.
func BenchmarkColdBuild(b *testing.B) {
	root := repoRoot(b)
	for range b.N {
		Measure(b, Samples(3), func(int) error {
			cache := b.TempDir()
			return buildApp(b, root, filepath.Join(b.TempDir(), "infra"), "GOCACHE="+cache)
		})
	}
}

// BenchmarkWarmRebuildAndSynth relinks the app (a changed -X value forces the link, as an
// edit to main would) and synthesizes every environment, validator on: the inner loop of a
// platform engineer.
func BenchmarkWarmRebuildAndSynth(b *testing.B) {
	root := repoRoot(b)
	bin := filepath.Join(b.TempDir(), "infra")
	for range b.N {
		Measure(b, Samples(5), func(i int) error {
			if err := run(root, nil, "go", "build", "-ldflags", fmt.Sprintf("-X main.buildStamp=%d-%d", time.Now().UnixNano(), i), "-o", bin, "./infra"); err != nil {
				return err
			}
			return run(root, []string{"CDK_OUTDIR=" + b.TempDir(), "CDK_VALIDATION=true"}, bin)
		})
	}
}

// BenchmarkSynth synthesizes every environment with the prebuilt app, with CDK's built-in
// CloudFormation validator on and off (CDK_VALIDATION), to show what the validator costs.
func BenchmarkSynth(b *testing.B) {
	root := repoRoot(b)
	bin := filepath.Join(b.TempDir(), "infra")
	if err := buildApp(b, root, bin); err != nil {
		b.Fatal(err)
	}
	for _, validation := range []string{"true", "false"} {
		b.Run("validation="+validation, func(b *testing.B) {
			for range b.N {
				Measure(b, Samples(5), func(int) error {
					return run(root, []string{"CDK_OUTDIR=" + b.TempDir(), "CDK_VALIDATION=" + validation}, bin)
				})
			}
		})
	}
}
