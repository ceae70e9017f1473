package altpbx

import (
	"net/http"
	"strings"
	"time"
)

var reserved = []string{"admin", "system", "administrator", "root"}

// checkUsername applies NOTES' username rules; it returns what is wrong or "".
func checkUsername(u string, withDomain bool) string {
	switch {
	case u == "" || len(u) > 64:
		return "username: 1 to 64 characters"
	case strings.HasPrefix(u, ".") || strings.HasSuffix(u, "."):
		return "username: must not start or end with a period"
	}
	for _, r := range u {
		ok := r == '_' || r == '-' || r == '\'' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return "username: letters, digits and _ - ' . only"
		}
	}
	if withDomain {
		for _, n := range reserved {
			if strings.EqualFold(u, n) {
				return "username: reserved for the system administrator"
			}
		}
	}
	return ""
}

// credentials reads and checks username, password and an optional domain.
func credentials(w http.ResponseWriter, m map[string]any) (user, pass, domain string, ok bool) {
	user, uok := str(m, "username")
	pass, pok := str(m, "password")
	domain, dok := str(m, "domain")
	switch {
	case !uok || !pok || !dok:
		invalid(w, "username, password and domain are strings")
	case m["domain"] == nil && hasKey(m, "domain"):
		invalid(w, "domain: a string; leave it out for a system account")
	case pass == "" || user == "":
		invalid(w, "username and password are required")
	case m["domain"] != nil && (domain == "" || len(domain) > 280):
		invalid(w, "domain: 1 to 280 characters")
	default:
		if msg := checkUsername(user, domain != ""); msg != "" {
			invalid(w, msg)
			return
		}
		return user, pass, domain, true
	}
	return "", "", "", false
}

// checkLogin reads and checks a JSON sign-in body; the account is nil when the
// credentials match none. ok false means an answer was written.
func (s *Server) checkLogin(w http.ResponseWriter, r *http.Request) (*Account, bool) {
	m, ok := readBody(w, r)
	if !ok {
		return nil, false
	}
	user, pass, domain, ok := credentials(w, m)
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.find(user, domain); a != nil && a.Password == pass {
		return a, true
	}
	return nil, true
}

func (s *Server) pair(a *Account) map[string]any {
	ses := &session{user: a, refresh: token(), expires: time.Now().Add(accessLifetime)}
	at := token()
	s.access[at] = ses
	s.refresh[ses.refresh] = ses
	return map[string]any{"access_token": at, "refresh_token": ses.refresh, "token_type": "Bearer", "expires_in": int(accessLifetime.Seconds()),
		"two_factor_enabled": false}
}

