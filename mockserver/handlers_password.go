package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"unicode"
	"unicode/utf8"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// POST /auth/forget_password (forgetPassword): a reset link for an existing account
// goes to its mailbox. The answer is the same 200 whether or not the account exists,
// so the call cannot be used to discover accounts. Without a domain the account is a
// system-level one (PortSIP v22.6).
func (s *Server) forgetPassword(st *state, rq *request) response {
	f := rq.fields
	cb, err := url.Parse(f["callback_url"])
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return invalid("callback_url", "url", "must be an absolute http or https URL")
	}
	// The token is made whether or not the account exists, so both cost the same.
	tok := newToken()
	acct := st.dir.lookup(f["username"], f["domain"])
	if acct == nil {
		return emptyResponse(http.StatusOK)
	}
	now := s.Now()
	st.resets.put(now, tok, &resetTicket{acct: acct, gen: acct.gen.Load()}, now.Add(ResetTTL))
	q := cb.Query()
	q.Set("token", tok)
	cb.RawQuery = q.Encode()
	link := cb.String()
	s.outbox.add(Mail{
		Kind: MailReset, To: acct.email, Username: acct.username, Domain: acct.domain, SentAt: now,
		Subject: "Reset your PBX password",
		Body: "Someone asked to reset the password of " + acct.username + ". Open this link within 30 minutes to choose a new one:\n" +
			link + "\nIf it was not you, ignore this mail.",
		Link: link, Token: tok,
	})
	return emptyResponse(http.StatusOK)
}

// POST /auth/reset_password (resetPassword): the new password must meet the account's
// policy; the token works once (a password the policy refuses does not use it up) and
// for 30 minutes. Afterwards the old password fails and the new one works, and every
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
		return validationFailed([]rules.Violation{*v})
	}
	// take, not the get above, decides: of two concurrent resets one wins.
	if _, ok := st.resets.take(now, tok); !ok || !st.dir.changePasswordFrom(rt.acct, rt.gen, pw) {
		return errBadResetToken()
	}
	return emptyResponse(http.StatusOK)
}

func errBadResetToken() response {
	return invalid("token", "invalid", "is unknown, expired or already used; ask for a new reset link")
}

// checkPolicy applies a password policy.
func checkPolicy(p *Policy, pw string) *rules.Violation {
	const field = "new_password"
	n := utf8.RuneCountInString(pw)
	if min := p.minLen(); n < min {
		return &rules.Violation{Field: field, Rule: "min_length", Message: fmt.Sprintf("must be at least %d characters", min)}
	}
	if max := p.maxLen(); n > max {
		return &rules.Violation{Field: field, Rule: "max_length", Message: fmt.Sprintf("must be at most %d characters", max)}
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
		return &rules.Violation{Field: field, Rule: "letter", Message: "must contain a letter"}
	case p.digit() && !digit:
		return &rules.Violation{Field: field, Rule: "digit", Message: "must contain a digit"}
	case p != nil && p.RequireUpper && !upper:
		return &rules.Violation{Field: field, Rule: "upper", Message: "must contain an upper-case letter"}
	case p != nil && p.RequireLower && !lower:
		return &rules.Violation{Field: field, Rule: "lower", Message: "must contain a lower-case letter"}
	case p != nil && p.RequireSymbol && !symbol:
		return &rules.Violation{Field: field, Rule: "symbol", Message: "must contain a symbol"}
	}
	return nil
}
