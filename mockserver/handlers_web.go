package mockserver

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// POST /login (login): a web session. The answer is 200 with no body, as documented,
// and a session cookie: PortSIP documents none, so its name and its HttpOnly and
// SameSite attributes (OWASP's advice) are the mock's. An account with two-factor
// authentication cannot open a web session with a password alone (the answer has no
// room for a challenge): it gets 400 UNAUTHORIZED telling it to use /auth/sign_in.
func (s *Server) login(st *state, rq *request) response {
	f := rq.fields
	acct, gen, fail, ok := s.checkCredentials(st, f["username"], f["domain"], f["password"])
	if !ok {
		return fail
	}
	if acct.twoFactor {
		// A failed login, answered like the others (400 UNAUTHORIZED).
		return errorResponse(http.StatusBadRequest, apiclient.CodeUnauthorized, "this account needs a one-time code: sign in with /auth/sign_in", nil)
	}
	return s.startSession(st, rq, acct, gen, true, http.StatusOK)
}

// startSession opens a web session for acct (checked under generation gen) and
// answers status with its cookie.
func (s *Server) startSession(st *state, rq *request, acct *account, gen uint64, passwordVerified bool, status int) response {
	g := s.issue(st, acct, gen, true, passwordVerified, nil)
	sid := newToken()
	st.sessions.put(s.Now(), sid, g, g.expires)
	c := &http.Cookie{
		Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: rq.r.TLS != nil, MaxAge: int(s.tokenTTL / time.Second),
	}
	// The cookie is a session token: no cache may keep the answer (RFC 6749, 5.1).
	return response{status: status, header: http.Header{"Set-Cookie": {c.String()}, "Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}}
}

// sessionGrant finds the live session of the request's cookie. A session whose access
// token was signed out, or whose account changed password since, has ended too.
func (s *Server) sessionGrant(st *state, rq *request) (string, *grant, bool) {
	c, err := rq.r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return "", nil, false
	}
	now := s.Now()
	g, ok := st.sessions.get(now, c.Value)
	if !ok {
		return c.Value, nil, false
	}
	if _, live := st.access.get(now, g.access); !live || !g.valid() {
		st.sessions.remove(c.Value)
		return c.Value, nil, false
	}
	return c.Value, g, true
}

// GET /login (getLoginStatus).
func (s *Server) getLoginStatus(st *state, rq *request) response {
	_, g, ok := s.sessionGrant(st, rq)
	if !ok {
		return unauthorized("not signed in: no live web session (POST /login first)")
	}
	left := g.expires.Sub(s.Now())
	resp := jsonResponse(http.StatusOK, loginStatusJSON{
		AccessToken: g.access,
		ExpiresAt:   g.expires.UTC().Format(time.RFC3339),
		ExpiresIn:   int(left.Round(time.Second) / time.Second),
		Role:        blank(g.acct.role),
	})
	resp.header = noStore
	return resp
}

// POST /logout (logout): 204, with or without a live session. PortSIP documents 204
// and 4XX without saying which a logout without a session gets; the mock's choice is
// to be idempotent, as most web servers are: a browser whose session already expired
// logs out without an error page. The cookie is cleared either way.
func (s *Server) logout(st *state, rq *request) response {
	if sid, g, ok := s.sessionGrant(st, rq); ok {
		st.sessions.remove(sid)
		st.access.remove(g.access)
	}
	c := &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1, Secure: rq.r.TLS != nil}
	return response{status: http.StatusNoContent, header: http.Header{"Set-Cookie": {c.String()}}}
}