func writeTokens(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store") // RFC 6749 5.1
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Has("qr") && q.Get("qr") != "true" && q.Get("qr") != "false" {
		invalid(w, "qr: true or false")
		return
	}
	a, ok := s.checkLogin(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a == nil {
		fail(w, http.StatusUnauthorized, "UNAUTHORIZED", "Login failed, authentication error", nil)
		return
	}
	if t := tenant(a.Domain); t != nil && t.TwoFactor {
		tok := token()
		s.pending[tok] = &challenge{user: a, expires: time.Now().Add(codeLifetime)}
		writeTokens(w, map[string]any{"two_factor_enabled": true, "token": tok})
		return
	}
	writeTokens(w, s.pair(a))
}

// liveChallenge finds an open challenge; it answers and returns nil otherwise. An
// empty token is a string, so it is looked up (and not found) like any other.
func (s *Server) liveChallenge(w http.ResponseWriter, m map[string]any, needCode bool) (*challenge, string, string) {
	tok, tok2 := str(m, "token")
	c, cok := str(m, "code")
	if !tok2 || !cok || !hasKey(m, "token") || (needCode && c == "") {
		invalid(w, "token (and code) are required strings")
		return nil, "", ""
	}
	ch := s.pending[tok]
	if ch == nil || time.Now().After(ch.expires) {
		s.badToken(w)
		return nil, "", ""
	}
	return ch, tok, c
}

func (s *Server) sendOTP(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, _ := str(m, "token"); tok == "" && hasKey(m, "token") && s.broken(DefectEmptyTokenMails) {
		w.WriteHeader(http.StatusOK)
		return
	}
	ch, _, _ := s.liveChallenge(w, m, false)
	if ch == nil {
		return
	}
	ch.code, ch.sent = code(), time.Now() // a new code replaces the previous one
	ch.expires = ch.sent.Add(codeLifetime)
	s.mailCode(ch.user, ch.code)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) verifyOTP(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, tok, c := s.liveChallenge(w, m, true)
	if ch == nil {
		return
	}
	if ch.code == "" || (c != ch.code && !s.broken(DefectAnyCode)) {
		if ch.wrong++; ch.wrong >= maxWrongCodes {
			delete(s.pending, tok)
		}
		fail(w, http.StatusForbidden, "INVALID_CODE", "the code is wrong", nil)
		return
	}
	delete(s.pending, tok)
	writeTokens(w, s.pair(ch.user))
}

func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	m, ok := readBody(w, r)
	if !ok {
		return
	}
	rt, sok := str(m, "refresh_token")
	if !sok || rt == "" {
		invalid(w, "refresh_token is a required string")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.rotate(rt)
	if !ok {
		fail(w, http.StatusForbidden, "UNKNOWN", "unknown error", nil)
		return
	}
	writeTokens(w, p)
}

// rotate trades a refresh token for a new pair; the old access token lives on
// until it expires (the mock ends it).
func (s *Server) rotate(rt string) (map[string]any, bool) {
	ses := s.refresh[rt]
	if ses == nil {
		return nil, false
	}
	delete(s.refresh, rt)
	return s.pair(ses.user), true
}

// caller is the session of the request's bearer token, or nil.
func (s *Server) caller(r *http.Request) (*session, string) {
	tok := bearer(r)
	ses := s.access[tok]
	if ses == nil || time.Now().After(ses.expires) {
		return nil, ""
	}
	return ses, tok
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, _ := s.caller(r)
	if ses == nil {
		w.WriteHeader(http.StatusUnauthorized) // declared without content
		return
	}
	a := ses.user
	var domain any
	if a.Domain != "" {
		domain = a.Domain
	}
	var verified any = a.Verified && !ses.viaMS
	if s.broken(DefectVerifiedAsText) {
		verified = "yes"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"role": a.Role, "password_verified": verified, "password_force_reset": false,
		"domain": domain, "role_id": len(a.Role), "role_name": a.Role + " - a built-in role of the Acme PBX, with the permissions PortSIP gives it",
		"capabilities": []any{map[string]any{"name": "auth", "scope": "self"}},
	})
}

// endSession forgets an access token, its refresh token and web sessions on it.
func (s *Server) endSession(tok string) {
	if ses := s.access[tok]; ses != nil {
		delete(s.refresh, ses.refresh)
	}
	delete(s.access, tok)
	for c, t := range s.web {
		if t == tok {
			delete(s.web, c)
		}
	}
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, _ := s.caller(r)
	if ses == nil {
		fail(w, http.StatusUnauthorized, "INVALID_TOKEN", "no valid bearer token", nil)
		return
	}
	// Every session of the user ends, not only the token's.
	for at, other := range s.access {
		switch {
		case other.user != ses.user:
		case s.lapses(LapseRefreshOutlivesSignOut):
			delete(s.access, at)
		default:
			s.endSession(at)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// oauthToken is the guide's POST /api/login/oauth/token: password and refresh
// grants, form-encoded, failures 400 as the guide shows them.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		fail(w, 400, "UNKNOWN", "unknown error", nil)
		return
	}
	f := r.PostForm
	if f.Get("client_id") != clientID {
		fail(w, 400, "UNAUTHORIZED", "Login failed, authentication error", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "password":
		a := s.find(f.Get("username"), f.Get("domain"))
		if a == nil || a.Password != f.Get("password") || f.Get("password") == "" {
			fail(w, 400, "UNAUTHORIZED", "Login failed, authentication error", nil)
			return
		}
		if t := tenant(a.Domain); t != nil && t.TwoFactor {
			fail(w, 400, "UNAUTHORIZED", "Login failed, authentication error", "two-factor accounts sign in with /auth/sign_in")
			return
		}
		writeTokens(w, s.pair(a))
	case "refresh_token":
		p, ok := s.rotate(f.Get("refresh_token"))
		if !ok {
			fail(w, 400, "UNKNOWN", "unknown error", nil)
			return
		}
		writeTokens(w, p)
	default:
		fail(w, 400, "UNKNOWN", "unknown error", nil)
	}
}

func (s *Server) oauthRevoke(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, tok := s.caller(r)
	if ses == nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	delete(s.access, tok)
	w.WriteHeader(http.StatusOK)
}
