package mockserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"golang.org/x/net/netutil"
)

// Server limits of Start's listener, so idle or slow clients cannot pile up
// connections, goroutines and file descriptors.
const (
	// DefaultMaxConns is how many connections the listener holds at once; more wait
	// in the kernel's backlog until one closes.
	DefaultMaxConns = 1024
	// DefaultIdleTimeout closes a keep-alive connection that sends nothing this long.
	DefaultIdleTimeout = 60 * time.Second
	// readHeaderTimeout and readTimeout bound reading a request's header and all of
	// it (bodies are at most 64 KiB, so a slow drip is the only way to take longer).
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	// maxHeaderBytes bounds a request's header block.
	maxHeaderBytes = 64 << 10
)

// Start is New plus a listener on Options.Addr (default 127.0.0.1:0).
func Start(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.listen(); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

func (s *Server) listen() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("mockserver: %s is already in use (is another mock or PBX running? pick another address)", s.addr)
		}
		return fmt.Errorf("mockserver: listen on %s: %w", s.addr, err)
	}
	bound := ln.Addr().(*net.TCPAddr)
	if !bound.IP.IsLoopback() && !s.guard.hasTk && !s.guard.off {
		ln.Close()
		return fmt.Errorf("%w: %s is reachable from other machines, and anyone who reaches /_mock/ can read every reset link and code; set a control token or turn the control API off", ErrControlExposed, bound)
	}
	s.guard.hosts = listenHosts(s.addr, bound)
	ln = netutil.LimitListener(ln, s.maxConns)
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       s.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(discard{}, "", 0),
		ConnState:         s.trackConn,
	}
	if s.logger != nil {
		hs.ErrorLog = slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)
	}
	scheme := "http"
	var pool *x509.CertPool
	if s.tlsOn {
		cert, leaf, err := selfSignedCert(ln.Addr().(*net.TCPAddr))
		if err != nil {
			ln.Close()
			return err
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
		scheme = "https"
		pool = x509.NewCertPool()
		pool.AddCert(leaf)
		s.cert = leaf
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if pool != nil {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	s.mu.Lock()
	s.hs, s.ln, s.client, s.done = hs, ln, client, make(chan struct{})
	s.url = scheme + "://" + reachable(ln.Addr().(*net.TCPAddr))
	done := s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		_ = hs.Serve(ln) // returns ErrServerClosed on Close
	}()
	return nil
}

func (s *Server) trackConn(c net.Conn, cs http.ConnState) {
	// A connection leaves StateNew through Active, Closed or Hijacked; Idle (once per
	// request on keep-alive connections) never concerns the fresh set.
	if cs == http.StateIdle {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs == http.StateNew {
		if s.fresh == nil {
			s.fresh = make(map[net.Conn]struct{})
		}
		s.fresh[c] = struct{}{}
		return
	}
	delete(s.fresh, c)
}

// reachable names a listening address the way a client on this machine dials it.
func reachable(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// URL is the base address, like http://127.0.0.1:PORT (no /api); empty before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Addr is the address the listener is bound to, such as 127.0.0.1:8887 or
// 0.0.0.0:8887 (all interfaces); empty before Start. URL is how this machine reaches it.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// APIURL is URL() plus /api; empty before Start.
func (s *Server) APIURL() string {
	if u := s.URL(); u != "" {
		return u + "/api"
	}
	return ""
}

// Client is an HTTP client for this server; it trusts the self-signed certificate
// when the server serves TLS.
func (s *Server) Client() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	c := *s.client
	return &c
}

// Certificate is the self-signed certificate of a TLS server, nil otherwise.
func (s *Server) Certificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cert
}

// Close shuts the listener down gracefully (in-flight requests get 5 seconds), cuts
// injected latency short and ends every journal subscription.
func (s *Server) Close() error {
	s.cancel()
	s.mu.Lock()
	hs, ln, done := s.hs, s.ln, s.done
	s.mu.Unlock()
	var err error
	if hs != nil {
		_ = ln.Close() // no new connections, then drop the ones that never spoke
		s.mu.Lock()
		for c := range s.fresh {
			_ = c.Close()
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err = hs.Shutdown(ctx); errors.Is(err, net.ErrClosed) {
			err = nil
		}
		if err != nil {
			err = errors.Join(err, hs.Close())
		}
		<-done
	}
	s.journal.closeAll()
	return err
}
