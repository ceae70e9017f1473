package mockserver

import (
	"crypto/subtle"
	"net/http"
	"strconv"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// GET /info (retrieveMetadata): the pre-encoded system metadata, or with ?domain= the
// tenant's public metadata merged in. An unknown domain is VALIDATE_FAILED.
func (s *Server) retrieveMetadata(st *state, rq *request) response {
	var domain string
	if rq.r.URL.RawQuery != "" { // parsing an empty query still allocates a map
		domain = rq.r.URL.Query().Get("domain")
	}
	if domain == "" {
		return response{status: http.StatusOK, body: st.dir.infoJSON, ctype: jsonType}
	}
	if v := rules.Domain(domain); v != nil {
		return validationFailed([]rules.Violation{*v})
	}
	t := st.dir.tenant(domain)
	if t == nil {
		return invalid("domain", "unknown_tenant", "is not a tenant of this PBX")
	}
	m := st.dir.sysMeta
	m.Name, m.Domain, m.Website, m.AvatarURL = t.Name, t.Domain, t.Website, t.AvatarURL
	ms := t.MS365.Enabled
	m.EnableMS365Integration = &ms
	if ms {
		m.MS365AuthorizationEndpoint = s.authorizationEndpoint(rq, t)
	}
	return jsonResponse(http.StatusOK, m)
}

// POST /auth/sign_in (signInWithCredentials). Without a domain only system-level
// accounts sign in; with one, that tenant's users (the body's rules already refused a
// reserved name with a domain). Unknown tenant, unknown user and wrong password are
// one and the same UNAUTHORIZED.
func (s *Server) signIn(st *state, rq *request) response {
	if rq.r.URL.RawQuery != "" {
		if qr := rq.r.URL.Query().Get("qr"); qr != "" {
			if _, err := strconv.ParseBool(qr); err != nil {
				return invalid("qr", "type", "must be true or false")
			}
		}
	}
	f := rq.fields
	acct := st.dir.authenticate(f["username"], f["domain"], f["password"])
	if acct == nil {
		return errBadCredentials
	}
	if acct.twoFactor {
		tok := newToken()
		now := s.Now()
		st.challenges.put(now, tok, &challenge{acct: acct}, now.Add(ChallengeTTL))
		return jsonResponse(http.StatusOK, struct {
			TwoFactorEnabled bool   `json:"two_factor_enabled"`
			Token            string `json:"token"`
		}{true, tok})
	}
	return s.pairResponse(s.issue(st, acct, false, true))
}

var errNoChallenge = unauthorized("the two-factor session is unknown, expired or used up; sign in again")

// POST /auth/send_otp (sendOTP): a fresh 6-digit code for the challenge, mailed to the
// account's address. A new code replaces the previous one.
func (s *Server) sendOTP(st *state, rq *request) response {
	code := newOTP()
	var acct *account
	ok := st.challenges.update(s.Now(), rq.fields["token"], func(c *challenge) bool {
		c.code, acct = code, c.acct
		return true
	})
	if !ok {
		return errNoChallenge
	}
	s.outbox.add(Mail{
		Kind: MailOTP, To: acct.email, Username: acct.username, Domain: acct.domain, SentAt: s.Now(),
		Subject: "Your PBX sign-in code",
		Body:    "Your one-time sign-in code is " + code + ". It expires in 5 minutes. If you did not try to sign in, change your password.",
		Code:    code,
	})
	return emptyResponse(http.StatusOK)
}

// POST /auth/verify_otp (verifyOTP): the right code ends the challenge with a token
// pair; a wrong one counts, and the fifth wrong one ends the challenge.
func (s *Server) verifyOTP(st *state, rq *request) response {
	code := rq.fields["code"]
	if !isOTPShape(code) {
		return invalid("code", "format", "must be the 6 digits of the mailed code")
	}
	var acct *account
	var notSent, wrong bool
	ok := st.challenges.update(s.Now(), rq.fields["token"], func(c *challenge) bool {
		if c.code == "" {
			notSent = true
		} else if subtle.ConstantTimeCompare([]byte(c.code), []byte(code)) == 1 {
			acct = c.acct
			return false // used: a challenge completes once
		} else {
			wrong = true
		}
		c.attempts++
		return c.attempts < MaxOTPAttempts
	})
	switch {
	case !ok:
		return errNoChallenge
	case notSent:
		return unauthorized("no code has been sent for this session yet (call send_otp)")
	case wrong:
		return unauthorized("the code is wrong")
	}
	return s.pairResponse(s.issue(st, acct, false, true))
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

// POST /auth/refresh_token (refreshToken): rotation. The old refresh token is taken
// out of the store atomically (of two concurrent uses exactly one wins), the old access
// token dies with it, and a new pair replaces them.
func (s *Server) refreshToken(st *state, rq *request) response {
	now := s.Now()
	g, ok := st.refresh.take(now, rq.fields["refresh_token"])
	if !ok {
		return unauthorized("the refresh token is unknown, expired or already used")
	}
	st.access.remove(g.access)
	return s.pairResponse(s.issue(st, g.acct, false, g.passwordVerified))
}

// bearerGrant finds the live grant of the request's bearer token.
func (s *Server) bearerGrant(st *state, rq *request) (*grant, bool) {
	tok := rq.bearer()
	if tok == "" {
		return nil, false
	}
	return st.access.get(s.Now(), tok)
}

// GET /auth/user (getUserAuthInfo).
func (s *Server) getUserAuthInfo(st *state, rq *request) response {
	g, ok := s.bearerGrant(st, rq)
	if !ok {
		return errNoToken
	}
	a := g.acct
	role := st.dir.roles[a.role]
	return jsonResponse(http.StatusOK, apiclient.UserAuthInfo{
		Role: a.role, PasswordVerified: g.passwordVerified, PasswordForceReset: st.dir.forceReset(a),
		Domain: a.domain, RoleID: role.ID, RoleName: role.DisplayName, Capabilities: role.Capabilities,
	})
}

// POST /auth/sign_out (signOut): the access token and its refresh token stop working.
func (s *Server) signOut(st *state, rq *request) response {
	g, ok := st.access.take(s.Now(), rq.bearer())
	if !ok {
		return errNoToken
	}
	if g.refresh != "" {
		st.refresh.remove(g.refresh)
	}
	return emptyResponse(http.StatusOK)
}
