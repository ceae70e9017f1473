package fuzz

import (
	"fmt"
	"math/rand/v2"
)

// action is one move of a lifecycle sequence; pair names the token pair it uses
// (pairs are numbered in the order sign-ins and refreshes create them).
type action struct {
	kind string
	pair int
	// arg carries what the action needs beyond the pair: the PKCE verifier of an
	// authorization-code sign-in, the mistake of a code exchange.
	arg string
}

const (
	actSignIn      = "sign_in"
	actWhoAmI      = "who_am_i"
	actRefresh     = "refresh"
	actSignOut     = "sign_out"
	actGarbage     = "garbage_bearer"
	actSwap        = "swap_tokens"
	actLogin       = "web_login"
	actLoginStatus = "web_status"
	actLogout      = "web_logout"
	actWebToken    = "web_token_who_am_i"
	// The OAuth endpoints of PortSIP's guide (oauth.go).
	actOAuthSignIn  = "oauth_password_grant"
	actOAuthRefresh = "oauth_refresh_grant"
	actRevoke       = "oauth_revoke"
	actCodeStart    = "code_sign_in"
	actCodeExchange = "code_exchange"
)

func hasCapture(steps []Step, name string) bool {
	for _, s := range steps {
		if _, ok := s.Capture[name]; ok {
			return true
		}
	}
	return false
}

// builder compiles actions for this run's account (with or without a tenant domain).
func (g *generator) builder() func([]action) []Step {
	hasDomain := g.has(varDomain)
	return func(acts []action) []Step { return tokenSteps(hasDomain, acts) }
}

// credBody is the run's account with the given password expression.
func (g *generator) credBody(password string) map[string]any {
	b := map[string]any{"username": "${username}", "password": password}
	if g.has(varDomain) {
		b["domain"] = "${domain}"
	}
	return b
}

// stateful draws a lifecycle sequence: a random walk over the token (or web session)
// lifecycle, then 2FA or forgot/reset when the run can read mail.
func (g *generator) stateful(r *rand.Rand) *Case {
	if !g.has(varUsername, varPassword) {
		return nil
	}
	// Each family runs when one of its operations is selected.
	twofa := g.has(varTwofaUsername, varTwofaPassword) && (g.selectedOp("verifyOTP") || g.selectedOp("sendOTP"))
	reset := g.mail && g.allowMutations && (g.selectedOp("forgetPassword") || g.selectedOp("resetPassword"))
	web := g.selectedOp("login") || g.selectedOp("getLoginStatus") || g.selectedOp("logout")
	tokens := g.selectedOp("signInWithCredentials") || g.selectedOp("getUserAuthInfo") || g.selectedOp("refreshToken") || g.selectedOp("signOut")
	oauth := g.selectedOp("oauthToken") || g.selectedOp("oauthRevoke")
	// The code grant needs the mock's simulated identity provider, and the PKCE
	// challenge on the Microsoft sign-in is pbxauth's own addition.
	code := g.mock && g.has(varMS365Domain, varMS365Username) && (g.selectedOp("oauthToken") || g.selectedOp("signInWithSocialAccount"))
	switch n := r.IntN(10); {
	case n == 0 && twofa && g.mail:
		return g.twoFactor(r)
	case n == 0 && twofa && g.probesSent < g.probeCap:
		// Without mail: a wrong code for a fresh challenge must still be refused.
		g.probesSent++
		return g.twoFactorWrongCode(r)
	case n == 1 && reset:
		return g.resetFlow(r)
	case n == 4 && code, n == 5 && !oauth && code:
		return g.codeWalk(r)
	case n == 5 && oauth, !tokens && !web && oauth:
		return g.oauthWalk(r)
	case n < 4 && web, !tokens && web:
		return g.webWalk(r)
	case !tokens:
		return nil
	}
	acts, _ := randomWalk(r, actSignIn, 3+r.IntN(8), tokenMoves)
	c := &Case{Kind: KindStateful, Op: "refreshToken", Name: "token lifecycle", actions: acts, builder: g.builder()}
	c.Steps = c.builder(acts)
	return c
}

// move is one kind of step of a random lifecycle walk, drawn by weight.
type move struct {
	weight int
	kinds  []string // one is picked when there are several
	grows  bool     // it makes a pair (a sign-in, a refresh)
	// pairless moves draw no pair: a sign-in, or the reuse of the first pair, the
	// one most likely ended by then.
	pairless bool
}

// tokenMoves walk /auth/sign_in, /auth/user, /auth/refresh_token and /auth/sign_out.
var tokenMoves = []move{
	{weight: 3, kinds: []string{actWhoAmI}},
	{weight: 3, kinds: []string{actRefresh}, grows: true},
	{weight: 2, kinds: []string{actSignOut}},
	{weight: 1, kinds: []string{actGarbage, actSwap}},
	{weight: 1, kinds: []string{actSignIn}, grows: true, pairless: true},
	{weight: 2, kinds: []string{actRefresh, actWhoAmI, actSignOut}, pairless: true},
}

