package fuzz

import (
	"fmt"
	"math/rand/v2"

	"github.com/pbxauth/pbxauth/apiclient"
)

// Lifecycles through the OAuth 2.0 endpoints of PortSIP's guide: the password and
// refresh grants and revoke (contract where the guide says so), and the
// authorization-code grant with PKCE through the mock's simulated identity provider
// (mock level: the code_challenge on the Microsoft sign-in is pbxauth's addition, so
// no real PBX is held to it).

// What became of an authorization code.
type codeLife int

const (
	codeFresh  codeLife = iota
	codeUsed            // traded for a pair
	codeBurned          // a failed exchange: whether it still works is the PBX's choice
)

type codeState struct {
	life     codeLife
	verifier string
	pair     int // the pair it was traded for (codeUsed)
}

// Mistakes a code exchange can make, each of which must cost it the tokens.
const (
	exchangeRight       = "right"
	exchangeWrongVerif  = "wrong_verifier"
	exchangeNoVerifier  = "no_verifier"
	exchangeWrongRedir  = "wrong_redirect_uri"
	exchangeWrongClient = "wrong_client_id"
)

const (
	otherClientID        = "00000000-0000-4000-8000-000000000000"
	pkceVerifierAlphabet = alnum + "-._~" // RFC 7636 4.1: unreserved characters
)

var exchangeMistakes = []string{exchangeWrongVerif, exchangeNoVerifier, exchangeWrongRedir, exchangeWrongClient}

// randVerifier is an RFC 7636 code_verifier: 43 to 128 unreserved characters.
func randVerifier(r *rand.Rand) string {
	return randString(r, pkceVerifierAlphabet, pick(r, []int{43, 44, 64, 127, 128}))
}

func endedBy(p *pairState) string {
	if p.oauth {
		return "revoked"
	}
	return "signed out"
}

func (lc *lifecycle) oauthGrant() map[string]any {
	b := map[string]any{"grant_type": "password", "username": "${username}", "password": "${password}", "scope": "all", "client_id": oauthClientID}
	if lc.hasDomain {
		b["domain"] = "${domain}"
	}
	return b
}

func (lc *lifecycle) oauthSignIn() {
	lc.newSession()
	lc.pairs = append(lc.pairs, pairState{oauth: true})
	lc.add(Step{Op: "oauthToken", Body: lc.oauthGrant(), HasBody: true,
		Capture: pairCaptures(len(lc.pairs)), Expect: accepted(CheckSequence, "the password grant for the run's account")})
}

// revoke ends a pair's access token (the guide: revoke ends the bearer token it is
// sent with). Its refresh token is left to the PBX (RFC 7009 section 2.1).
func (lc *lifecycle) revoke(pair int) {
	if pair >= len(lc.pairs) || !lc.pairs[pair].oauth {
		return
	}
	p := &lc.pairs[pair]
	st := Step{Op: "oauthRevoke", Token: fmt.Sprintf("${access_%d}", pair+1)}
	switch p.access {
	case alive:
		st.Expect = accepted(CheckSequence, fmt.Sprintf("revoke the live access token of pair %d", pair+1))
		p.access, p.refresh = endedContract, unknown
	case endedContract:
		// Revoking what is already revoked may answer 200 (RFC 7009 2.2) or 401
		// (RFC 6750 3.1): only the checks every answer gets apply.
		st.Expect = Expect{Why: fmt.Sprintf("revoke the access token of pair %d again", pair+1)}
	default:
		return
	}
	lc.add(st)
}

// codeStart begins a Microsoft sign-in with a PKCE challenge and has the mock's
// identity provider send the account back with a code (captured as code_N).
func (lc *lifecycle) codeStart(verifier string) {
	lc.codes = append(lc.codes, codeState{verifier: verifier})
	n := len(lc.codes)
	lc.add(Step{Op: "signInWithSocialAccount", Params: map[string]string{"provider": "microsoft"}, HasBody: true,
		Body: map[string]any{"domain": "${ms365_domain}", "callback_url": callbackURL, "code_challenge": apiclient.PKCEChallenge(verifier),
			"code_challenge_method": "S256", "client_id": oauthClientID},
		Capture: map[string]string{fmt.Sprintf("idp_url_%d", n): "url"},
		Expect:  Expect{Accepted: true, Check: CheckSequence, Level: LevelMock, Why: fmt.Sprintf("Microsoft sign-in %d with a PKCE challenge", n)}})
	lc.add(Step{Method: "GET", Path: fmt.Sprintf("${idp_url_%d}&login_hint=${ms365_username}", n),
		CaptureLocation: map[string]string{fmt.Sprintf("code_%d", n): "code"},
		Expect:          Expect{Why: fmt.Sprintf("the identity provider sends sign-in %d back with a code", n)}})
}

