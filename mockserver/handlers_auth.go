package mockserver

import (
	"crypto/subtle"
	"net/http"
	"strconv"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// GET /info (retrieveMetadata): the pre-encoded system metadata, or with ?domain= the
// tenant's public metadata merged in. An unknown domain is VALIDATE_FAILED: the
// mock's choice, since PortSIP documents no answer for one.
func (s *Server) retrieveMetadata(st *state, rq *request) response {
	domain := rq.query.Get("domain")
	if domain == "" {
		return response{status: http.StatusOK, body: st.dir.infoJSON, ctype: jsonType}
	}
	if v := rules.Domain(domain); v != nil {
		return invalid(fromRules(*v, nil))
	}
	t := st.dir.tenant(domain)
	if t == nil {
		return invalid(violation{field: "domain", rule: "unknown_tenant"})
	}
	m := st.dir.sysMeta
	m.Name, m.Domain, m.Website, m.AvatarURL = blank(t.Name), blank(t.Domain), blank(t.Website), blank(t.AvatarURL)
	ms := t.MS365.Enabled
	m.EnableMS365Integration = &ms
	if ms {
		m.MS365AuthorizationEndpoint = blank(s.authorizationEndpoint(rq, t))
	}
	return jsonResponse(http.StatusOK, m)
}

// POST /auth/sign_in (signInWithCredentials). Without a domain only system-level
// accounts sign in; with one, that tenant's users (the body's rules already refused a
// reserved name with a domain). Unknown tenant, unknown user and wrong password are
// one and the same UNAUTHORIZED.
func (s *Server) signIn(st *state, rq *request) response {
	if qr := rq.query.Get("qr"); qr != "" {
		if _, err := strconv.ParseBool(qr); err != nil {
			return invalid(violation{field: "qr", rule: "type", hint: "true or false"})
		}
	}
	f := rq.fields
	acct, gen, fail, ok := s.checkCredentials(st, f["username"], f["domain"], f["password"])
	if !ok {
		return fail
	}
	if acct.twoFactor {
		tok := newToken()
		now := s.Now()
		exp := now.Add(ChallengeTTL)
		// The store keeps the challenge until a code sent at its last moment expires.
		st.challenges.put(now, tok, &challenge{acct: acct, gen: gen, expires: exp}, exp.Add(OTPTTL))
		resp := jsonResponse(http.StatusOK, struct {
			TwoFactorEnabled bool   `json:"two_factor_enabled"`
			Token            string `json:"token"`
		}{true, tok})
		resp.header = noStore
		return resp
	}
	return s.pairResponse(s.issue(st, acct, gen, false, true, nil))
}

var errNoChallenge = preEncoded(http.StatusUnauthorized, apiclient.CodeUnauthorized, "the two-factor session is unknown, expired or used up; sign in again")

// POST /auth/send_otp (sendOTP): a fresh 6-digit code for the challenge, mailed to the
// account's address, valid OTPTTL. A new code replaces the previous one. The length
// and the replacing are the mock's choices (PortSIP's template shows only the code).
func (s *Server) sendOTP(st *state, rq *request) response {
	code := newOTP()
	var acct *account
	now := s.Now()
	ok := st.challenges.update(now, rq.fields["token"], func(c *challenge) bool {
		if c.gen != c.acct.gen.Load() || !now.Before(c.expires) {
			return false // the password changed since, or the sign-in waited too long
		}
		c.code, c.codeExpires, acct = code, now.Add(OTPTTL), c.acct
		return true
	})
	if !ok || acct == nil {
		return errNoChallenge()
	}
	s.outbox.add(otpMail(st.dir, acct, code, now))
	return emptyResponse(http.StatusOK)
}

// POST /auth/verify_otp (verifyOTP): the right code ends the challenge with a token
// pair; a wrong one counts, and the fifth wrong one ends the challenge (the mock's
// limit: PortSIP documents none).
func (s *Server) verifyOTP(st *state, rq *request) response {
	code := rq.fields["code"]
	if !isOTPShape(code) {
		return invalid(violation{field: "code", rule: "format", hint: "the 6 digits of the mailed code"})
	}
	var acct *account
	var gen uint64
	var notSent, wrong, void bool
	now := s.Now()
	ok := st.challenges.update(now, rq.fields["token"], func(c *challenge) bool {
		if c.gen != c.acct.gen.Load() {
			void = true
			return false
		}
		if c.code == "" || !now.Before(c.codeExpires) {
			notSent = true
		} else if subtle.ConstantTimeCompare([]byte(c.code), []byte(code)) == 1 {
			acct, gen = c.acct, c.gen
			return false // used: a challenge completes once
		} else {
			wrong = true
		}
		c.attempts++
		return c.attempts < MaxOTPAttempts
	})
	switch {
	case !ok || void:
		return errNoChallenge()
	case notSent:
		return unauthorized("no live code for this session: none was sent, or it expired (call send_otp)")
	case wrong:
		return unauthorized("the code is wrong")
	}
	return s.pairResponse(s.issue(st, acct, gen, false, true, nil))
}

func isOTPShape(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// A failed refresh is 400 UNKNOWN, as PortSIP's guide shows it for its token
// endpoint's refresh grant (for /auth/refresh_token the OpenAPI says only 4XX, and
// the mock answers alike); the message says why.
var (
	errBadRefresh = preEncoded(http.StatusBadRequest, apiclient.CodeUnknown, "the refresh token is unknown, expired or revoked")
	errReuse      = preEncoded(http.StatusBadRequest, apiclient.CodeUnknown, "the refresh token was already used: every token of its sign-in is revoked; sign in again")
)

// POST /auth/refresh_token (refreshToken): rotation. Trading a refresh token marks
// it rotated atomically (of two concurrent uses exactly one wins), the old access
// token dies, and a new pair of the same family replaces them. The rotated token
// stays known until it expires: using it again means two parties hold it (a thief
// and the owner), so the whole family is revoked, the current pair included, as
// the OAuth 2.0 security BCP (RFC 9700, section 4.14) recommends.
func (s *Server) refreshToken(st *state, rq *request) response {
	return s.rotate(st, rq.fields["refresh_token"])
}

// rotate trades a refresh token for the next pair of its family (see refreshToken).
func (s *Server) rotate(st *state, refresh string) response {
	now := s.Now()
	g, ok := st.refresh.get(now, refresh)
	switch {
	case !ok:
		return errBadRefresh()
	case g.rotated.Load():
		g.family().revoked.Store(true)
		return errReuse()
	case !g.valid():
		return errBadRefresh()
	case !g.rotated.CompareAndSwap(false, true):
		g.family().revoked.Store(true) // lost a race with another use of the same token
		return errReuse()
	}
	st.access.remove(g.access)
	return s.pairResponse(s.issue(st, g.acct, g.gen, false, g.passwordVerified, g.family()))
}

// bearerGrant finds the live grant of the request's bearer token: known, unexpired
// and not revoked.
func (s *Server) bearerGrant(st *state, rq *request) (*grant, bool) {
	tok := rq.bearer()
	if tok == "" {
		return nil, false
	}
	now := s.Now()
	g, ok := st.access.get(now, tok)
	if !ok || !now.Before(g.expires) || !g.valid() {
		return nil, false
	}
	return g, true
}

// takeBearer removes the request's access token from the store, expired or not, and
// returns its grant unless it was unknown or already ended (sign_out, revoke).
func (s *Server) takeBearer(st *state, rq *request) (*grant, bool) {
	tok := rq.bearer()
	if tok == "" {
		return nil, false
	}
	g, ok := st.access.take(s.Now(), tok)
	if !ok || !g.valid() {
		return nil, false
	}
	return g, true
}

// GET /auth/user (getUserAuthInfo).
func (s *Server) getUserAuthInfo(st *state, rq *request) response {
	g, ok := s.bearerGrant(st, rq)
	if !ok {
		return errNoToken()
	}
	a := g.acct
	role := st.dir.roles[a.role]
	return jsonResponse(http.StatusOK, userAuthInfoJSON{
		Role: blank(a.role), PasswordVerified: g.passwordVerified, PasswordForceReset: st.dir.forceReset(a),
		Domain: blank(a.domain), RoleID: blank(role.ID), RoleName: blank(role.DisplayName), Capabilities: role.Capabilities,
	})
}

// POST /auth/sign_out (signOut): the access token, its refresh token and the rest of
// the family stop working.
//
// An access token that has expired but is still known (the store keeps it as long as
// its refresh token may live) signs out too, with 200. Access tokens are short-lived
// and a client typically signs out after a pause, when its token has lapsed; refusing
// then would leave the refresh token usable for a day with no way for the client to
// end it. OAuth token revocation (RFC 7009) likewise lets a client revoke a token
// whatever its expiry. Unlike RFC 7009, an unknown, already signed-out or revoked
// token stays 401, as a PBX answers any bad bearer token; and an expired token is
// still 401 on every other call.
func (s *Server) signOut(st *state, rq *request) response {
	g, ok := s.takeBearer(st, rq)
	if !ok {
		return errNoToken()
	}
	g.family().revoked.Store(true)
	if g.refresh != "" {
		st.refresh.remove(g.refresh)
	}
	return emptyResponse(http.StatusOK)
}
