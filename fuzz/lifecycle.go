package fuzz

import "fmt"

// What a token is known to be, as the sequence goes.
type life int

const (
	alive life = iota
	endedContract
	endedRecommended
	unknown // a PBX may answer either way: no expectation
)

// pairState is one token pair; oauth pairs came from the guide's token endpoint and
// are renewed and revoked there (whether the two endpoints' tokens mix is not
// documented, so a sequence never mixes them).
type pairState struct {
	access, refresh life
	oauth           bool
}

// lifecycle simulates the token and web-session lifecycle along a list of actions and
// turns each action into a step with what the documents say its answer must be.
// Actions that make no sense in the state reached (a pair that does not exist, a token
// in an unknown state) are dropped, so a shrunk action list still compiles to a
// meaningful sequence.
type lifecycle struct {
	hasDomain bool
	pairs     []pairState
	web       life // the web session: unknown until a login
	webSeen   bool // a login happened: before it GET /login must say 401
	webToken  life // the access token GET /login handed out (web_access)
	codes     []codeState
	steps     []Step
}

func tokenSteps(hasDomain bool, acts []action) []Step {
	lc := &lifecycle{hasDomain: hasDomain, web: unknown, webToken: unknown}
	for _, a := range acts {
		switch a.kind {
		case actSignIn:
			lc.signIn()
		case actWhoAmI, actSignOut:
			lc.useAccess(a)
		case actRefresh:
			lc.refresh(a.pair, false)
		case actOAuthSignIn:
			lc.oauthSignIn()
		case actOAuthRefresh:
			lc.refresh(a.pair, true)
		case actRevoke:
			lc.revoke(a.pair)
		case actCodeStart:
			lc.codeStart(a.arg)
		case actCodeExchange:
			lc.codeExchange(a)
		case actSwap:
			lc.swap(a.pair)
		case actGarbage:
			if len(lc.pairs) > 0 {
				lc.add(Step{Op: "getUserAuthInfo", Token: "${access_1}x",
					Expect: refused(CheckBearerRequired, LevelContract, "a live access token with one character added")})
			}
		case actLogin:
			lc.add(Step{Op: "login", Body: lc.cred(), HasBody: true, Expect: accepted(CheckSequence, "web login with the run's account")})
			// Whether a new login keeps the earlier session's access token is open.
			lc.web, lc.webSeen, lc.webToken = alive, true, unknown
		case actLoginStatus:
			lc.loginStatus()
		case actLogout:
			if lc.web == alive {
				lc.add(Step{Op: "logout", Expect: accepted(CheckSequence, "logout of the open web session")})
				// The session ends (GET /login says 401); whether its access token, a
				// bearer token of its own, dies with it is not documented.
				lc.web, lc.webToken = endedContract, unknown
			}
		case actWebToken:
			if hasCapture(lc.steps, "web_access") && lc.webToken == alive {
				lc.add(Step{Op: "getUserAuthInfo", Token: "${web_access}",
					Expect: accepted(CheckSequence, "the web session's access token opens who-am-I")})
			}
		}
	}
	return lc.steps
}

func (lc *lifecycle) add(st Step) { lc.steps = append(lc.steps, st) }

func (lc *lifecycle) cred() map[string]any {
	b := map[string]any{"username": "${username}", "password": "${password}"}
	if lc.hasDomain {
		b["domain"] = "${domain}"
	}
	return b
}

func pairCaptures(i int) map[string]string {
	return map[string]string{fmt.Sprintf("access_%d", i): "access_token", fmt.Sprintf("refresh_%d", i): "refresh_token"}
}

func (lc *lifecycle) signIn() {
	lc.newSession()
	lc.pairs = append(lc.pairs, pairState{})
	lc.add(Step{Op: "signInWithCredentials", Body: lc.cred(), HasBody: true,
		Capture: pairCaptures(len(lc.pairs)), Expect: accepted(CheckSequence, "sign in with the run's account")})
}

// newSession: another sign-in of the account leaves the earlier pairs in the PBX's hands.
func (lc *lifecycle) newSession() {
	for i := range lc.pairs {
		// Whether a new sign-in ends older sessions is the PBX's choice.
		if lc.pairs[i].access == alive {
			lc.pairs[i].access = unknown
		}
		if lc.pairs[i].refresh == alive {
			lc.pairs[i].refresh = unknown
		}
	}
}

