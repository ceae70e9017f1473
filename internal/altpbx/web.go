package altpbx

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	d := r.URL.Query().Get("domain") // any length: the query parameter has no limit
	out := map[string]any{
		"web_domain": "pbx.acme.test", "enable_ipv6": false, "enable_dataflow": true,
		"private_ipv4": "10.0.0.5", "private_ipv6": nil, "public_ipv4": nil, "public_ipv6": nil,
		"dns_servers": []string{"10.0.0.53"},
		"domain":      nil, "name": nil, "enable_ms365_integration": nil, "ms365_authorization_endpoint": nil,
	}
	// An unknown domain adds nothing: the tenant fields stay blank (null).
	if t := tenant(d); t != nil {
		out["domain"], out["name"] = t.Domain, t.Name
		if t.MS365Endpoint != "" || s.broken(DefectMS365Everywhere) { // never set up: blank (null), not false
			out["enable_ms365_integration"] = true
		}
		if t.MS365Path != "" && !(t.MS365Endpoint != "" && s.broken(DefectNoMS365Endpoint)) {
			out["ms365_authorization_endpoint"] = t.MS365Path
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	a, ok := s.checkLogin(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A refusal sets a cookie of its own, which is no session.
	switch {
	case a == nil:
		http.SetCookie(w, &http.Cookie{Name: "PBXCSRF", Value: token(), Path: "/", SameSite: http.SameSiteStrictMode})
		fail(w, http.StatusForbidden, "UNAUTHORIZED", "Login failed, authentication error", nil)
		return
	case tenant(a.Domain) != nil && tenant(a.Domain).TwoFactor:
		// A password alone never opens a two-factor account's session.
		fail(w, http.StatusForbidden, "TWO_FACTOR_REQUIRED", "sign in with /auth/sign_in and a one-time code", nil)
		return
	}
	s.openWeb(w, a, false)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) openWeb(w http.ResponseWriter, a *Account, viaMS bool) {
	p := s.pair(a)
	at := p["access_token"].(string)
	s.access[at].viaMS = viaMS
	c := token()
	s.web[c] = at
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case s.broken(DefectNoSessionCookie):
	case s.lapses(LapseCookieFlags):
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: c, Path: "/"})
	default:
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: c, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
}

// webSession is the access token of the request's session cookie, or "".
func (s *Server) webSession(r *http.Request) string {
	for _, c := range r.Cookies() {
		if c.Name != cookieName {
			continue
		}
		if at, ok := s.web[c.Value]; ok {
			if ses := s.access[at]; ses != nil && time.Now().Before(ses.expires) {
				return at
			}
		}
	}
	return ""
}

func (s *Server) loginStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.webSession(r)
	if at == "" {
		w.WriteHeader(http.StatusUnauthorized) // declared without content
		return
	}
	ses := s.access[at]
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": at, "expires_at": ses.expires.UTC().Format(time.RFC3339),
		"expires_in": int(time.Until(ses.expires).Seconds()), "role": ses.user.Role,
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ended := false
	for _, c := range r.Cookies() {
		if at, ok := s.web[c.Value]; ok && c.Name == cookieName {
			if s.lapses(LapseTokenOutlivesLogout) {
				delete(s.web, c.Value)
			} else {
				s.endSession(at)
			}
			ended = true
		}
	}
	switch {
	case !ended && s.broken(DefectLogoutCrash):
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case !ended:
		s.badToken(w) // no session to log out
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// authorizeURL is the tenant's Microsoft page for an authorization-code request.
func (s *Server) authorizeURL(t *Tenant, redirect string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {"acme-pbx"}, "redirect_uri": {redirect}, "state": {token()}, "scope": {"openid email"}}
	if s.lapses(LapseNoState) {
		q.Del("state")
	}
	return t.MS365Endpoint + "?" + q.Encode()
}

func (s *Server) byMicrosoft(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	_ = r.ParseForm() // any media type: what is not a form has no domain
	d := r.PostForm.Get("domain")
	if d == "" {
		invalid(w, "domain is required")
		return
	}
	t := ms365Tenant(w, d)
	if t == nil {
		return
	}
	http.Redirect(w, r, s.authorizeURL(t, "https://pbx.acme.test/api/login/by_microsoft/callback"), http.StatusFound)
}

// ms365Tenant is the tenant with Microsoft 365 sign-in for domain; it answers and
// returns nil when there is none.
func ms365Tenant(w http.ResponseWriter, domain string) *Tenant {
	t := tenant(domain)
	if t == nil || t.MS365Endpoint == "" {
		w.WriteHeader(http.StatusNotFound) // no body: none is documented
		return nil
	}
	return t
}

// absoluteURL accepts http(s) URLs with a host only.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (s *Server) social(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	d, dok := str(m, "domain")
	cb, cok := str(m, "callback_url")
	switch {
	case !dok || !cok || d == "" || cb == "":
		invalid(w, "domain and callback_url are required")
		return
	case !absoluteURL(cb):
		invalid(w, "callback_url: an absolute http(s) URL")
		return
	}
	t := ms365Tenant(w, d)
	if t == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"url": s.authorizeURL(t, cb)})
}

func (s *Server) forget(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	user, uok := str(m, "username")
	domain, dok := str(m, "domain")
	cb, cok := str(m, "callback_url")
	switch {
	case !uok || !dok || !cok || user == "" || cb == "":
		invalid(w, "username and callback_url are required")
		return
	case !absoluteURL(cb):
		invalid(w, "callback_url: an absolute http(s) URL")
		return
	}
	if msg := checkUsername(user, domain != ""); msg != "" {
		invalid(w, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The same answer whether or not the account exists; mail only to real ones.
	if a := s.find(user, domain); a != nil {
		tok := token()
		s.resets[tok] = &resetLink{user: a, expires: time.Now().Add(linkLifetime)}
		if s.broken(DefectLinkOffCallback) {
			cb = "https://pbx.acme.test/reset"
		}
		sep := "?"
		if strings.Contains(cb, "?") {
			sep = "&"
		}
		s.mailLink(a, cb+sep+"ticket="+tok)
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	tok, tok2 := str(m, "token")
	pw, pok := str(m, "new_password")
	if !tok2 || !pok || tok == "" || pw == "" {
		invalid(w, "token and new_password are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.resets[tok]
	if l == nil || time.Now().After(l.expires) {
		s.badToken(w)
		return
	}
	if len(pw) < 6 {
		delete(s.resets, tok) // a refused password uses the link up
		invalid(w, "new_password: at least 6 characters")
		return
	}
	delete(s.resets, tok)
	l.user.Password = pw
	w.WriteHeader(http.StatusOK)
}
