package emulators

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// dynamoDB runs DynamoDB Local (java) in a private network namespace when it can, reached
// through a loopback proxy; otherwise on loopback directly (the jar binds every interface).
type dynamoDB struct {
	dir        string // log + data folder
	jarDir     string
	persistent bool // -dbPath instead of -inMemory: data survives Restart
	isolated   bool

	opMu     sync.Mutex // serializes start/stop/close
	mu       sync.Mutex // guards the fields below for quick reads (never held while waiting)
	p        *proc
	port     int // java's port (inside the namespace when isolated)
	proxy    *tcpProxy
	endpoint string
	restarts int
}

const dynamoInnerPort = 8000

func newDynamoDB(dir string, persistent bool) (*dynamoDB, error) {
	jarDir, err := dynamoDBLocalDir()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("DynamoDB Local needs java on PATH (OpenJDK 17: apt-get install openjdk-17-jre-headless): %w", err)
	}
	return &dynamoDB{dir: dir, jarDir: jarDir, persistent: persistent}, nil
}

func (d *dynamoDB) javaArgs(port int) []string {
	args := []string{"java", "-Xmx256m", "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
		"-sharedDb", "-disableTelemetry", "-port", strconv.Itoa(port)}
	if d.persistent {
		return append(args, "-dbPath", filepath.Join(d.dir, "dynamodb-data"))
	}
	return append(args, "-inMemory")
}

// canIsolate reports whether unshare -n is usable (root, unshare and ip present).
func canIsolate() bool {
	if os.Geteuid() != 0 || os.Getenv("LABSECURE_EMULATORS_NO_NETNS") != "" {
		return false
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		return false
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return false
	}
	return true
}

func (d *dynamoDB) start(ctx context.Context) error {
	d.opMu.Lock()
	defer d.opMu.Unlock()
	if d.persistent {
		if err := os.MkdirAll(filepath.Join(d.dir, "dynamodb-data"), 0o700); err != nil {
			return fmt.Errorf("dynamodb: create data folder: %w", err)
		}
	}
	d.restarts++
	logPath := filepath.Join(d.dir, fmt.Sprintf("dynamodb-%d.log", d.restarts))
	if d.endpoint == "" && canIsolate() {
		// First start: try the isolated form; fall back to loopback if it does not come up.
		if err := d.startIsolated(ctx, logPath); err == nil {
			return nil
		} else if p := d.current(); p != nil {
			_ = p.stop(2 * time.Second)
			d.set(nil, 0, false)
			d.closeProxy()
			fmt.Fprintf(logFileAppend(logPath), "\nisolated start failed (%v); falling back to loopback\n", err)
		}
	}
	if d.isolated {
		return d.startIsolated(ctx, logPath)
	}
	return d.startLoopback(ctx, logPath)
}

func logFileAppend(path string) *os.File {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return os.Stderr
	}
	return f
}

func (d *dynamoDB) closeProxy() {
	if d.proxy != nil {
		d.proxy.close()
		d.proxy = nil
	}
}

func (d *dynamoDB) startIsolated(ctx context.Context, logPath string) error {
	// unshare -n leaves the new namespace's loopback down; bring it up, then exec java with
	// its arguments passed as positional parameters (no shell quoting of paths).
	argv := append([]string{"unshare", "-n", "sh", "-c", `ip link set lo up && exec "$@"`, "sh"}, d.javaArgs(dynamoInnerPort)...)
	p, err := startProc("dynamodb-local", d.jarDir, logPath, nil, argv...)
	if err != nil {
		return err
	}
	d.set(p, dynamoInnerPort, true)
	if d.proxy == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("dynamodb: listen for proxy: %w", err)
		}
		d.proxy = newTCPProxy(ln, d.dialInner)
		d.mu.Lock()
		d.endpoint = "http://" + ln.Addr().String()
		d.mu.Unlock()
	}
	return waitReady(ctx, p, 90*time.Second, d.ping)
}

func (d *dynamoDB) set(p *proc, port int, isolated bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.p, d.port, d.isolated = p, port, isolated
}

func (d *dynamoDB) current() *proc {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.p
}

// dialInner connects to java inside its namespace (current process after restarts).
func (d *dynamoDB) dialInner(ctx context.Context) (net.Conn, error) {
	d.mu.Lock()
	p, port := d.p, d.port
	d.mu.Unlock()
	if p == nil || p.exited() {
		return nil, fmt.Errorf("dynamodb local is not running")
	}
	return dialInNetns(ctx, p.pid(), "127.0.0.1:"+strconv.Itoa(port))
}

func (d *dynamoDB) startLoopback(ctx context.Context, logPath string) error {
	port := d.port
	if port == 0 || d.isolated {
		var err error
		if port, err = freePort(); err != nil {
			return err
		}
	}
	p, err := startProc("dynamodb-local", d.jarDir, logPath, nil, d.javaArgs(port)...)
	if err != nil {
		return err
	}
	d.set(p, port, false)
	d.mu.Lock()
	d.endpoint = loopbackURL(port)
	d.mu.Unlock()
	return waitReady(ctx, p, 90*time.Second, d.ping)
}

// ping sends ListTables; any DynamoDB answer (even an auth error) means ready.
func (d *dynamoDB) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url()+"/", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := probeClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("dynamodb answered %d", resp.StatusCode)
	}
	return nil
}

func (d *dynamoDB) url() string { d.mu.Lock(); defer d.mu.Unlock(); return d.endpoint }

func (d *dynamoDB) stop() error {
	d.opMu.Lock()
	defer d.opMu.Unlock()
	p := d.current()
	if p == nil {
		return nil
	}
	err := p.stop(5 * time.Second)
	if d.proxy != nil {
		d.proxy.closeConns()
	}
	return err
}

func (d *dynamoDB) close() error {
	err := d.stop()
	d.opMu.Lock()
	d.closeProxy()
	d.opMu.Unlock()
	return err
}

func (d *dynamoDB) note() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.isolated {
		return "DynamoDB Local runs in a private network namespace (unshare -n), reached through a loopback proxy"
	}
	return "DynamoDB Local listens on all interfaces (no private network namespace available)"
}

var probeClient = &http.Client{Timeout: 2 * time.Second}
