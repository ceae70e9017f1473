package fuzz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// Mode selects which cases a run generates.
type Mode string

const (
	ModePositive Mode = "positive" // valid requests and lifecycle sequences
	ModeNegative Mode = "negative" // one rule broken at a time, credential probes
	ModeAll      Mode = "all"
)

// Variables the generator reads, named as in the built-in suite.
const (
	varUsername      = "username"
	varPassword      = "password"
	varDomain        = "domain"
	varTwofaUsername = "twofa_username"
	varTwofaPassword = "twofa_password"
	varTwofaDomain   = "twofa_domain"
	varMS365Domain   = "ms365_domain"
	varMS365Username = "ms365_username" // an account of that tenant at the identity provider
)

// generator makes cases. It holds no network state: the same seed and config give
// the same cases.
type generator struct {
	ops            []opSpec
	selected       []opSpec
	vars           map[string]string
	mock           bool // the target is pbxauth's mock: mock-level checks apply
	mail           bool // one-time codes and reset links can be read
	allowMutations bool
	mode           Mode
	// probeCap bounds the wrong passwords sent for the real account in a run (a few
	// on a real PBX, so no lockout policy is reached); probesSent counts them.
	probeCap, probesSent int
}

func (g *generator) has(names ...string) bool {
	for _, n := range names {
		if g.vars[n] == "" {
			return false
		}
	}
	return true
}

func (g *generator) selectedOp(id string) bool {
	return slices.ContainsFunc(g.selected, func(o opSpec) bool { return o.ID == id })
}

// next draws one case.
func (g *generator) next(r *rand.Rand) *Case {
	for range 20 {
		var c *Case
		roll := r.IntN(10)
		switch {
		case g.mode == ModePositive && roll < 7, g.mode == ModeAll && roll < 4:
			c = g.positive(r, pick(r, g.selected))
		case g.mode == ModeNegative && roll < 8, g.mode == ModeAll && roll < 8:
			c = g.negative(r, pick(r, g.selected))
		case g.mode == ModeNegative:
			c = g.credentialProbe(r)
		default:
			if r.IntN(4) == 0 {
				c = g.credentialProbe(r)
			} else {
				c = g.stateful(r)
			}
		}
		if c != nil && (!c.Mutating || g.allowMutations) {
			return c
		}
	}
	return g.positive(r, pick(r, g.selected))
}

func single(kind Kind, op, name string, st Step) *Case {
	st.Op = op
	return &Case{Kind: kind, Op: op, Name: name, Steps: []Step{st}}
}

func refused(check string, level Level, why string) Expect {
	return Expect{Refused: true, Check: check, Level: level, Why: why}
}

func accepted(check, why string) Expect {
	return Expect{Accepted: true, Check: check, Level: LevelContract, Why: why}
}

// realCredentials is the run's account as variable references; ok is false without one.
func (g *generator) realCredentials() (map[string]any, bool) {
	if !g.has(varUsername, varPassword) {
		return nil, false
	}
	body := map[string]any{"username": "${username}", "password": "${password}"}
	if g.vars[varDomain] != "" {
		body["domain"] = "${domain}"
	}
	return body, true
}

func (g *generator) domainRef(r *rand.Rand) any {
	if g.vars[varDomain] != "" && r.IntN(3) > 0 {
		return "${domain}"
	}
	return domainOfLen(r, 3+r.IntN(30))
}

const callbackURL = "https://app.example.com/callback"

