package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/pbxauth/pbxauth/apiclient"
)

// The OAuth 2.0 token endpoints of PortSIP's authentication guide:
// POST /login/oauth/token (form) and POST /login/oauth/revoke (bearer).

// OAuthClientID is the client_id PortSIP's guide gives for its token endpoint.
const OAuthClientID = apiclient.OAuthClientID

// Answers of the token endpoint. The guide shows a failed login as 400 UNAUTHORIZED
// and a failed refresh as 400 UNKNOWN; the rest are pbxauth's choices in the same
// shape (a failed login, for a refused client or code).
var (
	errBadClient  = preEncoded(http.StatusBadRequest, apiclient.CodeUnauthorized, "Login failed, unknown client_id")
	errNeeds2FA   = preEncoded(http.StatusBadRequest, apiclient.CodeUnauthorized, "this account needs a one-time code, which the password grant cannot carry: sign in with /auth/sign_in")
	errOAuthRenew = preEncoded(http.StatusBadRequest, apiclient.CodeUnknown, "unknown error")
)

func badCode(why string) response {
	return errorResponse(http.StatusBadRequest, apiclient.CodeUnauthorized, "Login failed: the authorization code "+why, nil)
}

// POST /login/oauth/token (oauthToken). The form's schema (grant_type among the three,
// client_id present) and the field rules have been checked.
func (s *Server) oauthToken(st *state, rq *request) response {
	f := rq.fields
	if subtle.ConstantTimeCompare([]byte(f["client_id"]), []byte(OAuthClientID)) != 1 {
		return errBadClient()
	}
	switch f["grant_type"] {
	case "password":
		return s.passwordGrant(st, f)
	case "refresh_token":
		if f["refresh_token"] == "" {
			return invalid(violation{field: "refresh_token", rule: "required", hint: "for grant_type=refresh_token"})
		}
		resp := s.rotate(st, f["refresh_token"])
		if resp.status != http.StatusOK {
			return errOAuthRenew() // the guide's answer, whatever the reason
		}
		return resp
	default: // authorization_code: the schema's enum allows nothing else
		return s.codeGrant(st, f)
	}
}

// passwordGrant signs in like /auth/sign_in. An account with two-factor
// authentication is refused: the grant's answer is a token pair, with no room for a
// challenge a standard OAuth client would understand, and issuing tokens without the
// second factor would bypass it (pbxauth's choice; /login refuses the same way).
func (s *Server) passwordGrant(st *state, f map[string]string) response {
	for _, name := range []string{"username", "password"} {
		if f[name] == "" {
			return invalid(violation{field: name, rule: "required", hint: "for grant_type=password"})
		}
	}
	// The tenant's lockout counts every way to try a password, or the grant would be
	// the way around it.
	acct, gen, fail, ok := s.checkCredentials(st, f["username"], f["domain"], f["password"])
	if !ok {
		return fail
	}
	if acct.twoFactor {
		return errNeeds2FA()
	}
	return s.pairResponse(s.issue(st, acct, gen, false, true, nil))
}

// codeGrant trades an authorization code of the simulated identity provider, issued
// for a sign-in started with POST /auth/sign_in/{provider}, for a token pair
// (RFC 6749 section 4.1.3, RFC 7636 section 4.6). The code is used up by the first
// attempt whatever its outcome, and a second use revokes what the first one got
// (RFC 6749 section 4.1.2).
func (s *Server) codeGrant(st *state, f map[string]string) response {
	for _, name := range []string{"code", "redirect_uri"} {
		if f[name] == "" {
			return invalid(violation{field: name, rule: "required", hint: "for grant_type=authorization_code"})
		}
	}
	now := s.Now()
	ic, ok := st.idpCodes.take(now, f["code"])
	if !ok {
		if g, used := st.usedCodes.get(now, f["code"]); used {
			g.family().revoked.Store(true)
			return badCode("was already used: the tokens it gave are revoked")
		}
		return badCode("is unknown or expired")
	}
	ar := ic.req
	verifier := f["code_verifier"]
	switch {
	case ar.web:
		return badCode("belongs to the PBX's web login")
	case ar.redirect != f["redirect_uri"]:
		return badCode("was issued for another redirect_uri")
	case ar.clientID != "" && ar.clientID != f["client_id"]:
		return badCode("was issued to another client_id")
	case ar.challenge == "" && verifier != "":
		// RFC 9700 section 2.1.1: a verifier without a challenge is a downgrade attempt.
		return badCode("was issued without a code_challenge, yet a code_verifier came")
	case ar.challenge != "" && verifier == "":
		return badCode("needs the code_verifier of its code_challenge")
	case ar.challenge != "" && subtle.ConstantTimeCompare([]byte(pkceS256(verifier)), []byte(ar.challenge)) != 1:
		return badCode("does not match the code_verifier")
	}
	// No password was checked: the grant belongs to the account's current generation.
	g := s.issue(st, ic.acct, ic.acct.gen.Load(), false, false, nil)
	st.usedCodes.put(now, f["code"], g, now.Add(IdPCodeTTL))
	return s.pairResponse(g)
}

// pkceS256 is RFC 7636's S256 transformation: BASE64URL(SHA256(verifier)), unpadded.
func pkceS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// POST /login/oauth/revoke (oauthRevoke): ends the bearer access token, and only it
// (the guide: "revoke the current access token"; RFC 7009 section 2.1 leaves the
// refresh token to the server): its refresh token still renews the sign-in. Like
// sign_out, an expired but known token is revoked with 200; an unknown or revoked one
// is 401, as on every bearer operation.
func (s *Server) oauthRevoke(st *state, rq *request) response {
	if _, ok := s.takeBearer(st, rq); !ok {
		return errNoToken()
	}
	return emptyResponse(http.StatusOK)
}
