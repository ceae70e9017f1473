// Package common is what every screen shares: the context (size, styles, keys, the
// API client, the session), the screen interface and the app-level messages.
package common

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/history"
	"github.com/pbxauth/pbxauth/tui/keys"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Context is passed by pointer to every screen. Only the root's Update changes it
// (one goroutine), so screens read it freely in Update and View; Cmds must get the
// values they need as arguments, never the Context.
type Context struct {
	// Base is the program's context; every request derives from it.
	Base context.Context
	// Width and Height are the terminal's size; screens get their own area via SetSize.
	Width, Height int
	Styles        *styles.Styles
	Keys          keys.Global
	Logger        *slog.Logger
	// Target is the PBX the API client talks to.
	Target Target
	// API is the client for Target; it is replaced when the target changes.
	API apiclient.API
	// Outbox reads the mock's mail; nil unless Target is the built-in mock.
	Outbox Outbox
	// IdP signs in at the built-in mock's simulated identity provider; nil unless
	// Target is the mock.
	IdP IdP
	// Session is who is signed in, or nil.
	Session *Session
	// AutoRefresh renews the access token shortly before it expires.
	AutoRefresh bool
	// History holds every exchange of this run, oldest first.
	History *history.Log
	// Now is the clock (tests pin it). Update reads it; View never does.
	Now func() time.Time
	// Time is Now as the root read it on its last Update: views draw times
	// (countdowns, the mock's clock) from it, so View is a function of the state.
	Time time.Time
	// RequestTimeout bounds each call a screen makes.
	RequestTimeout time.Duration
	// Demo are the built-in mock's accounts a newcomer is offered: Sign in lists
	// them while the target is the mock, Social prefills the IdP account from them.
	Demo []DemoAccount
}

// DemoAccount is one account of the built-in mock, as the screens offer it.
type DemoAccount struct {
	Username, Password string
	Domain             string // "" for a system account, which signs in without one
	Note               string // what makes it worth trying ("2FA: code in the outbox")
}

// Outbox reads the mail the built-in mock "sent". It is declared here, where the
// screens consume it; tui.Outbox is the same method set for the app's options.
type Outbox interface {
	// LatestOTP is the newest one-time code mailed to username.
	LatestOTP(ctx context.Context, username string) (string, error)
	// LatestResetToken is the token of the newest reset mail to username.
	LatestResetToken(ctx context.Context, username string) (string, error)
}

// IdP plays the browser at the built-in mock's simulated identity provider, so the
// Social screen's authorization-code flow can be finished without one.
type IdP interface {
	// Authorize opens authorizeURL (a login page address the PBX returned) signed
	// in as account, and returns the callback address the provider redirects to:
	// redirect_uri with the code and the state.
	Authorize(ctx context.Context, authorizeURL, account string) (string, error)
}

// NewContext returns a Context with default styles and keys and no target.
func NewContext() *Context {
	st := styles.DefaultStyles()
	return &Context{
		Base:           context.Background(),
		Styles:         &st,
		Keys:           keys.DefaultGlobal(),
		Logger:         slog.New(slog.DiscardHandler),
		History:        history.New(0),
		Now:            time.Now,
		RequestTimeout: 15 * time.Second,
	}
}

// Target is the PBX in use and how to treat it.
type Target struct {
	// Profile is the profile's name ("mock" for the built-in mock).
	Profile string
	// BaseURL is the address as given (the client normalises it).
	BaseURL string
	// Mock is true for the built-in, in-process mock.
	Mock bool
	// Transport, when set, carries the target's requests: the built-in mock's
	// in-process transport, which reaches it without a listener.
	Transport http.RoundTripper
	// Insecure is true when TLS certificates are not verified.
	Insecure bool
	// Production asks for confirmation before calls that change state.
	Production bool
	// DefaultDomain and DefaultUsername pre-fill the forms.
	DefaultDomain, DefaultUsername string
	// AdHoc is true for an address given on the command line: Profile is then
	// derived from the URL (host_port) rather than a profile of the file.
	AdHoc bool
}

// SessionKind tells a bearer-token sign-in from a cookie web session.
type SessionKind int

// Session kinds.
const (
	BearerSession SessionKind = iota // POST /auth/sign_in (+ 2FA)
	WebSession                       // POST /login
)

func (k SessionKind) String() string {
	if k == WebSession {
		return "web session"
	}
	return "bearer"
}

// Session is who is signed in. Tokens are Secrets, so printing a Session never leaks.
type Session struct {
	Kind      SessionKind
	Username  string
	Domain    string
	Role      string
	Access    apiclient.Secret
	Refresh   apiclient.Secret
	ExpiresAt time.Time
	// Lifetime is the token's full lifetime, to time the auto-refresh.
	Lifetime time.Duration
	// OAuth: the tokens came from POST /login/oauth/token, so they are renewed
	// there too (the guide pairs each grant with its own refresh).
	OAuth bool
	// Revoked: POST /login/oauth/revoke ended the access token. The session stays,
	// so a later call shows the PBX's refusal and the refresh token can renew it.
	Revoked bool
}

// Remaining is the time left on the access token (0 when expired or unknown).
func (s *Session) Remaining(now time.Time) time.Duration {
	if s == nil || s.ExpiresAt.IsZero() {
		return 0
	}
	if d := s.ExpiresAt.Sub(now); d > 0 {
		return d
	}
	return 0
}

// Live reports whether the access token has time left.
func (s *Session) Live(now time.Time) bool { return s.Remaining(now) > 0 }

// Via names how the session was opened, for the screens that show it.
func (s *Session) Via() string {
	if s.OAuth {
		return s.Kind.String() + ", OAuth"
	}
	return s.Kind.String()
}

// Who is "user@domain" or just "user" for system accounts.
func (s *Session) Who() string {
	if s == nil {
		return ""
	}
	if s.Domain == "" {
		return s.Username
	}
	return s.Username + "@" + s.Domain
}

// SessionFromTokens builds a bearer Session from a token pair.
func SessionFromTokens(now time.Time, user, domain string, tp *apiclient.TokenPair) Session {
	s := Session{Kind: BearerSession, Username: user, Domain: domain}
	if tp != nil {
		s.Access, s.Refresh = tp.AccessToken, tp.RefreshToken
		if tp.ExpiresIn > 0 {
			s.Lifetime = time.Duration(tp.ExpiresIn) * time.Second
			s.ExpiresAt = now.Add(s.Lifetime)
		}
	}
	return s
}