// positive builds a valid request for op. Where the run has a real account the request
// uses it and must succeed; otherwise it uses accounts and tokens that don't exist.
func (g *generator) positive(r *rand.Rand, op opSpec) *Case {
	switch op.ID {
	case "retrieveMetadata":
		return g.metadataPositive(r, op)
	case "signInWithCredentials", "login":
		return g.signInPositive(r, op)
	case "signInWithSocialAccount":
		return g.socialPositive(r, op)
	case "loginWithMicrosoft":
		st := Step{Body: map[string]any{"domain": g.domainRef(r)}, HasBody: true, Expect: Expect{Why: "Microsoft web login"}}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "forgetPassword":
		return g.forgotPositive(r, op)
	case "sendOTP":
		st := Step{Body: map[string]any{"token": randToken(r)}, HasBody: true, Expect: Expect{Why: "a session token that does not exist"}}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "verifyOTP":
		st := Step{Body: map[string]any{"token": randToken(r), "code": randString(r, "0123456789", 6)}, HasBody: true,
			Expect: refused(CheckInvalidRefused, LevelContract, "a code for a session token that does not exist")}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "resetPassword":
		st := Step{Body: map[string]any{"token": randToken(r), "new_password": randPassword(r)}, HasBody: true,
			Expect: refused(CheckInvalidRefused, LevelContract, "a reset token that does not exist")}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "refreshToken":
		st := Step{Body: map[string]any{"refresh_token": randToken(r)}, HasBody: true,
			Expect: refused(CheckInvalidRefused, LevelContract, "a refresh token that does not exist")}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "oauthToken":
		return g.oauthPositive(r, op)
	case "getUserAuthInfo", "signOut":
		return g.bearerProbe(r, op)
	case "getLoginStatus":
		st := Step{Expect: refused(CheckBearerRequired, LevelContract, "no session cookie")}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	case "logout":
		return single(KindPositive, op.ID, "no session cookie", Step{})
	}
	return g.genericPositive(r, op)
}

// metadataPositive asks for the system's metadata, the run's tenant's, or a
// domain's that may not exist.
func (g *generator) metadataPositive(r *rand.Rand, op opSpec) *Case {
	st := Step{Expect: accepted(CheckValidAccepted, "system metadata")}
	switch r.IntN(3) {
	case 0:
		if g.has(varDomain) {
			st.Params = map[string]string{"domain": "${domain}"}
			st.Expect.Why = "tenant metadata"
		}
	case 1:
		// Any domain string: documented is only that the answer is 200 or 4XX.
		st.Params = map[string]string{"domain": domainOfLen(r, pick(r, []int{1, 12, 280, 281}))}
		st.Expect = Expect{Why: "metadata of a domain that may not exist"}
	}
	return single(KindPositive, op.ID, st.Expect.Why, st)
}

// signInPositive signs in with the run's account, or with one that does not
// exist when the run has none.
func (g *generator) signInPositive(r *rand.Rand, op opSpec) *Case {
	if body, ok := g.realCredentials(); ok {
		st := Step{Body: body, HasBody: true, Expect: accepted(CheckValidAccepted, "the run's account and password")}
		if op.ID == "signInWithCredentials" && r.IntN(2) == 0 {
			st.Params = map[string]string{"qr": fmt.Sprint(r.IntN(2) == 0)}
		}
		return single(KindPositive, op.ID, st.Expect.Why, st)
	}
	name := unknownUser(r, validUsernameLen(r))
	st := Step{Body: map[string]any{"username": name, "password": randPassword(r), "domain": g.domainRef(r)}, HasBody: true,
		Expect: refused(CheckExactCreds, LevelContract, fmt.Sprintf("an account that does not exist (username of %d characters)", len(name)))}
	return single(KindPositive, op.ID, st.Expect.Why, st)
}

// socialPositive starts a Microsoft sign-in, for the run's Microsoft 365
// tenant when it has one.
func (g *generator) socialPositive(r *rand.Rand, op opSpec) *Case {
	st := Step{Params: map[string]string{"provider": "microsoft"}, HasBody: true,
		Body: map[string]any{"domain": g.domainRef(r), "callback_url": callbackURL}, Expect: Expect{Why: "Microsoft sign-in"}}
	if g.has(varMS365Domain) && r.IntN(2) == 0 {
		st.Body.(map[string]any)["domain"] = "${ms365_domain}"
		st.Expect = accepted(CheckValidAccepted, "Microsoft sign-in for a tenant with Microsoft 365")
	}
	return single(KindPositive, op.ID, st.Expect.Why, st)
}

// forgotPositive asks for a reset of an account that does not exist: nothing
// is mailed. PortSIP documents only 200 and 4XX; answering as for a real
// account is the advice (no enumeration), checked where the tenant is the
// run's own.
func (g *generator) forgotPositive(r *rand.Rand, op opSpec) *Case {
	body := map[string]any{"username": unknownUser(r, validUsernameLen(r)), "callback_url": callbackURL}
	st := Step{Body: body, HasBody: true, Expect: Expect{Why: "forgot password for an account that does not exist"}}
	switch {
	case g.has(varDomain) && r.IntN(3) > 0:
		body["domain"] = "${domain}"
		st.Expect = Expect{Accepted: true, Check: CheckNoEnumeration, Level: LevelRecommended,
			Why: "forgot password for an account of the run's tenant that does not exist"}
	case r.IntN(2) == 0:
		body["domain"] = domainOfLen(r, pick(r, []int{1, 9, 30, rules.DomainMaxLen}))
	}
	return single(KindPositive, op.ID, st.Expect.Why, st)
}

