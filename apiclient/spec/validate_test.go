package spec_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

const base = "https://pbx.example.com:8887/api"

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func exchange(method, path, reqBody string, status int, respBody string) *apiclient.Exchange {
	ex := &apiclient.Exchange{Method: method, URL: base + path, Status: status}
	if reqBody != "" {
		ex.RequestHeader, ex.RequestBody = jsonHeader.Clone(), []byte(reqBody)
	}
	if respBody != "" {
		ex.ResponseHeader, ex.ResponseBody = jsonHeader.Clone(), []byte(respBody)
	}
	return ex
}

func withBearer(ex *apiclient.Exchange) *apiclient.Exchange {
	if ex.RequestHeader == nil {
		ex.RequestHeader = http.Header{}
	}
	ex.RequestHeader.Set("Authorization", "Bearer at-1")
	return ex
}

const (
	pairBody  = `{"token_type":"Bearer","access_token":"at","refresh_token":"rt","expires_in":1800}`
	errorBody = `{"errors":[{"code":"VALIDATE_FAILED","message":"field validation failed","detail":{"field":"username"}}]}`
)

func TestValidateExchange_valid(t *testing.T) {
	form := &apiclient.Exchange{Method: "POST", URL: base + "/login/by_microsoft",
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, RequestBody: []byte("domain=example.com"),
		Status: 302, ResponseHeader: http.Header{"Location": {"https://login.microsoftonline.com/x"}}}
	for name, ex := range map[string]*apiclient.Exchange{
		"metadata":              exchange("GET", "/info?domain=example.com", "", 200, `{"web_domain":"pbx","enable_dataflow":true,"name":"T"}`),
		"sign-in token pair":    exchange("POST", "/auth/sign_in", `{"username":"alice","password":"pw","domain":"example.com"}`, 200, pairBody),
		"sign-in challenge":     exchange("POST", "/auth/sign_in?qr=true", `{"username":"admin","password":"pw"}`, 200, `{"two_factor_enabled":true,"token":"s"}`),
		"sign-in refused":       exchange("POST", "/auth/sign_in", `{"username":"alice","password":"x"}`, 401, `{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}`),
		"social":                exchange("POST", "/auth/sign_in/microsoft", `{"domain":"d","callback_url":"https://cb"}`, 200, `{"url":"https://idp"}`),
		"send otp":              exchange("POST", "/auth/send_otp", `{"token":"s"}`, 200, ""),
		"verify otp, no body":   exchange("POST", "/auth/verify_otp", `{"token":"s","code":"123456"}`, 200, ""),
		"verify otp, pair":      exchange("POST", "/auth/verify_otp", `{"token":"s","code":"123456"}`, 200, pairBody),
		"forget, system user":   exchange("POST", "/auth/forget_password", `{"username":"admin","callback_url":"https://cb"}`, 200, ""),
		"reset":                 exchange("POST", "/auth/reset_password", `{"token":"t","new_password":"n"}`, 200, ""),
		"refresh":               exchange("POST", "/auth/refresh_token", `{"refresh_token":"r"}`, 200, pairBody),
		"user":                  withBearer(exchange("GET", "/auth/user", "", 200, `{"role":"Admin","password_verified":true,"password_force_reset":false,"capabilities":["a"]}`)),
		"user unauthorized":     withBearer(exchange("GET", "/auth/user", "", 401, `{"errors":[{"code":"UNAUTHORIZED","message":"expired"}]}`)),
		"sign out":              withBearer(exchange("POST", "/auth/sign_out", "", 200, "")),
		"login status":          exchange("GET", "/login", "", 200, `{"access_token":"a","expires_at":"2017-07-21T17:32:28Z","expires_in":1800,"role":"Admin"}`),
		"login":                 exchange("POST", "/login", `{"username":"alice","password":"pw"}`, 200, ""),
		"login with microsoft":  form,
		"logout":                exchange("POST", "/logout", "", 204, ""),
		"validation error body": exchange("POST", "/auth/send_otp", `{"token":"s"}`, 400, errorBody),
		"transport failure":     exchange("POST", "/auth/send_otp", `{"token":"s"}`, 0, ""),
	} {
		t.Run(name, func(t *testing.T) {
			if vs := ex.Validate(); len(vs) != 0 {
				t.Errorf("violations: %v", vs)
			}
		})
	}
}

