// Command demo runs every corpus lab message through the lab-results pipeline on local
// emulators (s3rver, goaws, DynamoDB Local, aws-ses-v2-local) and prints one line per message:
// file, format, result id, status, flag counts, warning / rejection codes, e-mail sent and
// report downloaded. It prints codes and counts only, never patient data.
//
//	go run ./lambdas/internal/localrun/cmd/demo [-corpus DIR]
//
// It needs the pinned tools (npm ci --prefix .tools) and java. Exit status 1 when an accepted
// message got lost (neither READY, FAILED with a code, nor in a DLQ) or the run failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/localrun"
	"github.com/labsecure/labsecure/test/emulators"
)

func main() {
	root, err := emulators.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	corpus := flag.String("corpus", localrun.DefaultCorpusDir(root), "folder of the shared lab-message corpus")
	timeout := flag.Duration("timeout", 4*time.Minute, "overall deadline")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ok, err := localrun.Demo(ctx, os.Stdout, *corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}