// codeExchange trades code a.pair at the token endpoint, rightly or with a.arg's
// mistake. A code works once, and only with its verifier, redirect_uri and client_id
// (RFC 6749 4.1.2 and 4.1.3, RFC 7636 4.6).
func (lc *lifecycle) codeExchange(a action) {
	if a.pair >= len(lc.codes) || lc.codes[a.pair].life == codeBurned {
		return
	}
	c := &lc.codes[a.pair]
	n := a.pair + 1
	body := map[string]any{"grant_type": "authorization_code", "code": fmt.Sprintf("${code_%d}", n), "redirect_uri": callbackURL,
		"code_verifier": c.verifier, "client_id": oauthClientID}
	st := Step{Op: "oauthToken", Body: body, HasBody: true}
	switch {
	case c.life == codeUsed:
		st.Expect = refused(CheckEndedStaysEnded, LevelMock, fmt.Sprintf("the code of sign-in %d a second time", n))
		// A replayed code may revoke what it gave (RFC 6749 4.1.2: SHOULD), and with
		// it every pair refreshed from that one: any pair made since may be one.
		for i := c.pair; i < len(lc.pairs); i++ {
			lc.pairs[i].access, lc.pairs[i].refresh = unknown, unknown
		}
	case a.arg == exchangeRight:
		st.Expect = Expect{Accepted: true, Check: CheckSequence, Level: LevelMock, Why: fmt.Sprintf("the code of sign-in %d with its verifier", n)}
		lc.newSession()
		lc.pairs = append(lc.pairs, pairState{oauth: true})
		st.Capture = pairCaptures(len(lc.pairs))
		c.life, c.pair = codeUsed, len(lc.pairs)-1
	default:
		why := map[string]string{
			exchangeWrongVerif:  "another code_verifier",
			exchangeNoVerifier:  "no code_verifier",
			exchangeWrongRedir:  "another redirect_uri",
			exchangeWrongClient: "another client_id",
		}[a.arg]
		switch a.arg {
		case exchangeWrongVerif:
			body["code_verifier"] = pkceVerifierOther(c.verifier)
		case exchangeNoVerifier:
			delete(body, "code_verifier")
		case exchangeWrongRedir:
			body["redirect_uri"] = callbackURL + "/other"
		case exchangeWrongClient:
			body["client_id"] = otherClientID
		default:
			return
		}
		st.Expect = refused(CheckInvalidRefused, LevelMock, fmt.Sprintf("the code of sign-in %d with %s", n, why))
		c.life = codeBurned
	}
	lc.add(st)
}

// pkceVerifierOther is a valid verifier that is not v: its last character changed.
func pkceVerifierOther(v string) string {
	last := v[len(v)-1]
	next := pkceVerifierAlphabet[0]
	if last == next {
		next = pkceVerifierAlphabet[1]
	}
	return v[:len(v)-1] + string(next)
}

// oauthMoves walk the guide's token endpoint, revoke and /auth/user.
var oauthMoves = []move{
	{weight: 3, kinds: []string{actWhoAmI}},
	{weight: 2, kinds: []string{actOAuthRefresh}, grows: true},
	{weight: 2, kinds: []string{actRevoke}},
	{weight: 1, kinds: []string{actOAuthSignIn}, grows: true, pairless: true},
	{weight: 2, kinds: []string{actOAuthRefresh, actWhoAmI, actRevoke}, pairless: true},
}

// oauthWalk is a random walk over the guide's token endpoint: password grant, the
// access token at work, refresh grant, revoke, and reuse of what was ended.
func (g *generator) oauthWalk(r *rand.Rand) *Case {
	acts, pairs := randomWalk(r, actOAuthSignIn, 3+r.IntN(6), oauthMoves)
	if r.IntN(2) == 0 {
		// Revoke, then try the revoked token: the guide's promise, sent often.
		p := r.IntN(pairs)
		acts = append(acts, action{kind: actRevoke, pair: p}, action{kind: actWhoAmI, pair: p})
	}
	op := "oauthToken"
	if r.IntN(2) == 0 {
		op = "oauthRevoke" // the walks are about both; half are counted for each
	}
	c := &Case{Kind: KindStateful, Op: op, Name: "OAuth token lifecycle", actions: acts, builder: g.builder()}
	c.Steps = c.builder(acts)
	return c
}

// codeWalk signs in through the simulated identity provider a few times and trades
// the codes rightly, wrongly and twice, using the pairs they give in between.
func (g *generator) codeWalk(r *rand.Rand) *Case {
	acts := []action{{kind: actCodeStart, arg: randVerifier(r)}}
	codes, pairs := 1, 0
	for range 2 + r.IntN(6) {
		switch k := r.IntN(10); {
		case k < 4:
			arg := exchangeRight
			if r.IntN(2) == 0 {
				arg = pick(r, exchangeMistakes)
			}
			acts = append(acts, action{kind: actCodeExchange, pair: r.IntN(codes), arg: arg})
			pairs++
		case k < 6:
			acts = append(acts, action{kind: actCodeStart, arg: randVerifier(r)})
			codes++
		case k < 7:
			acts = append(acts, action{kind: actCodeExchange, pair: r.IntN(codes), arg: exchangeRight})
			pairs++
		default:
			acts = append(acts, action{kind: pick(r, []string{actWhoAmI, actOAuthRefresh, actRevoke}), pair: r.IntN(max(pairs, 1))})
		}
	}
	// End on the newest code traded rightly, then maybe once more.
	acts = append(acts, action{kind: actCodeExchange, pair: codes - 1, arg: exchangeRight})
	if r.IntN(2) == 0 {
		acts = append(acts, action{kind: actCodeExchange, pair: codes - 1, arg: exchangeRight})
	}
	c := &Case{Kind: KindStateful, Op: "oauthToken", Name: "authorization code with PKCE", actions: acts, builder: g.builder()}
	c.Steps = c.builder(acts)
	return c
}
