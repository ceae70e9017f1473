package mockserver

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// state is everything a Reset replaces: the accounts and every store. Requests load
// it once, so a reset in the middle of one cannot mix old and new state.
type state struct {
	dir        *directory
	access     *ttlStore[*grant] // access token → grant
	refresh    *ttlStore[*grant] // refresh token → grant
	sessions   *ttlStore[*grant] // web session cookie → grant
	challenges *ttlStore[*challenge]
	resets     *ttlStore[*resetTicket]
	// decoyResets take the reset tickets of unknown accounts (forgetPassword): never
	// read, they make both answers cost the same.
	decoyResets *ttlStore[*resetTicket]
	// failures are the failed sign-ins counted by tenants' lockout policies.
	failures *failureLog
	// authRequests are the Microsoft authorization requests the PBX started, by state.
	authRequests *ttlStore[*authRequest]
	idpCodes     *ttlStore[*idpCode] // simulated Microsoft authorization code → sign-in
	// usedCodes are codes traded at the token endpoint → the grant they gave, so a
	// second use can revoke it.
	usedCodes *ttlStore[*grant]
}

func newState(d *Data, limit int) *state {
	return &state{
		dir:          newDirectory(d),
		access:       newTTLStore[*grant](limit),
		refresh:      newTTLStore[*grant](limit),
		sessions:     newTTLStore[*grant](limit),
		challenges:   newTTLStore[*challenge](limit),
		resets:       newTTLStore[*resetTicket](limit),
		decoyResets:  newTTLStore[*resetTicket](limit),
		failures:     newFailureLog(limit),
		authRequests: newTTLStore[*authRequest](limit),
		idpCodes:     newTTLStore[*idpCode](limit),
		usedCodes:    newTTLStore[*grant](limit),
	}
}

// grant is one signed-in session: an access token and, for API sign-ins, the refresh
// token that renews it. Refreshing makes a new grant in the same family (the chain
// of grants one sign-in led to); only the two flags below change once made.
type grant struct {
	acct    *account
	gen     uint64 // acct.gen at sign-in: a password change since revokes the grant
	access  string
	refresh string // empty for web sessions
	expires time.Time
	// passwordVerified is false for sign-ins that did not check a password (Microsoft):
	// the mock's reading of password_verified, which PortSIP does not define further.
	passwordVerified bool
	// root is the family's first grant; nil when this grant is it.
	root *grant
	// revoked, on the root, ends the whole family (refresh token reuse, sign-out).
	revoked atomic.Bool
	// rotated: the refresh token has been traded once; any further use is reuse.
	rotated atomic.Bool
}

func (g *grant) family() *grant {
	if g.root != nil {
		return g.root
	}
	return g
}

// valid reports whether neither a password change nor a revocation of the family
// ended the grant. Expiry is the caller's business.
func (g *grant) valid() bool {
	return g.gen == g.acct.gen.Load() && !g.family().revoked.Load()
}

// challenge is a pending two-factor sign-in. Its fields change under the challenge
// store's lock (ttlStore.update).
type challenge struct {
	acct     *account
	gen      uint64 // acct.gen when the password was checked
	code     string // empty until send_otp
	attempts int
	expires  time.Time // until when a code may be sent
	// codeExpires is when the mailed code stops working (OTPTTL after sending).
	codeExpires time.Time
}

// resetTicket is what a reset link's token stands for. A password change by any
// means uses up the account's other links.
type resetTicket struct {
	acct *account
	gen  uint64
}

// TokenLen is the length of the mock's tokens: PortSIP's guide shows 48 characters
// of A-Z and 0-9.
const TokenLen = 48

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newToken returns TokenLen characters of A-Z0-9 from crypto/rand, each uniform
// (log2(36^48) ≈ 248 bits): unguessable, safe in headers, cookies, query strings and
// JSON without escaping, and shaped like PortSIP's.
func newToken() string {
	var out [TokenLen]byte
	var buf [64]byte
	n := 0
	for n < TokenLen {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go 1.24+)
		for _, c := range buf {
			// 252 = 7·36: rejecting the top 4 values keeps every character uniform.
			if c < 252 && n < TokenLen {
				out[n] = tokenAlphabet[c%36]
				n++
			}
		}
	}
	return string(out[:])
}

// newOTP returns a 6-digit code, uniform over 000000–999999.
func newOTP() string {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:])
		// Reject the top sliver so the modulo is unbiased.
		v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
		if v >= 4294000000 { // 4294000000 is a multiple of 1e6 just below 2^32
			continue
		}
		n := v % 1000000
		out := []byte("000000")
		for i := 5; i >= 0; i-- {
			out[i] = byte('0' + n%10)
			n /= 10
		}
		return string(out)
	}
}

// issue signs an account in: a fresh access token (and refresh token unless web).
// gen is the account generation the sign-in was checked under; root is the family's
// first grant when refreshing, nil for a new sign-in.
func (s *Server) issue(st *state, a *account, gen uint64, web, passwordVerified bool, root *grant) *grant {
	now := s.Now()
	g := &grant{acct: a, gen: gen, access: newToken(), expires: now.Add(s.tokenTTL), passwordVerified: passwordVerified, root: root}
	// The store keeps the access token past its expiry, for as long as its refresh
	// token may live, so sign_out still knows it (see signOut); bearerGrant checks
	// g.expires. One retention for every entry keeps the store's FIFO expiry order.
	st.access.put(now, g.access, g, now.Add(s.accessKeep()))
	if !web {
		g.refresh = newToken()
		st.refresh.put(now, g.refresh, g, now.Add(RefreshTTL))
	}
	return g
}

// accessKeep is how long the access store remembers a token: its own lifetime or its
// refresh token's, whichever is longer.
func (s *Server) accessKeep() time.Duration {
	return max(s.tokenTTL, RefreshTTL)
}

// pairResponse answers a token pair. Tokens are A-Z0-9, which needs no JSON
// escaping, so the body is appended by hand: sign-in is the hot path. Like every
// answer that carries a token it must not be cached (RFC 6749, section 5.1).
func (s *Server) pairResponse(g *grant) response {
	b := make([]byte, 0, 160)
	b = append(b, `{"token_type":"Bearer","access_token":"`...)
	b = append(b, g.access...)
	b = append(b, `","refresh_token":"`...)
	b = append(b, g.refresh...)
	b = append(b, `","expires_in":`...)
	b = strconv.AppendInt(b, int64(s.tokenTTL/time.Second), 10)
	b = append(b, '}')
	return response{status: http.StatusOK, body: b, ctype: jsonType, header: noStore}
}
