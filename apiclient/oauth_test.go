package apiclient_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
)

// The guide's example answer of POST /api/login/oauth/token.
const guidePair = `{"access_token":"NGFHYTBINGMTN2Y5NY0ZZJK2LWJJM2QTMMM0YTFIYJC0NDAZ","expires_in":1800,` +
	`"refresh_token":"MTQ0NGE5M2UTMWE1MY01ZGJKLWIZY2QTMJJMZJU5MJVLNTDI","token_type":"Bearer"}`

func checkGuidePair(t *testing.T, tp *apiclient.TokenPair, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if tp.AccessToken.Reveal() != "NGFHYTBINGMTN2Y5NY0ZZJK2LWJJM2QTMMM0YTFIYJC0NDAZ" || tp.ExpiresIn != 1800 || tp.TokenType != "Bearer" ||
		tp.RefreshToken.Reveal() != "MTQ0NGE5M2UTMWE1MY01ZGJKLWIZY2QTMJJMZJU5MJVLNTDI" {
		t.Errorf("pair = %#v", tp)
	}
}

func TestClient_OAuthPasswordGrant(t *testing.T) {
	for _, c := range []struct {
		name, domain string
		form         url.Values
	}{
		{"tenant user", "example.com", url.Values{"grant_type": {"password"}, "username": {"101"}, "password": {"pw-1"},
			"domain": {"example.com"}, "scope": {"all"}, "client_id": {apiclient.OAuthClientID}}},
		{"system administrator: no domain", "", url.Values{"grant_type": {"password"}, "username": {"101"}, "password": {"pw-1"},
			"scope": {"all"}, "client_id": {apiclient.OAuthClientID}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, mux, _ := setup(t)
			mux.HandleFunc("/login/oauth/token", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPost)
				testBearer(t, r, "")
				testFormBody(t, r, c.form)
				writeJSON(w, 200, guidePair)
			})
			tp, err := cl.OAuthPasswordGrant(ctx, apiclient.Credentials{Username: "101", Password: "pw-1", Domain: c.domain})
			checkGuidePair(t, tp, err)
		})
	}
	t.Run("the guide's failed login is an UNAUTHORIZED error", func(t *testing.T) {
		cl, mux, _ := setup(t)
		mux.HandleFunc("/login/oauth/token", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, `{"errors":[{"code":"UNAUTHORIZED","message":"Login failed, authentication error"}]}`)
		})
		_, err := cl.OAuthPasswordGrant(ctx, apiclient.Credentials{Username: "101", Password: "nope"})
		if !apiclient.IsAPIError(err, apiclient.CodeUnauthorized) {
			t.Fatalf("err = %v, want UNAUTHORIZED", err)
		}
	})
}

func TestClient_OAuthRefresh(t *testing.T) {
	cl, mux, _ := setup(t)
	mux.HandleFunc("/login/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "")
		testFormBody(t, r, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-1"}, "client_id": {apiclient.OAuthClientID}})
		writeJSON(w, 200, guidePair)
	})
	tp, err := cl.OAuthRefresh(ctx, "rt-1")
	checkGuidePair(t, tp, err)
}

func TestClient_OAuthExchangeCode(t *testing.T) {
	pkce := apiclient.NewPKCE()
	cl, mux, _ := setup(t, apiclient.WithBearerToken("must-not-be-sent"))
	mux.HandleFunc("/login/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "") // the guide: no Authorization header for a code exchange
		testFormBody(t, r, url.Values{"grant_type": {"authorization_code"}, "code": {"c-1"},
			"redirect_uri": {"https://app.example/cb"}, "code_verifier": {pkce.Verifier.Reveal()}, "client_id": {apiclient.OAuthClientID}})
		writeJSON(w, 200, guidePair)
	})
	tp, err := cl.OAuthExchangeCode(ctx, apiclient.CodeExchange{Code: "c-1", RedirectURI: "https://app.example/cb", CodeVerifier: pkce.Verifier})
	checkGuidePair(t, tp, err)
}

func TestPKCE(t *testing.T) {
	// RFC 7636, appendix B.
	if got := apiclient.PKCEChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("challenge = %s", got)
	}
	a, b := apiclient.NewPKCE(), apiclient.NewPKCE()
	if len(a.Verifier.Reveal()) != 43 || a.Verifier == b.Verifier || a.Challenge != apiclient.PKCEChallenge(a.Verifier.Reveal()) {
		t.Errorf("pkce = %q %q", a.Verifier.Reveal(), a.Challenge)
	}
}

func TestClient_OAuthRevoke(t *testing.T) {
	cl, mux, _ := setup(t)
	mux.HandleFunc("/login/oauth/revoke", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "at-1")
		testNoBody(t, r)
		w.WriteHeader(200)
	})
	if err := cl.OAuthRevoke(ctx, "at-1"); err != nil {
		t.Fatal(err)
	}
}

func TestClient_SignInWithSocialAccount_pkce(t *testing.T) {
	cl, mux, _ := setup(t)
	mux.HandleFunc("/auth/sign_in/microsoft", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, map[string]any{"domain": "contoso.com", "callback_url": "https://app.example/cb",
			"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256", "client_id": apiclient.OAuthClientID})
		writeJSON(w, 200, `{"url":"https://login.example/authorize"}`)
	})
	_, err := cl.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: "microsoft", Domain: "contoso.com", CallbackURL: "https://app.example/cb",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", ClientID: apiclient.OAuthClientID})
	if err != nil {
		t.Fatal(err)
	}
}
