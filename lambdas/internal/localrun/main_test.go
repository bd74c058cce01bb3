package localrun_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/labsecure/labsecure/lambdas/internal/localrun"
	"github.com/labsecure/labsecure/test/emulators"
)

// env is started once per test binary: goaws is package-global and DynamoDB Local takes
// seconds to start.
var env *emulators.Env

func TestMain(m *testing.M) {
	os.Exit(emulators.RunTests(m, emulators.Options{Services: []emulators.Service{
		emulators.S3, emulators.SQS, emulators.DynamoDB, emulators.SES},
		PersistentDynamoDB: true, // the outage test restarts DynamoDB Local and expects its data back
	}, func(_ context.Context, e *emulators.Env) error {
		env = e
		return nil
	}))
}

// syncBuffer collects handler logs for the PHI check.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var stacks int

func newStack(t *testing.T, prefix string, sdkAttempts int) (*localrun.Stack, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stacks++ // fresh resources per stack, so -count=N reruns start from empty queues and tables
	st, err := localrun.Setup(ctx, env, &localrun.Options{Prefix: fmt.Sprintf("%s-%d", prefix, stacks), SDKMaxAttempts: sdkAttempts,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatalf("set up local pipeline: %v", err)
	}
	return st, logs
}

func corpus(t *testing.T) []localrun.CorpusFile {
	t.Helper()
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := localrun.CorpusFiles(localrun.DefaultCorpusDir(root))
	if err != nil {
		t.Fatalf("%v (set %s to the corpus folder)", err, localrun.CorpusEnvVar)
	}
	return files
}
