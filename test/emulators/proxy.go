package emulators

import (
	"context"
	"io"
	"net"
	"sync"
)

// tcpProxy listens on loopback and forwards every connection through dial.
type tcpProxy struct {
	ln    net.Listener
	dial  func(ctx context.Context) (net.Conn, error)
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newTCPProxy(ln net.Listener, dial func(ctx context.Context) (net.Conn, error)) *tcpProxy {
	p := &tcpProxy{ln: ln, dial: dial, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p
}

func (p *tcpProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.handle(c)
	}
}

func (p *tcpProxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *tcpProxy) handle(client net.Conn) {
	defer p.wg.Done()
	defer client.Close()
	upstream, err := p.dial(context.Background())
	if err != nil {
		return
	}
	defer upstream.Close()
	p.track(client, true)
	p.track(upstream, true)
	defer p.track(client, false)
	defer p.track(upstream, false)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(upstream, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, upstream); done <- struct{}{} }()
	<-done
}

// closeConns drops every open connection (used when the upstream restarts).
func (p *tcpProxy) closeConns() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *tcpProxy) close() {
	p.ln.Close()
	p.closeConns()
	p.wg.Wait()
}
