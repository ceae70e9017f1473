package mockserver

import (
	"net/http"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// POST /auth/forget_password (forgetPassword): a reset link for an existing account
// goes to its mailbox. The answer is the same 200 whether or not the account exists,
// so the call cannot be used to discover accounts. Without a domain the account is a
// system-level one (PortSIP v22.6).
//
// Both cases also cost the same, so timing does not tell them apart either: an
// unknown account gets the same token, link, mail and ticket, made for a stand-in
// account (directory.standIn) and kept in stores of the same kind that nobody reads.
func (s *Server) forgetPassword(st *state, rq *request) response {
	f := rq.fields
	cb, err := url.Parse(f["callback_url"])
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return invalid(violation{field: "callback_url", rule: "url"})
	}
	tok := newToken()
	acct, resets, out := st.dir.lookup(f["username"], f["domain"]), st.resets, &s.outbox
	if acct == nil {
		acct, resets, out = st.dir.standIn(f["domain"]), st.decoyResets, &s.decoyOutbox
	}
	now := s.Now()
	resets.put(now, tok, &resetTicket{acct: acct, gen: acct.gen.Load()}, now.Add(ResetTTL))
	q := cb.Query()
	q.Set("token", tok)
	cb.RawQuery = q.Encode()
	link := cb.String()
	out.add(resetMail(st.dir, acct, link, tok, now))
	return emptyResponse(http.StatusOK)
}

// POST /auth/reset_password (resetPassword): the new password must meet the account's
// policy; the token works once (a password the policy refuses does not use it up) and
// for ResetTTL (10 minutes). Afterwards the old password fails and the new one works, and every
// sign-in of the account made before (token pairs, web sessions, two-factor sign-ins
// under way, other reset links) is revoked: whoever knew the old password is out.
func (s *Server) resetPassword(st *state, rq *request) response {
	now := s.Now()
	tok, pw := rq.fields["token"], rq.fields["new_password"]
	rt, ok := st.resets.get(now, tok)
	if !ok || rt.gen != rt.acct.gen.Load() {
		return errBadResetToken()
	}
	if v := checkPolicy(st.dir.policy(rt.acct), pw); v != nil {
		return invalid(*v)
	}
	// take, not the get above, decides: of two concurrent resets one wins.
	if _, ok := st.resets.take(now, tok); !ok || !st.dir.changePasswordFrom(rt.acct, rt.gen, pw) {
		return errBadResetToken()
	}
	return emptyResponse(http.StatusOK)
}

func errBadResetToken() response {
	return invalid(violation{field: "token", rule: "invalid", hint: "ask for a new reset link"})
}

// checkPolicy applies a password policy.
func checkPolicy(p *Policy, pw string) *violation {
	const field = "new_password"
	n := utf8.RuneCountInString(pw)
	if min := p.minLen(); n < min {
		return &violation{field: field, rule: "min_length", limit: min}
	}
	if max := p.maxLen(); n > max {
		return &violation{field: field, rule: "max_length", limit: max}
	}
	var letter, digit, upper, lower, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
			upper = upper || unicode.IsUpper(r)
			lower = lower || unicode.IsLower(r)
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			symbol = true
		}
	}
	switch {
	case p.letter() && !letter:
		return &violation{field: field, rule: "letter"}
	case p.digit() && !digit:
		return &violation{field: field, rule: "digit"}
	case p != nil && p.RequireUpper && !upper:
		return &violation{field: field, rule: "upper"}
	case p != nil && p.RequireLower && !lower:
		return &violation{field: field, rule: "lower"}
	case p != nil && p.RequireSymbol && !symbol:
		return &violation{field: field, rule: "symbol"}
	}
	return nil
}
