// Package altpbx is a second implementation of PortSIP's authentication API, for
// tests only: it proves the built-in suite asserts what PortSIP documents and not
// what pbxauth's mock happens to do. It keeps every documented fact (the reference
// OpenAPI, PortSIP's authentication guide with its OAuth endpoints, NOTES.md) and
// chooses differently from the mock wherever the documents are silent; Choices
// lists those choices. Its mail goes out over SMTP to the address it is given, as
// a PBX's does.
package altpbx

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Choices are altpbx's answers where PortSIP's documents leave a choice open, each
// different from pbxauth's mock.
var Choices = []string{
	"a refused /auth/sign_in is 401 UNAUTHORIZED, a refused web login 403 UNAUTHORIZED (the OpenAPI says 4XX; the OAuth endpoint keeps the guide's 400)",
	"field validation failures are 422 VALIDATE_FAILED with a text detail",
	"a body that is not a JSON object is 400 with no body; any media type is read as JSON (no 415), bodies up to 1 MiB (no 413 at 64 KiB)",
	"an unsupported sign-in provider is 400 and a domain without Microsoft 365 is 404, both with no body",
	"bearer 401s of /auth/user and GET /login have an empty body",
	"unknown paths and wrong methods are 404 with a plain-text body (no 405, no Allow, no JSON)",
	"GET /info?domain= for an unknown domain answers the system metadata with null tenant fields",
	"tokens are 32 upper-case hex digits (PortSIP's older examples), access tokens live 3600 s",
	"a token pair says two_factor_enabled: false (one answer shape for both kinds of sign-in)",
	"GET /auth/user's role_id is a number, role_name is over 64 characters, capabilities are objects (v22.3 names them, not their types)",
	"an unknown, used or expired session token (2FA, reset, web session) is 403 with no body; a bad bearer token is 401 INVALID_TOKEN; a failed /auth/refresh_token is 403 UNKNOWN",
	"one-time codes have 8 digits and one wrong code ends the challenge",
	"send_otp with an empty token is an unknown session (403), not VALIDATE_FAILED",
	"a refresh keeps the old access token valid until it expires",
	"sign_out ends every session of the user, not only the token's",
	"the session cookie is PBXSESSION, SameSite=Strict; a refused web login sets a PBXCSRF cookie",
	"a two-factor account's web login is 403 TWO_FACTOR_REQUIRED",
	"POST /logout without a session is 403 with no body",
	"password_verified says whether the account's initial password was confirmed, false for most accounts",
	"the password policy is at least 6 characters; a refused new password uses up the reset link",
	"the reset link carries its token as the query parameter ticket",
	"the metadata's ms365_authorization_endpoint is a path on the PBX, as the document's example /ms365; a tenant without Microsoft 365 names one too, and its enable_ms365_integration is blank (null)",
	"GET /info looks up a domain of any length (an unknown one answers the system metadata)",
	"a null domain in a sign-in is 422 VALIDATE_FAILED (the document's domain is a string)",
	"the OAuth password grant refuses two-factor accounts (400 UNAUTHORIZED)",
}

// Account is a user of the PBX; Domain is empty for system-level accounts.
type Account struct {
	Username, Password, Domain, Role, Email string
	// Verified: the account has confirmed its initial password (password_verified).
	Verified bool
}

// Tenant is a tenant of the PBX.
type Tenant struct {
	Domain, Name string
	TwoFactor    bool
	// MS365Endpoint is the Microsoft authorization endpoint; empty when off.
	MS365Endpoint string
	// MS365Path is what the metadata names as the authorization endpoint: a path
	// on the PBX, as the document's example (/ms365); set even with Microsoft 365 off.
	MS365Path string
}

// Options configure a Server.
type Options struct {
	// SMTPAddr receives the PBX's mail (host:port); mail is dropped when empty.
	SMTPAddr string
	// From is the sender address of the mail.
	From string
	// Lapses are recommended practices to skip: a suite run then has findings.
	Lapses []Lapse
	// Defects are documented facts to break: a suite run then fails.
	Defects []Defect
}

// The PBX's data: accounts and tenants unlike the mock's demo data.
var (
	Tenants = []Tenant{
		{Domain: "acme.test", Name: "Acme", MS365Path: "/ms365/acme"},
		{Domain: "secure.acme.test", Name: "Acme Secure", TwoFactor: true},
		{Domain: "ms.acme.test", Name: "Acme 365", MS365Endpoint: "https://login.microsoftonline.com/acme-tenant/oauth2/v2.0/authorize", MS365Path: "/ms365/acme365"},
	}
	Accounts = []Account{
		{Username: "sysop", Password: "Sys-Pass#1", Role: "SystemAdmin", Email: "sysop@pbx.acme.test", Verified: true},
		{Username: "reseller", Password: "Deal-Pass#1", Role: "Dealer", Email: "reseller@pbx.acme.test"},
		{Username: "qa.user", Password: "Qa-Pass#1", Domain: "acme.test", Role: "Admin", Email: "qa.user@acme.test"},
		{Username: "mfa_user", Password: "Mfa-Pass#1", Domain: "secure.acme.test", Role: "StandardUser", Email: "mfa@secure.acme.test"},
		{Username: "ms_user", Password: "Ms-Pass#1", Domain: "ms.acme.test", Role: "StandardUser", Email: "ms@ms.acme.test"},
	}
)

