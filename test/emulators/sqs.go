package emulators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/Admiral-Piett/goaws/app/gosqs"
	"github.com/Admiral-Piett/goaws/app/models"
	"github.com/Admiral-Piett/goaws/app/router"
	log "github.com/sirupsen/logrus"
)

// AccountID is the account id in the emulated SQS queue URLs and ARNs.
const AccountID = "100010001000"

// goaws keeps its queues in package-global state: one SQS emulator per process at a time.
var (
	sqsMu     sync.Mutex
	sqsActive bool
)

// sqsEmulator runs goaws in-process. Stop closes the listener but keeps the queues and their
// messages (like a real SQS outage: messages are durable); Start serves them again on the
// same port.
type sqsEmulator struct {
	dir     string
	mu      sync.Mutex
	port    int
	srv     *http.Server
	quit    chan bool
	logFile *os.File
}

func newSQS(dir string) (*sqsEmulator, error) {
	sqsMu.Lock()
	defer sqsMu.Unlock()
	if sqsActive {
		return nil, errors.New("sqs emulator: goaws keeps package-global state and one instance is already running in this process; share one Env per test binary (Launch in TestMain)")
	}
	f, err := os.OpenFile(filepath.Join(dir, "goaws.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqs emulator: open log: %w", err)
	}
	log.SetOutput(f)
	log.SetLevel(log.ErrorLevel)
	models.ResetApp()
	models.CurrentEnvironment = models.Environment{
		Host:      "localhost",
		Region:    "us-east-1",
		AccountID: AccountID,
		QueueAttributeDefaults: models.EnvQueueAttributes{
			VisibilityTimeout:  30,
			MaximumMessageSize: 262144,
		},
	}
	sqsActive = true
	s := &sqsEmulator{dir: dir, quit: make(chan bool), logFile: f}
	go gosqs.PeriodicTasks(200*time.Millisecond, s.quit)
	return s, nil
}

func (s *sqsEmulator) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	addr := "127.0.0.1:0"
	if s.port != 0 {
		addr = "127.0.0.1:" + strconv.Itoa(s.port)
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old listener's port may linger for a moment after Stop
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("sqs emulator: listen on %s: %w", addr, err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	models.CurrentEnvironment.Port = strconv.Itoa(s.port)
	s.srv = &http.Server{Handler: router.New(), ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
	return nil
}

func (s *sqsEmulator) url() string { s.mu.Lock(); defer s.mu.Unlock(); return loopbackURL(s.port) }

func (s *sqsEmulator) stop() error {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// Close, not Shutdown: long polls in flight are cut like in a real outage.
	return srv.Close()
}

func (s *sqsEmulator) close() error {
	err := s.stop()
	close(s.quit)
	models.ResetResources()
	log.SetOutput(os.Stderr)
	s.logFile.Close()
	sqsMu.Lock()
	sqsActive = false
	sqsMu.Unlock()
	return err
}

func (s *sqsEmulator) note() string {
	return "SQS is goaws in-process: ApproximateReceiveCount is always 1; redrive to the DLQ happens when the visibility timeout of the maxReceiveCount-th receive ends (checked every 200 ms)"
}