// genericPositive fills an operation the generator has no special knowledge of (one
// added to the document later) from its schema alone: only the global checks apply.
func (g *generator) genericPositive(r *rand.Rand, op opSpec) *Case {
	st := Step{}
	for _, p := range op.Params {
		if p.Required || r.IntN(2) == 0 {
			if st.Params == nil {
				st.Params = map[string]string{}
			}
			st.Params[p.Name] = randString(r, alnum, 1+r.IntN(12))
		}
	}
	if op.ContentType != "" {
		body := map[string]any{}
		for _, f := range op.Fields {
			if f.Required || r.IntN(2) == 0 {
				body[f.Name] = validValue(r, f)
			}
		}
		st.Body, st.HasBody = body, true
	}
	return single(KindPositive, op.ID, "valid by the schema", st)
}

func validValue(r *rand.Rand, f fieldSpec) any {
	switch f.Type {
	case "boolean":
		return r.IntN(2) == 0
	case "integer", "number":
		return r.IntN(1000)
	}
	if f.Username {
		return unknownUser(r, validUsernameLen(r))
	}
	n := 1 + r.IntN(16)
	if f.MaxLength > 0 && n > f.MaxLength {
		n = f.MaxLength
	}
	return randString(r, alnum, n)
}

// bearerProbe sends a protected operation without a bearer or with a garbage one.
// GET /auth/user documents its 401; a sign-out that answers 200 whatever the token
// (nothing to end) breaks only the advice.
func (g *generator) bearerProbe(r *rand.Rand, op opSpec) *Case {
	lvl := LevelContract
	if op.ID == "signOut" {
		lvl = LevelRecommended
	}
	st := Step{}
	switch r.IntN(3) {
	case 0:
		st.Expect = refused(CheckBearerRequired, lvl, "no bearer token")
	case 1:
		st.Token = randToken(r)
		st.Expect = refused(CheckBearerRequired, lvl, "a bearer token the PBX never issued")
	default:
		st.Token = pick(r, []string{"null", "undefined", "Bearer", "0", "-", "' OR '1'='1", strings.Repeat("A", 48)})
		st.Expect = refused(CheckBearerRequired, lvl, "a garbage bearer token")
	}
	return single(KindPositive, op.ID, st.Expect.Why, st)
}

// oauthClientID is the fixed client_id of PortSIP's authentication guide.
const oauthClientID = apiclient.OAuthClientID

// oauthPassword is the guide's password grant for the run's account with password pw.
func (g *generator) oauthPassword(pw string) map[string]any {
	b := map[string]any{"grant_type": "password", "username": "${username}", "password": pw, "scope": "all", "client_id": oauthClientID}
	if g.has(varDomain) {
		b["domain"] = "${domain}"
	}
	return b
}

// oauthPositive: the guide's password grant succeeds for the run's account; an
// account that does not exist and a refresh token never issued are refused (400).
func (g *generator) oauthPositive(r *rand.Rand, op opSpec) *Case {
	var st Step
	switch {
	case r.IntN(3) == 0:
		st = Step{Body: map[string]any{"grant_type": "refresh_token", "refresh_token": randToken(r), "client_id": oauthClientID},
			Expect: refused(CheckInvalidRefused, LevelContract, "the refresh grant with a token never issued")}
	case g.has(varUsername, varPassword) && r.IntN(2) == 0:
		st = Step{Body: g.oauthPassword("${password}"), Expect: accepted(CheckValidAccepted, "the password grant for the run's account")}
	default:
		b := g.oauthPassword(randPassword(r))
		b["username"] = unknownUser(r, validUsernameLen(r))
		st = Step{Body: b, Expect: refused(CheckExactCreds, LevelContract, "the password grant for an account that does not exist")}
	}
	st.HasBody = true
	return single(KindPositive, op.ID, st.Expect.Why, st)
}
