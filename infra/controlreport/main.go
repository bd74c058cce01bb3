// Command controlreport evaluates the labsecure security control catalog over a synthesized
// cloud assembly and writes, per environment, a Markdown control matrix, a SARIF 2.1.0 log
// and a JUnit XML file for reviewers and CI:
//
//	go run ./infra/controlreport -assembly cdk.out -out reports
//
// It prints a short summary and exits 1 when any finding is not acknowledged (see
// infra/acks) or the assembly carries error annotations (cdk-nag), 2 on bad input.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/acks"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, acks.Register)) }

func run(args []string, stdout, stderr io.Writer, register []controls.Acknowledgement) int {
	fs := flag.NewFlagSet("controlreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	assembly := fs.String("assembly", "cdk.out", "cloud assembly directory written by cdk synth")
	out := fs.String("out", "reports", "directory for the reports (one sub-directory per environment)")
	envs := fs.String("env", "", "comma-separated environments to report (default: all in the assembly)")
	at := fs.String("at", "", "evaluate acknowledgement expiry at this date (YYYY-MM-DD; default today)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	now := time.Now()
	if *at != "" {
		t, err := time.Parse("2006-01-02", *at)
		if err != nil {
			fmt.Fprintf(stderr, "controlreport: -at %q: want YYYY-MM-DD\n", *at)
			return 2
		}
		now = t
	}
	stacks, err := cfn.LoadAssembly(*assembly)
	if err != nil {
		fmt.Fprintf(stderr, "controlreport: %v\n", err)
		return 2
	}
	if len(stacks) == 0 {
		fmt.Fprintf(stderr, "controlreport: no stack in %s: synthesize the app first\n", *assembly)
		return 2
	}
	opts := controls.Options{Acks: register, Now: now}
	if *envs != "" {
		opts.Environments = strings.Split(*envs, ",")
	}
	rep, err := controls.Evaluate(stacks, opts)
	if err != nil {
		fmt.Fprintf(stderr, "controlreport: %v\n", err)
		return 2
	}
	if len(rep.Environments) == 0 {
		fmt.Fprintf(stderr, "controlreport: no stack of environment(s) %q in %s\n", *envs, *assembly)
		return 2
	}
	for _, env := range rep.Environments {
		if err := writeEnv(*out, rep, env); err != nil {
			fmt.Fprintf(stderr, "controlreport: %v\n", err)
			return 2
		}
	}
	fmt.Fprintf(stdout, "%-34s %10s %10s\n", "STACK", "BYTES", "RESOURCES")
	for _, s := range stacks {
		size := int64(0)
		if fi, err := os.Stat(s.TemplateFile); err == nil {
			size = fi.Size()
		}
		fmt.Fprintf(stdout, "%-34s %10d %10d\n", s.StackName, size, len(s.Template.Resources))
	}
	fmt.Fprintln(stdout)
	if err := controls.WriteSummary(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "controlreport: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "reports written to %s\n", *out)
	if !rep.OK() {
		fmt.Fprintf(stderr, "controlreport: %d failing control result(s), %d open cdk-nag error(s)\n", len(rep.Failed()), len(rep.OpenNagErrors()))
		return 1
	}
	return 0
}

func writeEnv(dir string, rep *controls.Report, env string) error {
	d := filepath.Join(dir, env)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	writers := []struct {
		file  string
		write func(io.Writer, *controls.Report, string) error
	}{
		{"controls.md", controls.WriteMarkdown},
		{"controls.sarif", controls.WriteSARIF},
		{"controls-junit.xml", controls.WriteJUnit},
	}
	for _, w := range writers {
		f, err := os.Create(filepath.Join(d, w.file))
		if err != nil {
			return fmt.Errorf("create %s report: %w", w.file, err)
		}
		err = w.write(f, rep, env)
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s/%s: %w", env, w.file, err)
		}
	}
	return nil
}
