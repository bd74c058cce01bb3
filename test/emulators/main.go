package emulators

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// KeepEnvVar, when set to a non-empty value, keeps the folder of an Env started by Launch
// without Options.Dir (logs, s3rver data) after Close, and prints where it is.
const KeepEnvVar = "LABSECURE_EMULATORS_KEEP"

// RunTests is the body of a TestMain that shares one Env across a test binary (goaws allows
// one instance per process; DynamoDB Local takes seconds to start):
//
//	var env *emulators.Env
//	func TestMain(m *testing.M) {
//		os.Exit(emulators.RunTests(m, emulators.Options{Services: ...}, func(ctx context.Context, e *emulators.Env) error {
//			env = e
//			return createTables(ctx, e)
//		}))
//	}
//
// It launches the emulators, runs setup (bounded to one minute), runs the tests, stops the
// emulators and returns the exit code. Start-up times go to stderr.
func RunTests(m *testing.M, opts Options, setup func(context.Context, *Env) error) int {
	t0 := time.Now()
	env, err := Launch(context.Background(), opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "emulators:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "emulators: up in %s %v\n", time.Since(t0).Round(time.Millisecond), env.StartTimes())
	if setup != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := setup(ctx, env)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "emulators: test setup:", err)
			_ = env.Close()
			return 1
		}
	}
	code := m.Run()
	if err := env.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "emulators: stop:", err)
		if code == 0 {
			code = 1
		}
	}
	fmt.Fprintf(os.Stderr, "emulators: test binary done in %s\n", time.Since(t0).Round(time.Millisecond))
	return code
}
