package emulators

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// dialInNetns opens a TCP connection to addr from inside the network namespace of pid.
// The socket is created on an OS thread that temporarily joins that namespace (setns), so the
// connection lives there while the rest of the process stays in its own namespace. Needs
// CAP_SYS_ADMIN (root).
func dialInNetns(ctx context.Context, pid int, addr string) (net.Conn, error) {
	type result struct {
		conn net.Conn
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("open own network namespace: %w", err)}
			return
		}
		defer self.Close()
		target, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("open network namespace of pid %d: %w", pid, err)}
			return
		}
		defer target.Close()
		if err := setns(target.Fd()); err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("join network namespace of pid %d: %w", pid, err)}
			return
		}
		var d net.Dialer
		conn, dialErr := d.DialContext(ctx, "tcp", addr)
		if err := setns(self.Fd()); err != nil {
			// The thread is stuck in the foreign namespace: keep it locked so that the runtime
			// throws it away when this goroutine ends.
			ch <- result{conn: conn, err: dialErr}
			return
		}
		runtime.UnlockOSThread()
		ch <- result{conn: conn, err: dialErr}
	}()
	r := <-ch
	return r.conn, r.err
}

func setns(fd uintptr) error { return unix.Setns(int(fd), unix.CLONE_NEWNET) }
