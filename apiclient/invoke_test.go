package apiclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func TestBuildRequest(t *testing.T) {
	for _, tc := range []struct {
		name, op    string
		values      map[string]string
		bearer      apiclient.Secret
		method      string
		path        string
		query       url.Values
		contentType string
		body        string
		wantBearer  bool
	}{
		{"query parameter", "retrieveMetadata", map[string]string{"domain": "example.com"}, "", "GET", "/info", url.Values{"domain": {"example.com"}}, "", "", false},
		{"no values", "retrieveMetadata", nil, "", "GET", "/info", nil, "", "", false},
		{"boolean query and string fields that look like JSON", "signInWithCredentials",
			map[string]string{"qr": "true", "username": "true", "password": "12345", "domain": "null"}, "ignored", "POST", "/auth/sign_in",
			url.Values{"qr": {"true"}}, "application/json", `{"domain":"null","password":"12345","username":"true"}`, false},
		{"path parameter", "signInWithSocialAccount", map[string]string{"provider": "microsoft", "domain": "d", "callback_url": "https://cb"},
			"", "POST", "/auth/sign_in/microsoft", nil, "application/json", `{"callback_url":"https://cb","domain":"d"}`, false},
		{"path parameter is escaped", "signInWithSocialAccount", map[string]string{"provider": "a/b"},
			"", "POST", "/auth/sign_in/a%2Fb", nil, "application/json", `{}`, false},
		{"form body", "loginWithMicrosoft", map[string]string{"domain": "example.com"}, "", "POST", "/login/by_microsoft", nil,
			"application/x-www-form-urlencoded", "domain=example.com", false},
		{"bearer operation", "getUserAuthInfo", nil, "at-1", "GET", "/auth/user", nil, "", "", true},
		{"body operation without values sends an empty object", "sendOTP", nil, "", "POST", "/auth/send_otp", nil, "application/json", `{}`, false},
		{"empty values are sent as given", "forgetPassword", map[string]string{"domain": "", "username": "", "callback_url": "x"},
			"", "POST", "/auth/forget_password", nil, "application/json", `{"callback_url":"x","domain":"","username":""}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := apiclient.BuildRequest(tc.op, tc.values, tc.bearer)
			if err != nil {
				t.Fatal(err)
			}
			if r.Operation != tc.op || r.Method != tc.method || r.Path != tc.path || r.ContentType != tc.contentType || string(r.Body) != tc.body {
				t.Errorf("Build = %s %s ct=%q body=%s", r.Method, r.Path, r.ContentType, r.Body)
			}
			if r.Query.Encode() != tc.query.Encode() {
				t.Errorf("query = %v, want %v", r.Query, tc.query)
			}
			if (r.Bearer != "") != tc.wantBearer || (tc.wantBearer && r.Bearer != tc.bearer) {
				t.Errorf("bearer set = %v, want %v", r.Bearer != "", tc.wantBearer)
			}
		})
	}
}

func TestBuild_usageErrors(t *testing.T) {
	for _, tc := range []struct {
		name, op string
		values   map[string]string
		inMsg    string
	}{
		{"unknown operation", "signIn", nil, `unknown operation "signIn"`},
		{"unknown field", "sendOTP", map[string]string{"tokn": "x"}, `sendOTP has no field "tokn" (it takes token)`},
		{"field on an operation without a body", "signOut", map[string]string{"x": "1"}, "it takes none"},
		{"missing path parameter", "signInWithSocialAccount", map[string]string{"domain": "d"}, "needs the path parameter provider"},
		{"empty path parameter", "signInWithSocialAccount", map[string]string{"provider": ""}, "must not be empty"},
		{"boolean query that is not one", "signInWithCredentials", map[string]string{"qr": "yes"}, `query qr: want true or false, got "yes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apiclient.BuildRequest(tc.op, tc.values, "")
			if !errors.Is(err, apiclient.ErrInvalidCall) {
				t.Fatalf("err = %v, want ErrUsage", err)
			}
			if !strings.Contains(err.Error(), tc.inMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tc.inMsg)
			}
		})
	}
	if _, err := apiclient.BuildRequest("nope", nil, ""); !errors.Is(err, apiclient.ErrUnknownOperation) {
		t.Errorf("err = %v, want ErrUnknownOperation", err)
	}
}

// TestBuild_everyOperation builds each operation from its own required values and
// checks the request matches the document's method and path.
func TestBuild_everyOperation(t *testing.T) {
	for _, op := range spec.Operations() {
		values := map[string]string{}
		for _, p := range op.Params {
			if p.Required {
				values[p.Name] = "microsoft"
			}
		}
		for _, f := range op.RequiredFields() {
			values[f] = "v"
		}
		r, err := apiclient.BuildRequest(op.ID, values, "tok")
		if err != nil {
			t.Errorf("%s: %v", op.ID, err)
			continue
		}
		if r.Method != op.Method || (r.Path != op.Path && !strings.Contains(op.Path, "{")) {
			t.Errorf("%s: built %s %s, document says %s %s", op.ID, r.Method, r.Path, op.Method, op.Path)
		}
		if (r.Bearer != "") != op.Bearer {
			t.Errorf("%s: bearer sent = %v, document says %v", op.ID, r.Bearer != "", op.Bearer)
		}
	}
}

func TestCall(t *testing.T) {
	var got struct {
		method, path, auth, ct string
		body                   map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.auth, got.ct = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		raw, _ := io.ReadAll(r.Body)
		got.body = nil
		_ = json.Unmarshal(raw, &got.body)
		switch r.URL.Path {
		case "/api/auth/user":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"role":"Admin"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"errors":[{"code":"VALIDATE_FAILED","message":"field validation failed"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithBearerToken("client-at"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	resp, err := c.Invoke(ctx, "getUserAuthInfo", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || got.method != "GET" || got.path != "/api/auth/user" || got.auth != "Bearer client-at" {
		t.Errorf("call = %d %s %s auth %q", resp.Status, got.method, got.path, got.auth)
	}
	if resp.Exchange == nil || resp.Exchange.Operation != "getUserAuthInfo" {
		t.Errorf("exchange = %v", resp.Exchange)
	}

	if _, err := c.Invoke(ctx, "getUserAuthInfo", nil, "call-at"); err != nil || got.auth != "Bearer call-at" {
		t.Errorf("explicit bearer: err %v, auth %q", err, got.auth)
	}

	resp, err = c.Invoke(ctx, "refreshToken", map[string]string{"refresh_token": "rt"}, "")
	var ae *apiclient.APIError
	if !errors.As(err, &ae) || ae.Code() != apiclient.CodeValidateFailed {
		t.Fatalf("err = %v, want VALIDATE_FAILED", err)
	}
	if resp == nil || resp.Status != 400 {
		t.Errorf("the response must come back with the API error")
	}
	if got.auth != "" || got.ct != "application/json" || got.body["refresh_token"] != "rt" {
		t.Errorf("refreshToken sent auth %q ct %q body %v", got.auth, got.ct, got.body)
	}

	if _, err := c.Invoke(ctx, "nope", nil, ""); !errors.Is(err, apiclient.ErrInvalidCall) {
		t.Errorf("err = %v, want ErrUsage", err)
	}
}