func TestValidateExchange_violations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ex     *apiclient.Exchange
		side   spec.Side
		field  string
		inMsgs []string
	}{
		{"missing request field", exchange("POST", "/auth/sign_in", `{"username":"alice"}`, 0, ""),
			spec.SideRequest, "/password", []string{"password", "missing"}},
		{"wrong request type", exchange("POST", "/auth/refresh_token", `{"refresh_token":42}`, 0, ""),
			spec.SideRequest, "/refresh_token", []string{"string"}},
		{"username too long", exchange("POST", "/login", `{"username":"`+strings.Repeat("a", 65)+`","password":"p"}`, 0, ""),
			spec.SideRequest, "/username", []string{"maximum string length is 64"}},
		{"bad query type", exchange("POST", "/auth/sign_in?qr=maybe", `{"username":"a","password":"p"}`, 0, ""),
			spec.SideRequest, "query qr", []string{"true or false"}},
		{"missing bearer", exchange("GET", "/auth/user", "", 0, ""),
			spec.SideRequest, "header Authorization", []string{"Bearer"}},
		{"wrong method", exchange("DELETE", "/login", "", 0, ""),
			spec.SideRequest, "method", []string{"DELETE /login is not an operation", "GET, POST"}},
		{"unknown path", exchange("GET", "/nope", "", 0, ""),
			spec.SideRequest, "path", []string{"no operation GET /nope"}},
		{"missing response field", exchange("POST", "/auth/refresh_token", `{"refresh_token":"r"}`, 200, `{"token_type":"Bearer","access_token":"a","expires_in":1}`),
			spec.SideResponse, "/refresh_token", []string{"refresh_token", "missing"}},
		{"wrong response type", exchange("GET", "/login", "", 200, `{"expires_in":"soon"}`),
			spec.SideResponse, "/expires_in", []string{"integer"}},
		{"bad date-time", exchange("GET", "/login", "", 200, `{"expires_at":"2017-07-21 17:32"}`),
			spec.SideResponse, "/expires_at", []string{"RFC 3339"}},
		{"undocumented status", exchange("POST", "/auth/sign_in", `{"username":"a","password":"p"}`, 500, `{}`),
			spec.SideResponse, "status", []string{"status 500 is not documented for signInWithCredentials", "200, 4XX"}},
		{"error body without errors", exchange("POST", "/auth/send_otp", `{"token":"s"}`, 400, `{"message":"bad"}`),
			spec.SideResponse, "/errors", []string{"errors", "missing"}},
		{"error code in lower case", exchange("POST", "/auth/send_otp", `{"token":"s"}`, 400, `{"errors":[{"code":"bad","message":"m"}]}`),
			spec.SideResponse, "/errors/0/code", []string{"pattern"}},
		{"sign-in answer that is neither", exchange("POST", "/auth/sign_in", `{"username":"a","password":"p"}`, 200, `{"access_token":"a"}`),
			spec.SideResponse, "/", []string{"none of TwoFactorChallenge, TokenPair", "TwoFactorChallenge lacks two_factor_enabled, token", "TokenPair lacks token_type, refresh_token, expires_in"}},
		{"sign-in challenge without its token", exchange("POST", "/auth/sign_in", `{"username":"a","password":"p"}`, 200, `{"two_factor_enabled":true}`),
			spec.SideResponse, "/", []string{"TwoFactorChallenge lacks token;"}},
		{"sign-in answer that is both", exchange("POST", "/auth/sign_in", `{"username":"a","password":"p"}`, 200,
			`{"two_factor_enabled":true,"token":"s","token_type":"Bearer","access_token":"a","refresh_token":"r","expires_in":1}`),
			spec.SideResponse, "/", []string{"matches TwoFactorChallenge and TokenPair at once"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := tc.ex.Validate()
			var hit *spec.Violation
			for i := range vs {
				if vs[i].Side == tc.side && vs[i].Field == tc.field {
					hit = &vs[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s violation on %q; got %v", tc.side, tc.field, vs)
			}
			for _, m := range tc.inMsgs {
				if !strings.Contains(hit.Message, m) {
					t.Errorf("message %q lacks %q", hit.Message, m)
				}
			}
		})
	}
}

// TestValidateExchange_noSecretsInMessages: violations are shown and stored, so a
// refused value must not be quoted in them.
func TestValidateExchange_noSecretsInMessages(t *testing.T) {
	const secret = "hunter2-very-secret"
	exs := []*apiclient.Exchange{
		exchange("POST", "/auth/sign_in", `{"username":"a","password":{"x":"`+secret+`"}}`, 200, `{"access_token":"`+secret+`"}`),
		exchange("POST", "/auth/verify_otp", `{"token":["`+secret+`"],"code":5}`, 200, `{"access_token":7,"refresh_token":"`+secret+`"}`),
		exchange("GET", "/login", "", 200, `{"access_token":{"v":"`+secret+`"},"expires_at":"`+secret+`"}`),
	}
	for _, ex := range exs {
		vs := ex.Validate()
		if len(vs) == 0 {
			t.Errorf("%s: no violations", ex.URL)
		}
		for _, v := range vs {
			if strings.Contains(v.String(), secret) {
				t.Errorf("violation quotes the secret: %s", v)
			}
		}
	}
}

// TestValidateExchange_nullOptionalDomain: PortSIP sends blank fields as null, so an
// optional domain may arrive as null; a required one may not, nor may a wrong type.
func TestValidateExchange_nullOptionalDomain(t *testing.T) {
	for name, ex := range map[string]*apiclient.Exchange{
		"sign_in":         exchange("POST", "/auth/sign_in", `{"username":"admin","password":"pw","domain":null}`, 200, pairBody),
		"login":           exchange("POST", "/login", `{"username":"admin","password":"pw","domain":null}`, 200, ""),
		"forget_password": exchange("POST", "/auth/forget_password", `{"username":"admin","domain":null,"callback_url":"https://cb"}`, 200, ""),
	} {
		t.Run(name+" accepts a null domain", func(t *testing.T) {
			if vs := ex.Validate(); len(vs) != 0 {
				t.Errorf("violations: %v", vs)
			}
		})
	}
	for name, ex := range map[string]*apiclient.Exchange{
		"a null required domain (social sign-in)": exchange("POST", "/auth/sign_in/microsoft", `{"domain":null,"callback_url":"https://cb"}`, 0, ""),
		"a null username":                         exchange("POST", "/auth/sign_in", `{"username":null,"password":"pw"}`, 0, ""),
		"a numeric optional domain":               exchange("POST", "/auth/sign_in", `{"username":"a","password":"pw","domain":7}`, 0, ""),
		"an empty optional domain":                exchange("POST", "/login", `{"username":"a","password":"pw","domain":""}`, 0, ""),
		"a too long optional domain":              exchange("POST", "/auth/forget_password", `{"username":"a","callback_url":"https://cb","domain":"`+strings.Repeat("d", 281)+`"}`, 0, ""),
	} {
		t.Run(name+" is still refused", func(t *testing.T) {
			if vs := ex.Validate(); len(vs) == 0 {
				t.Error("no violation")
			}
		})
	}
}