// randomWalk starts with start (which makes the first pair) and takes n moves; pairs
// is how many pairs the walk made.
func randomWalk(r *rand.Rand, start string, n int, moves []move) (acts []action, pairs int) {
	acts = []action{{kind: start}}
	pairs, total := 1, 0
	for _, m := range moves {
		total += m.weight
	}
	for range n {
		k := r.IntN(total)
		m := moves[0]
		for _, m = range moves {
			if k < m.weight {
				break
			}
			k -= m.weight
		}
		a := action{kind: m.kinds[0]}
		if len(m.kinds) > 1 {
			a.kind = pick(r, m.kinds)
		}
		if !m.pairless {
			a.pair = r.IntN(pairs)
		}
		if m.grows {
			pairs++
		}
		acts = append(acts, a)
	}
	return acts, pairs
}

func (g *generator) webWalk(r *rand.Rand) *Case {
	var acts []action
	if r.IntN(3) == 0 {
		acts = append(acts, action{kind: actLoginStatus})
	}
	acts = append(acts, action{kind: actLogin}, action{kind: actLoginStatus})
	for range 2 + r.IntN(5) {
		acts = append(acts, action{kind: pick(r, []string{actLoginStatus, actLogout, actWebToken, actWebToken, actLogin})})
	}
	acts = append(acts, action{kind: actLogout}, action{kind: actLoginStatus}, action{kind: actWebToken})
	c := &Case{Kind: KindStateful, Op: "login", Name: "web session lifecycle", actions: acts, builder: g.builder()}
	c.Steps = c.builder(acts)
	return c
}

func (g *generator) twoFactorSignIn() Step {
	body := map[string]any{"username": "${twofa_username}", "password": "${twofa_password}"}
	if g.has(varTwofaDomain) {
		body["domain"] = "${twofa_domain}"
	}
	return Step{Op: "signInWithCredentials", Body: body, HasBody: true, Capture: map[string]string{"challenge": "token"},
		Expect: accepted(CheckSequence, "sign in an account with two-factor authentication")}
}

// twoFactorWrongCode needs no mail: a made-up code for a real challenge is refused.
func (g *generator) twoFactorWrongCode(r *rand.Rand) *Case {
	steps := []Step{g.twoFactorSignIn(),
		{Op: "verifyOTP", Body: map[string]any{"token": "${challenge}", "code": pick(r, []string{"fz" + randString(r, "0123456789", 4), "", "abcdef"})},
			HasBody: true, Expect: refused(CheckInvalidRefused, LevelContract, "a made-up one-time code for a real challenge")},
	}
	return &Case{Kind: KindStateful, Op: "verifyOTP", Name: "two-factor sign-in with a made-up code", Steps: steps, RealAccount: true}
}

// twoFactor signs in an account with 2FA, reads the code from the mail and checks a
// wrong code, the right code, and the right code again (single use).
func (g *generator) twoFactor(r *rand.Rand) *Case {
	steps := []Step{
		g.twoFactorSignIn(),
		{Op: "sendOTP", Body: map[string]any{"token": "${challenge}"}, HasBody: true, Expect: accepted(CheckSequence, "send the one-time code")},
		{Mail: "otp", MailUser: "${twofa_username}", MailToken: "${challenge}", MailDomain: g.refIf(varTwofaDomain), Capture: map[string]string{"code": "code"}},
	}
	right := accepted(CheckSequence, "the right one-time code")
	if r.IntN(2) == 0 {
		steps = append(steps, Step{Op: "verifyOTP", Body: map[string]any{"token": "${challenge}", "code": "fz" + randString(r, "0123456789", 4)}, HasBody: true,
			Expect: refused(CheckInvalidRefused, LevelContract, "a wrong one-time code")})
		// PortSIP does not say whether a challenge survives a wrong code (a PBX may
		// end it at once): the right code after one is the mock's rule only.
		right = Expect{Accepted: true, Check: CheckSequence, Level: LevelMock, Why: "the right one-time code after a wrong one (the mock keeps the challenge)"}
	}
	steps = append(steps,
		Step{Op: "verifyOTP", Body: map[string]any{"token": "${challenge}", "code": "${code}"}, HasBody: true, Expect: right},
		Step{Op: "verifyOTP", Body: map[string]any{"token": "${challenge}", "code": "${code}"}, HasBody: true,
			Expect: refused(CheckEndedStaysEnded, LevelRecommended, "the same one-time code a second time")},
	)
	return &Case{Kind: KindStateful, Op: "verifyOTP", Name: "two-factor sign-in", Steps: steps}
}

