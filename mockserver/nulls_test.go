package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/oasdiff/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// TestAnswers_blankFieldsAreNullNotLeftOut drives every operation, its successes and
// its usual failures, and reads every JSON answer against the document: each field
// the answer's schema declares must be there, as a value or as null (PortSIP sends a
// blank field as null rather than leaving it out).
func TestAnswers_blankFieldsAreNullNotLeftOut(t *testing.T) {
	h := newHarness(t)
	form := "application/x-www-form-urlencoded"
	ok := func(method, path, ctype, body string, hdr ...string) *apiclient.Response {
		t.Helper()
		r := h.raw(method, path, ctype, body, hdr...)
		require.Less(t, r.Status, 400, "%s %s: %s", method, path, r.Body)
		return r
	}
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

	for _, d := range []string{"", "?domain=example.com", "?domain=contoso.com", "?domain=nowhere.example"} {
		h.raw(http.MethodGet, "/info"+d, "", "")
	}
	pair := ok(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":"Alice#2026","domain":"example.com"}`)
	access, refresh := jsonField(t, pair.Body, "access_token"), jsonField(t, pair.Body, "refresh_token")
	admin := jsonField(t, ok(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"admin","password":"Admin#2026"}`).Body, "access_token")
	h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":"nope","domain":"example.com"}`)
	h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"a b","password":"x"}`)
	ch := jsonField(t, ok(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`).Body, "token")
	ok(http.MethodPost, "/auth/send_otp", "application/json", `{"token":"`+ch+`"}`)
	h.raw(http.MethodPost, "/auth/verify_otp", "application/json", `{"token":"`+ch+`","code":"000000"}`)
	ok(http.MethodPost, "/auth/verify_otp", "application/json", `{"token":"`+ch+`","code":"`+h.lastMail("otp", "carol").Code+`"}`)
	ok(http.MethodGet, "/auth/user", "", "", bearer(access)...)
	ok(http.MethodGet, "/auth/user", "", "", bearer(admin)...)
	h.raw(http.MethodGet, "/auth/user", "", "")
	ok(http.MethodPost, "/auth/refresh_token", "application/json", `{"refresh_token":"`+refresh+`"}`)
	h.raw(http.MethodPost, "/auth/refresh_token", "application/json", `{"refresh_token":"`+refresh+`"}`)
	ok(http.MethodPost, "/auth/sign_out", "", "", bearer(admin)...)
	web := h.newClient()
	_ = web.Login(ctx, creds("bob", "Bob#2026", "example.com"))
	_, _ = web.GetLoginStatus(ctx)
	_ = web.Logout(ctx)
	_, _ = web.GetLoginStatus(ctx)
	ok(http.MethodPost, "/auth/sign_in/microsoft", "application/json", `{"domain":"contoso.com","callback_url":"https://app.example/cb"}`)
	ok(http.MethodPost, "/login/by_microsoft", form, "domain=contoso.com")
	ok(http.MethodPost, "/auth/forget_password", "application/json", `{"username":"bob","domain":"example.com","callback_url":"https://app.example/r"}`)
	h.raw(http.MethodPost, "/auth/reset_password", "application/json", `{"token":"nope","new_password":"Fresh2027x"}`)
	ok(http.MethodPost, "/auth/reset_password", "application/json", `{"token":"`+h.lastMail("reset", "bob").Token+`","new_password":"Fresh2027x"}`)
	grant := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"Alice#2026"}, "domain": {"example.com"}, "scope": {"all"}, "client_id": {apiclient.OAuthClientID}}
	op := ok(http.MethodPost, "/login/oauth/token", form, grant.Encode())
	ok(http.MethodPost, "/login/oauth/token", form, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {jsonField(t, op.Body, "refresh_token")}, "client_id": {apiclient.OAuthClientID}}.Encode())
	h.raw(http.MethodPost, "/login/oauth/token", form, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"X"}, "client_id": {apiclient.OAuthClientID}}.Encode())
	pk := apiclient.NewPKCE()
	tp, err := h.api.OAuthExchangeCode(ctx, apiclient.CodeExchange{Code: h.codeFlow(pk.Challenge, "", appCallback), RedirectURI: appCallback, CodeVerifier: pk.Verifier})
	require.NoError(t, err)
	ok(http.MethodPost, "/login/oauth/revoke", "", "", bearer(tp.AccessToken.Reveal())...)
	h.raw(http.MethodPost, "/login/oauth/revoke", "", "")

	h.mu.Lock()
	defer h.mu.Unlock()
	checked := map[string]bool{}
	for _, ex := range h.exchanges {
		if len(ex.ResponseBody) == 0 {
			continue
		}
		u, err := url.Parse(ex.URL)
		require.NoError(t, err)
		o, _, _, found := spec.Match(ex.Method, u.Path[len("/api"):])
		require.True(t, found, ex.URL)
		schema := answerSchema(t, o, ex.Status)
		var body any
		require.NoError(t, json.Unmarshal(ex.ResponseBody, &body), "%s: %s", ex.URL, ex.ResponseBody)
		for _, miss := range leftOut(schema, body, "") {
			t.Errorf("%s %s → %d: %s is left out (PortSIP sends blanks as null): %s", ex.Method, u.Path, ex.Status, miss, ex.ResponseBody)
		}
		checked[o.ID+" "+strconv.Itoa(ex.Status)] = true
	}
	// Every operation that answers JSON was read, in success and failure.
	for _, want := range []string{"retrieveMetadata 200", "retrieveMetadata 400", "signInWithCredentials 200", "signInWithCredentials 400",
		"verifyOTP 200", "verifyOTP 401", "getUserAuthInfo 200", "getUserAuthInfo 401", "refreshToken 200", "refreshToken 400",
		"getLoginStatus 200", "getLoginStatus 401", "signInWithSocialAccount 200", "resetPassword 400", "oauthToken 200", "oauthToken 400", "oauthRevoke 401"} {
		require.True(t, checked[want], "no %s answer was read", want)
	}
}

