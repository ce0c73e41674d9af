package main

// A gate is a TCP forwarder that owns a service's public address. Taking a service "down" closes
// the gate's listener and cuts its open connections, so clients see connection refused exactly as
// during a real outage, while the emulator behind it keeps its state. "Up" listens again on the
// same address. This lets a test stop Cloud Storage mid-run and bring it back with no data lost.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

type gate struct {
	name    string
	addr    string // public address, fixed for the process's life
	backend string // address of the emulator behind the gate

	mu       sync.Mutex
	listener net.Listener
	conns    map[net.Conn]struct{}
}

// openGate binds addr (port 0 picks a free port, kept for later restarts) and starts forwarding.
func openGate(name, addr, backend string) (*gate, error) {
	g := &gate{name: name, addr: addr, backend: backend, conns: map[net.Conn]struct{}{}}
	if err := g.up(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gate) isUp() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.listener != nil
}

func (g *gate) up() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.listener != nil {
		return nil
	}
	l, err := net.Listen("tcp", g.addr)
	if err != nil {
		return fmt.Errorf("%s: cannot listen on %s: %w", g.name, g.addr, err)
	}
	g.addr = l.Addr().String()
	g.listener = l
	go g.accept(l)
	return nil
}

func (g *gate) down() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.listener == nil {
		return
	}
	_ = g.listener.Close()
	g.listener = nil
	for c := range g.conns {
		_ = c.Close()
	}
	g.conns = map[net.Conn]struct{}{}
}

func (g *gate) accept(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go g.forward(client)
	}
}

func (g *gate) track(c net.Conn, add bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if add {
		if g.listener == nil {
			return false
		}
		g.conns[c] = struct{}{}
	} else {
		delete(g.conns, c)
	}
	return true
}

func (g *gate) forward(client net.Conn) {
	server, err := net.Dial("tcp", g.backend)
	if err != nil {
		_ = client.Close()
		return
	}
	if !g.track(client, true) || !g.track(server, true) {
		_ = client.Close()
		_ = server.Close()
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Half-close so the peer sees EOF, as it would talking to the server directly.
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	<-done
	_ = client.Close()
	_ = server.Close()
	g.track(client, false)
	g.track(server, false)
}
