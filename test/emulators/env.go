package emulators

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Service names one emulated AWS service.
type Service string

// Emulated services.
const (
	S3          Service = "s3"           // npm s3rver: signatures and presigned-URL expiry checked
	S3InProcess Service = "s3-inprocess" // gofakes3: fast, checks neither
	SQS         Service = "sqs"          // goaws in-process (one per process)
	DynamoDB    Service = "dynamodb"     // DynamoDB Local jar
	SES         Service = "ses"          // aws-ses-v2-local
)

// Static settings every SDK client of an Env uses. s3rver only accepts S3RVER/S3RVER; the
// other emulators accept any credentials, so all clients share these.
const (
	Region          = "us-east-1"
	AccessKeyID     = "S3RVER"
	SecretAccessKey = "S3RVER"
)

// Options configure Launch.
type Options struct {
	// Services to start. Default: none (an empty Env).
	Services []Service
	// Dir holds emulator logs and data. Default: a new folder under os.TempDir(), removed by Close.
	Dir string
	// PersistentDynamoDB runs DynamoDB Local with -dbPath under Dir instead of -inMemory, so
	// that its data survives Restart(DynamoDB). Default: false (in memory, faster).
	PersistentDynamoDB bool
}

type emulator interface {
	start(ctx context.Context) error
	stop() error
	close() error
	url() string
	note() string
}

// Env is a set of running emulators.
type Env struct {
	dir        string
	removeDir  bool
	mu         sync.Mutex
	ems        map[Service]emulator
	startTimes map[Service]time.Duration
	closed     bool
}

// Start launches services for a test and stops them in t.Cleanup. Logs go to t.TempDir().
// It fails the test (t.Fatal) when an emulator cannot start.
func Start(t testing.TB, services ...Service) *Env {
	t.Helper()
	env, err := Launch(context.Background(), Options{Services: services, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("start emulators %v: %v", services, err)
	}
	t.Cleanup(func() {
		if err := env.Close(); err != nil {
			t.Errorf("stop emulators: %v", err)
		}
	})
	return env
}

// Launch starts the emulators of opts (in parallel) and waits until each answers. Callers
// must Close the Env. On error everything already started is stopped.
func Launch(ctx context.Context, opts Options) (*Env, error) {
	env := &Env{dir: opts.Dir, ems: map[Service]emulator{}, startTimes: map[Service]time.Duration{}}
	if env.dir == "" {
		d, err := os.MkdirTemp("", "labsecure-emulators-")
		if err != nil {
			return nil, fmt.Errorf("create emulator folder: %w", err)
		}
		env.dir, env.removeDir = d, true
	}
	seen := map[Service]bool{}
	for _, s := range opts.Services {
		if seen[s] {
			continue
		}
		seen[s] = true
		em, err := env.newEmulator(s, opts)
		if err != nil {
			_ = env.Close()
			return nil, err
		}
		env.ems[s] = em
	}
	var wg sync.WaitGroup
	errs := make([]error, 0, len(env.ems))
	var errMu sync.Mutex
	for s, em := range env.ems {
		wg.Add(1)
		go func(s Service, em emulator) {
			defer wg.Done()
			t0 := time.Now()
			err := em.start(ctx)
			errMu.Lock()
			defer errMu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("start %s: %w", s, err))
				return
			}
			env.startTimes[s] = time.Since(t0)
		}(s, em)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		_ = env.Close()
		return nil, err
	}
	return env, nil
}

func (e *Env) newEmulator(s Service, opts Options) (emulator, error) {
	switch s {
	case S3:
		return newS3rver(e.dir)
	case S3InProcess:
		return newS3InProcess(), nil
	case SQS:
		return newSQS(e.dir)
	case DynamoDB:
		return newDynamoDB(e.dir, opts.PersistentDynamoDB)
	case SES:
		return newSES(e.dir)
	default:
		return nil, fmt.Errorf("unknown emulator service %q: use one of s3, s3-inprocess, sqs, dynamodb, ses", s)
	}
}

func (e *Env) get(s Service) (emulator, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	em, ok := e.ems[s]
	if !ok {
		return nil, fmt.Errorf("emulator %q was not started: pass it to Start/Launch", s)
	}
	return em, nil
}

// Has reports whether s was started.
func (e *Env) Has(s Service) bool { _, err := e.get(s); return err == nil }

// Endpoint returns the base URL of s ("http://127.0.0.1:PORT"), or "" when s is not started.
func (e *Env) Endpoint(s Service) string {
	em, err := e.get(s)
	if err != nil {
		return ""
	}
	return em.url()
}

// Dir is the folder holding the emulator logs and data.
func (e *Env) Dir() string { return e.dir }

// StartTimes returns how long each emulator took from launch to its first good answer.
func (e *Env) StartTimes() map[Service]time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[Service]time.Duration, len(e.startTimes))
	for k, v := range e.startTimes {
		out[k] = v
	}
	return out
}

// Notes lists known deviations of the running emulators from AWS.
func (e *Env) Notes() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, em := range e.ems {
		if n := em.note(); n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Stop stops one emulator (its process by PID, or its in-process listener) and keeps its
// port, so Restart brings it back where clients expect it. Use it to simulate an outage.
func (e *Env) Stop(s Service) error {
	em, err := e.get(s)
	if err != nil {
		return err
	}
	return em.stop()
}

// Restart starts a stopped emulator again on the same port and waits until it answers.
// s3rver keeps its data folder and goaws its queues; DynamoDB Local keeps its data only with
// Options.PersistentDynamoDB; aws-ses-v2-local forgets the mail it stored.
func (e *Env) Restart(ctx context.Context, s Service) error {
	em, err := e.get(s)
	if err != nil {
		return err
	}
	if err := em.stop(); err != nil {
		return fmt.Errorf("restart %s: stop: %w", s, err)
	}
	if err := em.start(ctx); err != nil {
		return fmt.Errorf("restart %s: %w", s, err)
	}
	return nil
}

// Close stops every emulator and removes the folder Launch created. It is idempotent.
func (e *Env) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	ems := e.ems
	e.mu.Unlock()
	var errs []error
	for s, em := range ems {
		if err := em.close(); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", s, err))
		}
	}
	if e.removeDir {
		if os.Getenv(KeepEnvVar) != "" {
			fmt.Fprintf(os.Stderr, "emulators: kept logs and data in %s\n", e.dir)
		} else {
			_ = os.RemoveAll(e.dir)
		}
	}
	return errors.Join(errs...)
}

// EnvVars returns AWS_* variables pointing a child process (terratest's aws helpers, the AWS
// CLI, a handler binary) at these emulators.
func (e *Env) EnvVars() []string {
	vars := []string{
		"AWS_REGION=" + Region, "AWS_DEFAULT_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
	}
	names := map[Service]string{S3: "S3", S3InProcess: "S3", SQS: "SQS", DynamoDB: "DYNAMODB", SES: "SESV2"}
	for _, s := range []Service{S3InProcess, S3, SQS, DynamoDB, SES} { // S3 (s3rver) wins over S3InProcess
		if u := e.Endpoint(s); u != "" {
			vars = append(vars, "AWS_ENDPOINT_URL_"+names[s]+"="+u)
		}
	}
	return dedupeLast(vars)
}

func dedupeLast(vars []string) []string {
	idx := map[string]int{}
	var out []string
	for _, v := range vars {
		k := v[:strings.IndexByte(v, '=')]
		if i, ok := idx[k]; ok {
			out[i] = v
			continue
		}
		idx[k] = len(out)
		out = append(out, v)
	}
	return out
}