// POST /auth/sign_in/{provider} (signInWithSocialAccount): for a Microsoft 365 tenant,
// the page of the (simulated) identity provider, which later sends the person back to
// callback_url with a code and the state.
func (s *Server) signInSocial(st *state, rq *request) response {
	if p := rq.params["provider"]; p != "microsoft" {
		return invalid(violation{field: "provider", rule: "unsupported"})
	}
	t, resp, ok := s.ms365Tenant(st, rq.fields["domain"])
	if !ok {
		return resp
	}
	cb := rq.fields["callback_url"]
	if !absoluteURL(cb) {
		return invalid(violation{field: "callback_url", rule: "url"})
	}
	ch, method := rq.fields["code_challenge"], rq.fields["code_challenge_method"]
	switch {
	case ch != "" && method == "":
		// RFC 7636 would read a missing method as plain, which the mock does not take.
		return invalid(violation{field: "code_challenge_method", rule: "required", hint: "S256 with a code_challenge"})
	case ch == "" && method != "":
		return invalid(violation{field: "code_challenge", rule: "required", hint: "with a code_challenge_method"})
	case ch != "" && !isS256Challenge(ch):
		return invalid(violation{field: "code_challenge", rule: "format", hint: "43 characters of base64url, as S256 gives"})
	}
	loc, _ := s.authorizeURL(st, rq, t, &authRequest{tenant: t, redirect: cb, challenge: ch, clientID: rq.fields["client_id"]})
	return jsonResponse(http.StatusOK, struct {
		URL string `json:"url"`
	}{loc})
}

// POST /login/by_microsoft (loginWithMicrosoft): a form with the domain; 302 to the
// tenant's authorization endpoint, which returns to the mock's own callback. The state
// also goes into a cookie, so that the callback only opens a session in the browser
// that started the sign-in (a state alone does not stop login CSRF: anyone can start
// a sign-in and hand the resulting callback link to someone else).
func (s *Server) loginWithMicrosoft(st *state, rq *request) response {
	t, resp, ok := s.ms365Tenant(st, rq.fields["domain"])
	if !ok {
		return resp
	}
	loc, state := s.authorizeURL(st, rq, t, &authRequest{tenant: t, redirect: s.baseURL(rq.r) + idpCallback, web: true})
	// Lax, not Strict: the identity provider's redirect back is a cross-site top-level
	// navigation, which Strict cookies would not follow.
	c := &http.Cookie{
		Name: StateCookie, Value: state, Path: idpPrefix, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: rq.r.TLS != nil, MaxAge: int(AuthRequestTTL / time.Second),
	}
	return response{status: http.StatusFound, header: http.Header{"Location": {loc}, "Set-Cookie": {c.String()}}}
}

// ms365Tenant finds a tenant with Microsoft 365 sign-in on.
func (s *Server) ms365Tenant(st *state, domain string) (*tenant, response, bool) {
	t := st.dir.tenant(domain)
	if t == nil {
		return nil, invalid(violation{field: "domain", rule: "unknown_tenant"}), false
	}
	if !t.MS365.Enabled {
		return nil, invalid(violation{field: "domain", rule: "ms365_disabled"}), false
	}
	return t, response{}, true
}

// authorizeURL starts an authorization request for a tenant: its endpoint with the
// OAuth 2.0 parameters of the authorization code flow. The request is remembered by
// its state, so the identity provider only answers requests the PBX made, and only to
// their redirect_uri. web marks the PBX's own web login (by_microsoft), the only one
// whose code opens a session at the mock's callback.
func (s *Server) authorizeURL(st *state, rq *request, t *tenant, ar *authRequest) (loc, state string) {
	state = newToken()[:26] // 134 random bits
	now := s.Now()
	st.authRequests.put(now, state, ar, now.Add(AuthRequestTTL))
	redirect := ar.redirect
	q := url.Values{
		"client_id":     {"pbx-" + t.Domain},
		"response_type": {"code"},
		"response_mode": {"query"},
		"scope":         {"openid profile email"},
		"redirect_uri":  {redirect},
		"state":         {state},
	}
	ep := s.authorizationEndpoint(rq, t)
	sep := "?"
	if strings.Contains(ep, "?") {
		sep = "&"
	}
	return ep + sep + q.Encode(), state
}

// authorizationEndpoint is the tenant's configured endpoint or the mock's simulated one.
func (s *Server) authorizationEndpoint(rq *request, t *tenant) string {
	if t.MS365.AuthorizationEndpoint != "" {
		return t.MS365.AuthorizationEndpoint
	}
	return s.baseURL(rq.r) + idpPrefix + url.PathEscape(t.Domain) + "/oauth2/v2.0/authorize"
}

// isS256Challenge checks the shape of an S256 code_challenge: the unpadded base64url
// of 32 bytes.
func isS256Challenge(ch string) bool {
	if len(ch) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(ch)
	return err == nil
}

func absoluteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
