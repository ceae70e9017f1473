// Package mockserver is a stateful, in-process mock of the PortSIP PBX authentication
// API: PortSIP's 14 operations and the 2 OAuth endpoints of its guide, with real semantics (accounts, tokens, sessions, two-factor
// codes, password resets), a control API under /_mock/, fault injection and a mock
// clock. It serves the TUI and tests in-process and `pbxauth mock` standalone.
package mockserver

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Lifetimes and limits of the mock PBX.
const (
	DefaultTokenTTL = 30 * time.Minute
	// RefreshTTL is how long a refresh token stays valid (a mock choice; PortSIP's is
	// configuration).
	RefreshTTL = 24 * time.Hour
	// ChallengeTTL is how long a two-factor challenge waits for a code to be sent
	// (pbxauth's choice: as long as a code lives).
	ChallengeTTL = 10 * time.Minute
	// OTPTTL is how long a mailed one-time code stays valid: 10 minutes, as
	// PortSIP's verification mail says.
	OTPTTL = 10 * time.Minute
	// IdPCodeTTL is how long an authorization code of the simulated identity provider
	// stays valid (RFC 6749, section 4.1.2, recommends at most 10 minutes).
	IdPCodeTTL = 5 * time.Minute
	// MaxOTPAttempts wrong codes invalidate a challenge.
	MaxOTPAttempts = 5
	// AuthRequestTTL is how long a Microsoft authorization request (its state) waits
	// for the identity provider's answer.
	AuthRequestTTL = 10 * time.Minute
	// ResetTTL is how long a password reset link stays valid: 10 minutes, as
	// PortSIP's reset mail says.
	ResetTTL = 10 * time.Minute
	// MaxBodyBytes bounds a request body; larger ones answer 413.
	MaxBodyBytes = 64 << 10
	// SessionCookie names the web session cookie of POST /login.
	SessionCookie = "pbx_session"
	// StateCookie binds a Microsoft web login to the browser that started it: it holds
	// the state, which the callback must carry too.
	StateCookie = "pbx_oauth_state"
	// outboxSize bounds the outbox; the oldest mail goes first.
	outboxSize = 1000
)

// Options configure a Server.
type Options struct {
	Data     *Data         // nil: the built-in demo data (DemoData())
	TokenTTL time.Duration // access token lifetime; 0 means 30m
	Logger   *slog.Logger  // nil: silent; otherwise one line per request
	TLS      bool          // Start serves https with a self-signed cert made at start
	// Addr is where Start listens; empty means 127.0.0.1:0 (a port chosen by the OS).
	Addr string
	// StoreLimit bounds each token, session, challenge and reset store; 0 means
	// DefaultStoreLimit. At the bound the oldest entry makes room.
	StoreLimit int
	// ControlToken, when set, is required by every /_mock/ control call as
	// Authorization: Bearer <token>. Start refuses a non-loopback Addr without it
	// (ErrControlExposed) unless ControlOff.
	ControlToken string
	// ControlOff answers 404 to the control API (the identity provider pages stay).
	ControlOff bool
	// MaxConns caps Start's open connections; 0 means DefaultMaxConns.
	MaxConns int
	// IdleTimeout closes idle keep-alive connections; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Now is the time the mock's clock starts from (time.Now when nil): every expiry,
	// mail and journal time reads it, plus the offset POST /_mock/clock adds, so
	// tests can pin the time.
	Now func() time.Time
}

// Server is the mock PBX: its state, its handler and, after Start, its listener.
type Server struct {
	data     *Data // the pristine data a reset goes back to
	tokenTTL time.Duration
	now      func() time.Time // Options.Now; nil reads time.Now
	limit    int
	logger   *slog.Logger
	tlsOn    bool
	addr     string
	routes   routes
	ctlMux   *http.ServeMux
	guard    controlGuard
	maxConns int
	idle     time.Duration

	st     atomic.Pointer[state]
	outbox outbox
	// decoyOutbox takes the reset mails of unknown accounts (forgetPassword); never read.
	decoyOutbox outbox
	journal     journal
	faults      atomic.Pointer[map[string]Fault]
	offset      atomic.Int64 // mock clock: nanoseconds ahead of real time

	ctx    context.Context // ends on Close, to cut injected latency short
	cancel context.CancelFunc

	mu sync.Mutex
	hs *http.Server
	ln net.Listener
	// fresh are connections that have not sent a request yet. Shutdown would wait
	// 5 s for them (net/http treats them as busy that long); Close drops them at once.
	fresh  map[net.Conn]struct{}
	url    string
	client *http.Client
	cert   *x509.Certificate
	done   chan struct{}
}

