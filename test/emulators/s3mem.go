package emulators

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3InProcess is gofakes3 with an in-memory backend: fast, but it checks neither signatures
// nor presigned-URL expiry. Restart keeps the objects.
type s3InProcess struct {
	mu      sync.Mutex
	handler http.Handler
	port    int
	srv     *http.Server
}

func newS3InProcess() *s3InProcess {
	return &s3InProcess{handler: gofakes3.New(s3mem.New()).Server()}
}

func (s *s3InProcess) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	addr := "127.0.0.1:0"
	if s.port != 0 {
		addr = "127.0.0.1:" + strconv.Itoa(s.port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("s3 in-process: listen on %s: %w", addr, err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
	return nil
}

func (s *s3InProcess) url() string { s.mu.Lock(); defer s.mu.Unlock(); return loopbackURL(s.port) }

func (s *s3InProcess) stop() error {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

func (s *s3InProcess) close() error { return s.stop() }

func (s *s3InProcess) note() string { return "" }
