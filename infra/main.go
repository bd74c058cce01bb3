// Command infra is the labsecure CDK app: it builds every selected environment (context
// "env", default all) from typed configuration and synthesizes it. It exits non-zero on a
// configuration error, on a violated security control (the synth gate) and on any error
// annotation (missing mandatory tags, unacknowledged cdk-nag findings), whether it runs under
// `cdk synth` or directly.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/appcontext"
	"github.com/labsecure/labsecure/infra/acks"
	"github.com/labsecure/labsecure/infra/config"
	"github.com/labsecure/labsecure/infra/stacks"
)

// buildStamp is set with -ldflags -X by the synth benchmark to force a relink.
var buildStamp string

func main() {
	_ = buildStamp
	os.Exit(run())
}

func run() (code int) {
	defer jsii.Close()
	// Feature flags live in code (appcontext), so cdk synth and a direct run agree. Run
	// directly (not under the cdk CLI), the app writes where `cdk synth` would.
	outdir := ""
	if os.Getenv("CDK_OUTDIR") == "" {
		outdir = "cdk.out"
	}
	app := appcontext.NewApp(outdir)
	ctx := func(key string) string {
		if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok {
			return v
		}
		return ""
	}
	all := config.Defaults()
	for _, env := range all {
		env.Resolve(ctx("account"), ctx("region"), os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION"))
	}
	selected, err := config.Select(all, ctx("env"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "labsecure:", err)
		return 2
	}
	built, err := stacks.BuildApp(app, selected, acks.Register, time.Now().UTC())
	if err != nil {
		fmt.Fprintln(os.Stderr, "labsecure: the app cannot be built:")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(os.Stderr, "  ", line)
		}
		return 2
	}

	stacksOut, _, err := appcontext.Synth(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "labsecure: synth failed:", err)
		return 1
	}
	// Under the cdk CLI a failing validation plugin does not make Synth throw: check the gate.
	if err := built.Gate.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "labsecure: the control gate could not evaluate the templates:", err)
		return 1
	}
	if !built.Gate.OK() {
		n := 0
		for _, r := range built.Gate.Report().Failed() {
			for _, f := range r.Findings {
				n++
				fmt.Fprintf(os.Stderr, "[FAIL] %s %s (%s)\n  %s\n  seed %s: %q\n  fix: %s\n",
					r.Control.ID, r.Control.Title, f.Path, f.Message, r.Control.Seed, r.Control.Sentence, r.Control.Remediation)
			}
		}
		fmt.Fprintf(os.Stderr, "labsecure: %d control finding(s) are violated and not acknowledged; fix them or acknowledge them in infra/acks (reason, owner, expiry)\n", n)
		return 1
	}
	errorsFound := 0
	for _, s := range stacksOut {
		for _, m := range s.Messages {
			if m.Level == "error" {
				errorsFound++
				fmt.Fprintf(os.Stderr, "[error] %s %s: %s\n", s.StackName, m.Path, m.Text)
			}
		}
	}
	if errorsFound > 0 {
		fmt.Fprintf(os.Stderr, "labsecure: %d synth error(s); nothing may be deployed until they are fixed or acknowledged\n", errorsFound)
		return 1
	}
	return 0
}