// answerSchema is the document's schema for an operation's answer with this status.
func answerSchema(t *testing.T, o spec.Operation, status int) *openapi3.Schema {
	t.Helper()
	op := spec.MustLoad().Paths.Find(o.Path).GetOperation(o.Method)
	resp := op.Responses.Value(strconv.Itoa(status))
	if resp == nil {
		resp = op.Responses.Value(strconv.Itoa(status/100) + "XX")
	}
	require.NotNil(t, resp, "%s: no answer %d in the document", o.ID, status)
	mt := resp.Value.Content.Get("application/json")
	require.NotNil(t, mt, "%s %d: no JSON answer in the document", o.ID, status)
	return mt.Schema.Value
}

// leftOut lists the declared properties missing from v, recursively. Of a oneOf, the
// branch whose required fields v has is the one read.
func leftOut(s *openapi3.Schema, v any, at string) []string {
	if len(s.OneOf) > 0 {
		obj, _ := v.(map[string]any)
		for _, b := range s.OneOf {
			if hasAll(obj, b.Value.Required) {
				return leftOut(b.Value, v, at)
			}
		}
		return []string{at + " (matches no branch)"}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for name, p := range s.Properties {
			val, ok := x[name]
			if !ok {
				out = append(out, at+name)
				continue
			}
			out = append(out, leftOut(p.Value, val, at+name+".")...)
		}
	case []any:
		if s.Items != nil {
			for i, e := range x {
				out = append(out, leftOut(s.Items.Value, e, at+strconv.Itoa(i)+".")...)
			}
		}
	}
	return out
}

func hasAll(obj map[string]any, names []string) bool {
	for _, n := range names {
		if _, ok := obj[n]; !ok {
			return false
		}
	}
	return true
}
