package mockserver_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
)

// harness is a started mock PBX with a typed client whose every exchange is checked
// against the OpenAPI document when the test ends.
type harness struct {
	t   *testing.T
	srv *mockserver.Server
	api *apiclient.Client

	mu        sync.Mutex
	exchanges []*apiclient.Exchange
	// undocumented lets answers outside the document through (injected faults).
	undocumented bool
}

func newHarness(t *testing.T, opts ...func(*mockserver.Options)) *harness {
	t.Helper()
	var o mockserver.Options
	for _, f := range opts {
		f(&o)
	}
	srv, err := mockserver.Start(o)
	require.NoError(t, err)
	h := &harness{t: t, srv: srv}
	h.api = h.newClient()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		h.checkExchanges()
	})
	return h
}

// newClient is another client (its own cookie jar) on the same server.
func (h *harness) newClient(opts ...apiclient.Option) *apiclient.Client {
	h.t.Helper()
	base := []apiclient.Option{
		apiclient.WithBaseURL(h.srv.URL()),
		apiclient.WithHTTPClient(h.srv.Client()),
		apiclient.WithObserver(func(ex *apiclient.Exchange) {
			h.mu.Lock()
			h.exchanges = append(h.exchanges, ex)
			h.mu.Unlock()
		}),
	}
	c, err := apiclient.New(append(base, opts...)...)
	require.NoError(h.t, err)
	return c
}

// checkExchanges validates every exchange of the test: each answer must match the
// document, and a request that breaks the document must not have been accepted.
func (h *harness) checkExchanges() {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ex := range h.exchanges {
		for _, v := range ex.Validate() {
			switch {
			case v.Side == spec.SideResponse && h.undocumented && ex.Status >= 500:
			case v.Side == spec.SideResponse:
				h.t.Errorf("%s %s → %d: answer breaks the document: %s", ex.Method, ex.URL, ex.Status, v)
			case ex.Status >= 200 && ex.Status < 300:
				h.t.Errorf("%s %s → %d: accepted a request that breaks the document: %s", ex.Method, ex.URL, ex.Status, v)
			}
		}
	}
}

var ctx = context.Background()

// raw sends any request through the observed client.
func (h *harness) raw(method, path, ctype string, body string, hdr ...string) *apiclient.Response {
	h.t.Helper()
	return h.rawWith(h.api, method, path, ctype, body, hdr...)
}

func (h *harness) rawWith(c *apiclient.Client, method, path, ctype string, body string, hdr ...string) *apiclient.Response {
	h.t.Helper()
	req := apiclient.Request{Method: method, Path: path, ContentType: ctype}
	if body != "" {
		req.Body = []byte(body)
	}
	if len(hdr) > 0 {
		req.Header = http.Header{}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Add(hdr[i], hdr[i+1])
		}
	}
	resp, err := c.Do(ctx, req)
	require.NoError(h.t, err)
	return resp
}

// control calls the /_mock/ API (not under /api, so not through the typed client).
func (h *harness) control(method, path, body string) (int, []byte) {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL()+path, rd)
	require.NoError(h.t, err)
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Content-Type", "application/json") // as the control API requires
	}
	resp, err := h.srv.Client().Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return resp.StatusCode, b
}

// lastMail is the newest mail of a kind to a user.
func (h *harness) lastMail(kind, username string) mockserver.Mail {
	h.t.Helper()
	mails := h.srv.Outbox()
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Kind == kind && mails[i].Username == username {
			return mails[i]
		}
	}
	h.t.Fatalf("no %s mail for %s in the outbox (%d mails)", kind, username, len(mails))
	return mockserver.Mail{}
}

// apiErr asserts err is an APIError with status and code and returns it.
func apiErr(t *testing.T, err error, status int, code string) *apiclient.APIError {
	t.Helper()
	var ae *apiclient.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, status, ae.Status, "status of %v", err)
	require.Equal(t, code, ae.Code(), "code of %v", err)
	return ae
}

// errorBody decodes PortSIP's error body.
type errorBody struct {
	Errors []struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	} `json:"errors"`
}

func decodeErrors(t *testing.T, body []byte) errorBody {
	t.Helper()
	var eb errorBody
	require.NoError(t, json.Unmarshal(body, &eb), "error body: %s", body)
	require.NotEmpty(t, eb.Errors, "error body: %s", body)
	return eb
}

// fieldRule is the detail of a VALIDATE_FAILED entry.
type fieldRule struct {
	Field string `json:"field"`
	Rule  string `json:"rule"`
}

func violations(t *testing.T, body []byte) []fieldRule {
	t.Helper()
	eb := decodeErrors(t, body)
	out := make([]fieldRule, len(eb.Errors))
	for i, e := range eb.Errors {
		require.Equal(t, apiclient.CodeValidateFailed, e.Code)
		require.NoError(t, json.Unmarshal(e.Detail, &out[i]), "detail: %s", e.Detail)
	}
	return out
}

func creds(user, pw, domain string) apiclient.Credentials {
	return apiclient.Credentials{Username: user, Password: apiclient.Secret(pw), Domain: domain}
}

// signIn signs in an account without two-factor authentication.
func (h *harness) signIn(user, pw, domain string) *apiclient.TokenPair {
	h.t.Helper()
	res, err := h.api.SignInWithCredentials(ctx, creds(user, pw, domain))
	require.NoError(h.t, err)
	tp, ok := res.(*apiclient.TokenPair)
	require.True(h.t, ok, "expected a token pair, got %T", res)
	return tp
}

// jsonBody marshals v for raw requests.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