// resetFlow changes the account's password through a reset link, checks that the old
// password and the used link are dead, then puts the old password back.
func (g *generator) resetFlow(r *rand.Rand) *Case {
	newPass := "Fz#" + randString(r, alnum, 10) + "9a"
	forget := func(n int) []Step {
		body := map[string]any{"username": "${username}", "callback_url": "https://app.example.com/reset"}
		if g.has(varDomain) {
			body["domain"] = "${domain}"
		}
		return []Step{
			{Op: "forgetPassword", Body: body, HasBody: true, Expect: accepted(CheckSequence, "forgot password for the run's account")},
			{Mail: "reset", MailUser: "${username}", MailDomain: g.refIf(varDomain), Capture: map[string]string{fmt.Sprintf("reset_%d", n): "token"}},
		}
	}
	steps := forget(1)
	steps = append(steps,
		Step{Op: "resetPassword", Body: map[string]any{"token": "${reset_1}", "new_password": newPass}, HasBody: true,
			Expect: accepted(CheckSequence, "set a new password with the link")},
		Step{Op: "signInWithCredentials", Body: g.credBody(newPass), HasBody: true, Expect: accepted(CheckSequence, "the new password signs in")},
		Step{Op: "signInWithCredentials", Body: g.credBody("${password}"), HasBody: true,
			Expect: refused(CheckEndedStaysEnded, LevelContract, "the old password after a reset")},
		Step{Op: "resetPassword", Body: map[string]any{"token": "${reset_1}", "new_password": "Fz#" + randString(r, alnum, 10) + "8b"}, HasBody: true,
			Expect: refused(CheckEndedStaysEnded, LevelRecommended, "the same reset link a second time")},
	)
	steps = append(steps, forget(2)...)
	steps = append(steps, Step{Op: "resetPassword", Body: map[string]any{"token": "${reset_2}", "new_password": "${password}"}, HasBody: true,
		Expect: accepted(CheckSequence, "put the old password back")})
	return &Case{Kind: KindStateful, Op: "resetPassword", Name: "forgot and reset password", Steps: steps, Mutating: true}
}

// credentialProbe checks that the password is compared exactly and that a wrong
// password and an unknown account answer alike. It sends one wrong password for the
// run's real account, then signs in correctly (many lockout policies count only
// consecutive failures); real targets get a few such probes per run at most.
// probeOps are the operations that take a password, in the order probes visit them.
var probeOps = []string{"signInWithCredentials", "login", "oauthToken"}

func (g *generator) credentialProbe(r *rand.Rand) *Case {
	real, ok := g.realCredentials()
	if !ok || g.probesSent >= g.probeCap {
		return nil
	}
	// Probes take turns (sign-in, then the web login; a case-flipped password, then
	// a wrong one beside an unknown account), so even a run of 4 tries each kind.
	k := g.probesSent
	var op string
	for i := range probeOps {
		if o := probeOps[(k/2+i)%len(probeOps)]; g.selectedOp(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil
	}
	g.probesSent++
	if op == "oauthToken" {
		real = g.oauthPassword("${password}")
	}
	wrong := cloneMap(real)
	var steps []Step
	name := ""
	if flipped, ok := flipCase(g.vars[varPassword]); ok && k%2 == 0 {
		wrong["password"] = flipped
		name = "the password with its letters' case flipped"
		steps = append(steps, Step{Op: op, Body: wrong, HasBody: true, Expect: refused(CheckExactCreds, LevelContract, name)})
	} else {
		wrong["password"] = pick(r, []string{"${password}x", "x${password}", randPassword(r), ""})
		unknown := cloneMap(wrong)
		unknown["username"] = unknownUser(r, 6+r.IntN(8))
		name = "a wrong password and an unknown account answer alike"
		steps = append(steps,
			Step{Op: op, Body: unknown, HasBody: true, Expect: refused(CheckExactCreds, LevelContract, "an account that does not exist")},
			Step{Op: op, Body: wrong, HasBody: true, Expect: Expect{Refused: true, Check: CheckExactCreds, Level: LevelContract, SameAs: 1,
				Why: "a wrong password for the run's account, answered as the unknown account was"}},
		)
	}
	steps = append(steps, Step{Op: op, Body: real, HasBody: true, Expect: accepted(CheckSequence, "the right password still signs in")})
	return &Case{Kind: KindNegative, Op: op, Name: name, Steps: steps, RealAccount: true}
}

// refIf is ${name} when the run has that variable, else "".
func (g *generator) refIf(name string) string {
	if g.has(name) {
		return "${" + name + "}"
	}
	return ""
}