// Vars are the built-in suite's variables for this PBX.
func Vars() map[string]string {
	return map[string]string{
		"username": "qa.user", "password": "Qa-Pass#1", "domain": "acme.test",
		"system_username": "sysop", "system_password": "Sys-Pass#1",
		"dealer_username": "reseller", "dealer_password": "Deal-Pass#1",
		"twofa_username": "mfa_user", "twofa_password": "Mfa-Pass#1", "twofa_domain": "secure.acme.test",
		"ms365_domain": "ms.acme.test", "no_ms365_domain": "acme.test",
	}
}

const (
	accessLifetime = time.Hour
	codeLifetime   = 10 * time.Minute // PortSIP's verification mail
	linkLifetime   = 10 * time.Minute // PortSIP's reset mail
	maxWrongCodes  = 1
	maxBody        = 1 << 20
	// clientID is the fixed client_id of PortSIP's guide.
	clientID   = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"
	cookieName = "PBXSESSION"
)

type session struct {
	user    *Account
	refresh string
	expires time.Time
	viaMS   bool
}

type challenge struct {
	user    *Account
	code    string
	sent    time.Time
	expires time.Time
	wrong   int
}

type resetLink struct {
	user    *Account
	expires time.Time
}

// Server is the alternative PBX.
type Server struct {
	opts     Options
	mu       sync.Mutex
	accounts []*Account
	access   map[string]*session
	refresh  map[string]*session
	web      map[string]string // cookie -> access token
	pending  map[string]*challenge
	resets   map[string]*resetLink
	wg       sync.WaitGroup
}

// New returns a server with the package's data.
func New(opts Options) *Server {
	s := &Server{opts: opts, access: map[string]*session{}, refresh: map[string]*session{},
		web: map[string]string{}, pending: map[string]*challenge{}, resets: map[string]*resetLink{}}
	for _, a := range Accounts {
		a := a
		s.accounts = append(s.accounts, &a)
	}
	return s
}

// Wait blocks until every mail has been handed to the SMTP server.
func (s *Server) Wait() { s.wg.Wait() }

func token() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

func code() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 8)
	for i, c := range b {
		out[i] = '0' + c%10
	}
	return string(out)
}

func tenant(domain string) *Tenant {
	for i := range Tenants {
		if strings.EqualFold(Tenants[i].Domain, domain) {
			return &Tenants[i]
		}
	}
	return nil
}

func (s *Server) find(username, domain string) *Account {
	for _, a := range s.accounts {
		if a.Username == username && strings.EqualFold(a.Domain, domain) {
			return a
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, msg string, detail any) {
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"code": code, "message": msg, "detail": detail}}})
}

func invalid(w http.ResponseWriter, msg string) {
	fail(w, 422, "VALIDATE_FAILED", "field validation failed", msg)
}

// badToken refuses an unknown, used or expired session token: 403 with no body,
// as the document declares its 4XX answers (no code is documented for this case).
func (s *Server) badToken(w http.ResponseWriter) {
	if s.broken(DefectErrorShape) {
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "invalid token"})
		return
	}
	w.WriteHeader(http.StatusForbidden)
}

// readBody reads a JSON object whatever the media type says; ok false means an
// answer was written.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(raw) > maxBody {
		fail(w, 400, "BAD_REQUEST", "the body is unreadable or over 1 MiB", nil)
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		w.WriteHeader(http.StatusBadRequest) // no body: none is documented
		return nil, false
	}
	return m, true
}

// str reads an optional string field; ok false means it is there but not a string.
func str(m map[string]any, k string) (string, bool) {
	v, there := m[k]
	if !there || v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// hasKey says whether the body has the field, even as null.
func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Handler serves the API under /api.
func (s *Server) Handler() http.Handler {
	routes := map[string]http.HandlerFunc{
		"GET /api/info":                    s.info,
		"POST /api/auth/sign_in":           s.signIn,
		"POST /api/auth/sign_in/microsoft": s.social,
		"POST /api/auth/send_otp":          s.sendOTP,
		"POST /api/auth/verify_otp":        s.verifyOTP,
		"POST /api/auth/forget_password":   s.forget,
		"POST /api/auth/reset_password":    s.reset,
		"POST /api/auth/refresh_token":     s.refreshToken,
		"GET /api/auth/user":               s.user,
		"POST /api/auth/sign_out":          s.signOut,
		"GET /api/login":                   s.loginStatus,
		"POST /api/login":                  s.login,
		"POST /api/login/by_microsoft":     s.byMicrosoft,
		"POST /api/logout":                 s.logout,
		"POST /api/login/oauth/token":      s.oauthToken,
		"POST /api/login/oauth/revoke":     s.oauthRevoke,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/auth/sign_in/") && r.Method == http.MethodPost && r.URL.Path != "/api/auth/sign_in/microsoft" && strings.Count(r.URL.Path, "/") == 4 {
			w.WriteHeader(http.StatusBadRequest) // no body: none is documented
			return
		}
		h, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		h(w, r)
	})
}

// Start serves on a loopback port until Close; it returns the API base URL.
func (s *Server) Start() (base string, closeFn func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/api", func() { _ = srv.Close(); s.Wait() }, nil
}