// useAccess is who-am-I or sign-out with a pair's access token.
func (lc *lifecycle) useAccess(a action) {
	if a.pair >= len(lc.pairs) || a.kind == actSignOut && lc.pairs[a.pair].oauth {
		return
	}
	p := &lc.pairs[a.pair]
	st := Step{Op: "getUserAuthInfo", Token: fmt.Sprintf("${access_%d}", a.pair+1)}
	if a.kind == actSignOut {
		st.Op = "signOut"
	}
	switch p.access {
	case alive:
		st.Expect = accepted(CheckSequence, fmt.Sprintf("%s with the live access token of pair %d", st.Op, a.pair+1))
	case endedContract:
		// Signing out twice may well answer 200 (nothing left to end): advice only.
		lvl := LevelContract
		if st.Op == "signOut" {
			lvl = LevelRecommended
		}
		st.Expect = refused(CheckEndedStaysEnded, lvl, fmt.Sprintf("%s with the access token of pair %d, which was %s", st.Op, a.pair+1, endedBy(p)))
	case endedRecommended:
		st.Expect = refused(CheckEndedStaysEnded, LevelRecommended, fmt.Sprintf("%s with the access token of pair %d, which was ended", st.Op, a.pair+1))
	default:
		return
	}
	if a.kind == actSignOut && p.access == alive {
		p.access, p.refresh = endedContract, endedRecommended
		for i := range lc.pairs {
			// Signing out other sessions of the account too is the PBX's choice.
			if i != a.pair && lc.pairs[i].access == alive {
				lc.pairs[i].access, lc.pairs[i].refresh = unknown, unknown
			}
		}
	}
	lc.add(st)
}

// refresh renews a pair at /auth/refresh_token, or (oauth) with the guide's refresh grant.
func (lc *lifecycle) refresh(pair int, oauth bool) {
	if pair >= len(lc.pairs) || lc.pairs[pair].oauth != oauth {
		return
	}
	p := &lc.pairs[pair]
	st := Step{Op: "refreshToken", Body: map[string]any{"refresh_token": fmt.Sprintf("${refresh_%d}", pair+1)}, HasBody: true}
	if oauth {
		st = Step{Op: "oauthToken", HasBody: true,
			Body: map[string]any{"grant_type": "refresh_token", "refresh_token": fmt.Sprintf("${refresh_%d}", pair+1), "client_id": oauthClientID}}
	}
	switch p.refresh {
	case alive:
		st.Expect = accepted(CheckSequence, fmt.Sprintf("refresh with the live refresh token of pair %d", pair+1))
		// The old access token: replaced, but whether it dies at once is open.
		p.refresh, p.access = endedRecommended, unknown
		lc.pairs = append(lc.pairs, pairState{oauth: oauth})
		st.Capture = pairCaptures(len(lc.pairs))
	case endedContract, endedRecommended:
		st.Expect = refused(CheckEndedStaysEnded, LevelRecommended, fmt.Sprintf("refresh with the refresh token of pair %d, which was already used or signed out", pair+1))
		for i := pair + 1; i < len(lc.pairs); i++ {
			// Reuse detection may revoke what the token led to (RFC 9700 4.14.2).
			if lc.pairs[i].access == alive {
				lc.pairs[i].access = unknown
			}
			if lc.pairs[i].refresh == alive {
				lc.pairs[i].refresh = unknown
			}
		}
	default:
		return
	}
	lc.add(st)
}

func (lc *lifecycle) loginStatus() {
	st := Step{Op: "getLoginStatus"}
	switch {
	case lc.web == alive:
		st.Expect = accepted(CheckSequence, "GET /login on the open web session")
		st.Capture = map[string]string{"web_access": "access_token"}
		lc.webToken = alive
	case !lc.webSeen:
		st.Expect = refused(CheckBearerRequired, LevelContract, "GET /login without a session")
	case lc.web == endedContract:
		st.Expect = refused(CheckEndedStaysEnded, LevelContract, "GET /login after logout")
	default:
		return
	}
	lc.add(st)
}

// swap uses a pair's tokens in each other's place: a refresh token as the bearer and
// an access token as the refresh token. Neither is that kind of token, whatever
// state the pair is in (RFC 6749 1.5: refresh tokens are only for the token endpoint).
func (lc *lifecycle) swap(pair int) {
	if pair >= len(lc.pairs) {
		return
	}
	n := pair + 1
	lc.add(Step{Op: "getUserAuthInfo", Token: fmt.Sprintf("${refresh_%d}", n),
		Expect: refused(CheckBearerRequired, LevelRecommended, fmt.Sprintf("the refresh token of pair %d as a bearer token", n))})
	lc.add(Step{Op: "refreshToken", Body: map[string]any{"refresh_token": fmt.Sprintf("${access_%d}", n)}, HasBody: true,
		Expect: refused(CheckInvalidRefused, LevelRecommended, fmt.Sprintf("the access token of pair %d as a refresh token", n))})
}
