package emulators

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// nodeEmulator is an npm emulator run with the pinned Node (s3rver, aws-ses-v2-local).
// Restart reuses the port (and for s3rver the data folder).
type nodeEmulator struct {
	name     string
	dir      string
	argv     func(port int) []string // arguments after the node binary
	health   string                  // path answering 200 when ready
	mu       sync.Mutex
	p        *proc
	port     int
	restarts int
}

func (n *nodeEmulator) start(ctx context.Context) error {
	node, err := nodeBinary()
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.port == 0 {
		if n.port, err = freePort(); err != nil {
			return err
		}
	}
	n.restarts++
	logPath := filepath.Join(n.dir, fmt.Sprintf("%s-%d.log", n.name, n.restarts))
	argv := append([]string{node}, n.argv(n.port)...)
	p, err := startProc(n.name, n.dir, logPath, nil, argv...)
	if err != nil {
		return err
	}
	n.p = p
	endpoint := loopbackURL(n.port)
	return waitReady(ctx, p, 30*time.Second, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+n.health, nil)
		if err != nil {
			return err
		}
		resp, err := probeClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %d on %s", n.name, resp.StatusCode, n.health)
		}
		return nil
	})
}

func (n *nodeEmulator) url() string { n.mu.Lock(); defer n.mu.Unlock(); return loopbackURL(n.port) }

func (n *nodeEmulator) stop() error {
	n.mu.Lock()
	p := n.p
	n.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.stop(5 * time.Second)
}

func (n *nodeEmulator) close() error { return n.stop() }

func (n *nodeEmulator) note() string { return "" }

func newS3rver(dir string) (*nodeEmulator, error) {
	script, err := tool(filepath.Join("s3rver", "bin", "s3rver.js"))
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "s3rver-data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, fmt.Errorf("s3rver: create data folder: %w", err)
	}
	return &nodeEmulator{name: "s3rver", dir: dir, health: "/", argv: func(port int) []string {
		return []string{script, "-d", data, "-a", "127.0.0.1", "-p", strconv.Itoa(port), "--silent"}
	}}, nil
}

func newSES(dir string) (*nodeEmulator, error) {
	script, err := tool(filepath.Join("aws-ses-v2-local", "dist", "cli.js"))
	if err != nil {
		return nil, err
	}
	return &nodeEmulator{name: "ses", dir: dir, health: "/health-check", argv: func(port int) []string {
		return []string{script, "--host", "127.0.0.1", "--port", strconv.Itoa(port)}
	}}, nil
}