// New builds a server's state and handler without listening: serve Handler() through
// httptest or a transport.
func New(opts Options) (*Server, error) {
	data := opts.Data
	if data == nil {
		data = DemoData()
	}
	if errs := data.check(nil); len(errs) > 0 {
		msgs := make([]error, len(errs))
		for i, e := range errs {
			msgs[i] = fmt.Errorf("%s: %s", e.where, e.msg)
		}
		return nil, fmt.Errorf("mockserver: invalid data: %w", errors.Join(msgs...))
	}
	if opts.TokenTTL < 0 {
		return nil, fmt.Errorf("mockserver: token TTL must be positive, got %s", opts.TokenTTL)
	}
	if opts.StoreLimit < 0 || opts.MaxConns < 0 || opts.IdleTimeout < 0 {
		return nil, fmt.Errorf("mockserver: store limit, connection cap and idle timeout must not be negative")
	}
	s := &Server{
		data: data.Clone(), tokenTTL: opts.TokenTTL, now: opts.Now, limit: opts.StoreLimit,
		logger: opts.Logger, tlsOn: opts.TLS, addr: opts.Addr,
		guard: newControlGuard(opts.ControlToken, opts.ControlOff), maxConns: opts.MaxConns, idle: opts.IdleTimeout,
	}
	if s.maxConns == 0 {
		s.maxConns = DefaultMaxConns
	}
	if s.idle == 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.tokenTTL == 0 {
		s.tokenTTL = DefaultTokenTTL
	}
	if s.limit == 0 {
		s.limit = DefaultStoreLimit
	}
	if s.addr == "" {
		s.addr = "127.0.0.1:0"
	}
	routes, err := buildRoutes()
	if err != nil {
		return nil, err
	}
	s.routes = routes
	s.ctlMux = s.controlMux()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.st.Store(newState(s.data, s.limit))
	s.faults.Store(&map[string]Fault{})
	return s, nil
}

// Handler serves /api/... (the PBX) and /_mock/... (the control API).
func (s *Server) Handler() http.Handler { return s }

// Reset goes back to the start: the original data (passwords included), no tokens,
// sessions, challenges, mail, journal or faults, and the clock at real time.
func (s *Server) Reset() {
	s.st.Store(newState(s.data, s.limit))
	s.outbox.clear()
	s.decoyOutbox.clear()
	s.journal.clear()
	s.faults.Store(&map[string]Fault{})
	s.offset.Store(0)
}

// Outbox lists the mail sent (one-time codes, reset links), oldest first.
func (s *Server) Outbox() []Mail { return s.outbox.list() }

// ClearOutbox empties the outbox.
func (s *Server) ClearOutbox() { s.outbox.clear() }

// Requests lists the recent exchanges under /api, oldest first, secrets redacted.
func (s *Server) Requests() []JournalEntry { return s.journal.entries() }

// Subscribe streams each new exchange (redacted) until the returned function is
// called or the server closes. A reader that falls behind misses entries; the server
// never waits for it.
func (s *Server) Subscribe() (<-chan JournalEntry, func()) { return s.journal.subscribe() }

// Stats counts what the stores hold, for the TUI and for memory checks.
type Stats struct {
	AccessTokens  int `json:"access_tokens"`
	RefreshTokens int `json:"refresh_tokens"`
	Sessions      int `json:"sessions"`
	Challenges    int `json:"challenges"`
	ResetTokens   int `json:"reset_tokens"`
	AuthRequests  int `json:"auth_requests"`
	IdPCodes      int `json:"idp_codes"`
	UsedCodes     int `json:"used_codes"` // codes traded at /login/oauth/token, kept to catch reuse
	Mails         int `json:"mails"`
	Requests      int `json:"requests"`
}

// Stats reports the stores' sizes.
func (s *Server) Stats() Stats {
	st := s.st.Load()
	s.journal.mu.Lock()
	n := s.journal.n
	s.journal.mu.Unlock()
	return Stats{
		AccessTokens: st.access.size(), RefreshTokens: st.refresh.size(), Sessions: st.sessions.size(),
		Challenges: st.challenges.size(), ResetTokens: st.resets.size(),
		AuthRequests: st.authRequests.size(), IdPCodes: st.idpCodes.size(), UsedCodes: st.usedCodes.size(),
		Mails: s.outbox.size(), Requests: n,
	}
}
