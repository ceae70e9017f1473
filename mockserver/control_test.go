package mockserver_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

func TestControl_outbox(t *testing.T) {
	h := newHarness(t)
	tok := h.twoFactor()
	require.NoError(t, h.api.SendOTP(ctx, tok))
	require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/r"}))

	t.Run("GET lists the mails with code and link", func(t *testing.T) {
		status, body := h.control(http.MethodGet, "/_mock/outbox", "")
		require.Equal(t, http.StatusOK, status)
		var mails []mockserver.Mail
		require.NoError(t, json.Unmarshal(body, &mails))
		require.Len(t, mails, 2)
		assert.Equal(t, mockserver.MailOTP, mails[0].Kind)
		assert.Regexp(t, `^\d{6}$`, mails[0].Code)
		assert.Equal(t, mockserver.MailReset, mails[1].Kind)
		assert.Contains(t, mails[1].Link, "token="+mails[1].Token)
		assert.NotEqual(t, mails[0].ID, mails[1].ID)
	})
	t.Run("filters and /last find the newest matching mail", func(t *testing.T) {
		status, body := h.control(http.MethodGet, "/_mock/outbox/last?kind=otp&username=carol", "")
		require.Equal(t, http.StatusOK, status)
		var m mockserver.Mail
		require.NoError(t, json.Unmarshal(body, &m))
		assert.Equal(t, "carol@secure.example.com", m.To)
		status, _ = h.control(http.MethodGet, "/_mock/outbox/last?to=nobody@example.com", "")
		assert.Equal(t, http.StatusNotFound, status)
	})
	t.Run("DELETE empties it", func(t *testing.T) {
		status, _ := h.control(http.MethodDelete, "/_mock/outbox", "")
		assert.Equal(t, http.StatusNoContent, status)
		assert.Empty(t, h.srv.Outbox())
		_, body := h.control(http.MethodGet, "/_mock/outbox", "")
		assert.JSONEq(t, `[]`, string(body))
	})
}

func TestControl_requestsAreRedacted(t *testing.T) {
	h := newHarness(t)
	tp := h.signIn("bob", "Bob#2026", "example.com")
	_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	require.NoError(t, err)
	status, body := h.control(http.MethodGet, "/_mock/requests", "")
	require.Equal(t, http.StatusOK, status)
	for _, secret := range []string{"Bob#2026", tp.AccessToken.Reveal(), tp.RefreshToken.Reveal()} {
		assert.NotContains(t, string(body), secret)
	}
	var entries []map[string]any
	require.NoError(t, json.Unmarshal(body, &entries))
	require.Len(t, entries, 2)
	assert.Equal(t, "signInWithCredentials", entries[0]["operation"])
	assert.Equal(t, float64(200), entries[0]["status"])
	assert.Equal(t, "/api/auth/sign_in", entries[0]["path"])
	assert.Contains(t, entries[0]["request_body"], "username")
	assert.Equal(t, apiclient.Redacted, entries[0]["request_body"].(map[string]any)["password"])
	assert.Equal(t, apiclient.Redacted, entries[0]["response_body"].(map[string]any)["access_token"])

	_, body = h.control(http.MethodGet, "/_mock/requests?limit=1", "")
	require.NoError(t, json.Unmarshal(body, &entries))
	require.Len(t, entries, 1)
	assert.Equal(t, "getUserAuthInfo", entries[0]["operation"])

	goAPI := h.srv.Requests()
	require.Len(t, goAPI, 2)
	assert.Equal(t, "Bearer "+apiclient.Redacted, goAPI[1].Exchange.RequestHeader.Get("Authorization"))
	assert.NotContains(t, string(goAPI[0].Exchange.ResponseBody), tp.AccessToken.Reveal())
}

func TestControl_reset(t *testing.T) {
	h := newHarness(t)
	tp := h.signIn("bob", "Bob#2026", "example.com")
	require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/r"}))
	h.srv.AdvanceClock(time.Minute)
	h.srv.SetFaults(map[string]mockserver.Fault{"signOut": {Status: 503}})
	status, _ := h.control(http.MethodPost, "/_mock/reset", "")
	require.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, h.srv.Outbox())
	assert.Empty(t, h.srv.Requests())
	assert.Empty(t, h.srv.Faults())
	assert.WithinDuration(t, time.Now(), h.srv.Now(), time.Second)
	_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
}

func TestControl_resetKeepFaults(t *testing.T) {
	h := newHarness(t)
	h.srv.SetFaults(map[string]mockserver.Fault{"logout": {Status: 503}})
	tp := h.signIn("bob", "Bob#2026", "example.com")
	status, _ := h.control(http.MethodPost, "/_mock/reset?keep=faults", "")
	require.Equal(t, http.StatusNoContent, status)
	assert.Equal(t, map[string]mockserver.Fault{"logout": {Status: 503}}, h.srv.Faults())
	_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
}

func TestControl_clock(t *testing.T) {
	h := newHarness(t)
	status, body := h.control(http.MethodPost, "/_mock/clock", `{"advance":"31m"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var c struct{ Now, Offset string }
	require.NoError(t, json.Unmarshal(body, &c))
	assert.Equal(t, "31m0s", c.Offset)
	now, err := time.Parse(time.RFC3339Nano, c.Now)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(31*time.Minute), now, 2*time.Second)
	assert.WithinDuration(t, h.srv.Now(), now, 2*time.Second)

	for _, bad := range []struct{ body, field, rule string }{
		{`{"advance":"-1m"}`, "advance", "range"},
		{`{}`, "advance", "required"},
		{`{"advance":"soon"}`, "advance", "format"},
		{`{"advanse":"1m"}`, "advanse", "unknown_field"},
		{``, "body", "required"},
	} {
		status, body := h.control(http.MethodPost, "/_mock/clock", bad.body)
		assert.Equal(t, http.StatusBadRequest, status, bad.body)
		assert.Equal(t, []fieldRule{{bad.field, bad.rule}}, violations(t, body), bad.body)
	}
	status, _ = h.control(http.MethodPut, "/_mock/clock", "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
}

func TestControl_faults(t *testing.T) {
	h := newHarness(t)
	h.undocumented = true
	t.Run("forced status answers the error body", func(t *testing.T) {
		status, body := h.control(http.MethodPost, "/_mock/faults", `{"retrieveMetadata":{"status":500},"signInWithCredentials":{"latency":"300ms","error_rate":0.2,"drop":false}}`)
		require.Equal(t, http.StatusOK, status, "%s", body)
		assert.JSONEq(t, `{"retrieveMetadata":{"status":500},"signInWithCredentials":{"latency":"300ms","error_rate":0.2}}`, string(body))
		_, err := h.api.RetrieveMetadata(ctx, "")
		ae := apiErr(t, err, http.StatusInternalServerError, apiclient.CodeUnknown)
		assert.Equal(t, mockserver.CodeFaultInjected, ae.Errors[0].RawCode)
		_, body = h.control(http.MethodGet, "/_mock/faults", "")
		assert.Contains(t, string(body), `"latency":"300ms"`)
	})
	t.Run("latency delays the answer", func(t *testing.T) {
		h.srv.SetFaults(map[string]mockserver.Fault{"getLoginStatus": {Latency: mockserver.Duration(150 * time.Millisecond)}})
		start := time.Now()
		_, err := h.api.GetLoginStatus(ctx)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
		assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	})
	t.Run("error_rate 1 fails every request with the given status", func(t *testing.T) {
		h.srv.SetFaults(map[string]mockserver.Fault{"signInWithCredentials": {ErrorRate: 1, Status: 429}})
		_, err := h.api.SignInWithCredentials(ctx, creds("bob", "Bob#2026", "example.com"))
		apiErr(t, err, http.StatusTooManyRequests, apiclient.CodeUnknown)
	})
	t.Run("drop closes the connection without an answer", func(t *testing.T) {
		h.srv.SetFaults(map[string]mockserver.Fault{"retrieveMetadata": {Drop: true}})
		_, err := h.api.RetrieveMetadata(ctx, "")
		require.Error(t, err)
		assert.True(t, errors.Is(err, apiclient.ErrNetwork), "%v", err)
		last := h.srv.Requests()
		require.NotEmpty(t, last)
		assert.Equal(t, 0, last[len(last)-1].Status)
		assert.NotEmpty(t, last[len(last)-1].Exchange.Err)
	})
	t.Run("{} clears", func(t *testing.T) {
		status, _ := h.control(http.MethodPost, "/_mock/faults", `{}`)
		require.Equal(t, http.StatusOK, status)
		assert.Empty(t, h.srv.Faults())
		_, err := h.api.RetrieveMetadata(ctx, "")
		require.NoError(t, err)
	})
	t.Run("unknown operationId is VALIDATE_FAILED and changes nothing", func(t *testing.T) {
		h.srv.SetFaults(map[string]mockserver.Fault{"logout": {Status: 500}})
		status, body := h.control(http.MethodPost, "/_mock/faults", `{"signIn":{"status":500}}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, []fieldRule{{"signIn", "unknown_operation"}}, violations(t, body))
		assert.Contains(t, h.srv.Faults(), "logout")
	})
	t.Run("out-of-range values are VALIDATE_FAILED", func(t *testing.T) {
		status, body := h.control(http.MethodPost, "/_mock/faults", `{"logout":{"status":200,"error_rate":1.5,"latency":"1h"}}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, []fieldRule{{"logout.status", "range"}, {"logout.latency", "range"}, {"logout.error_rate", "range"}}, violations(t, body))
		require.Error(t, mockserver.ValidateFaults(map[string]mockserver.Fault{"nope": {}}))
		require.NoError(t, mockserver.ValidateFaults(map[string]mockserver.Fault{"logout": {Status: 503}}))
	})
	t.Run("DELETE clears", func(t *testing.T) {
		status, _ := h.control(http.MethodDelete, "/_mock/faults", "")
		assert.Equal(t, http.StatusNoContent, status)
		assert.Empty(t, h.srv.Faults())
	})
}

func TestControl_unknownEndpoint(t *testing.T) {
	h := newHarness(t)
	status, body := h.control(http.MethodGet, "/_mock/nope", "")
	assert.Equal(t, http.StatusNotFound, status)
	decodeErrors(t, body)
	status, body = h.control(http.MethodGet, "/_mock/", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "/_mock/outbox")
	status, body = h.control(http.MethodGet, "/_mock/stats", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "access_tokens")
}

func TestSubscribe(t *testing.T) {
	h := newHarness(t)
	ch, stop := h.srv.Subscribe()
	tp := h.signIn("bob", "Bob#2026", "example.com")
	select {
	case e := <-ch:
		assert.Equal(t, "signInWithCredentials", e.Operation)
		assert.Equal(t, http.StatusOK, e.Status)
		assert.NotContains(t, string(e.Exchange.ResponseBody), tp.AccessToken.Reveal(), "entries are redacted")
		assert.NotContains(t, string(e.Exchange.RequestBody), "Bob#2026")
	case <-time.After(5 * time.Second):
		t.Fatal("no journal entry")
	}
	stop()
	_, open := <-ch
	assert.False(t, open, "unsubscribing closes the channel")
	stop() // twice is harmless

	t.Run("a reader that never reads does not block the server", func(t *testing.T) {
		_, stop := h.srv.Subscribe()
		defer stop()
		for i := 0; i < 300; i++ {
			_, err := h.api.RetrieveMetadata(ctx, "")
			require.NoError(t, err)
		}
	})
	t.Run("Close ends subscriptions", func(t *testing.T) {
		srv, err := mockserver.Start(mockserver.Options{})
		require.NoError(t, err)
		ch, stop := srv.Subscribe()
		require.NoError(t, srv.Close())
		_, open := <-ch
		assert.False(t, open)
		stop()
	})
}

func TestTLS(t *testing.T) {
	h := newHarness(t, func(o *mockserver.Options) { o.TLS = true })
	require.True(t, strings.HasPrefix(h.srv.URL(), "https://127.0.0.1:"), h.srv.URL())
	require.NotNil(t, h.srv.Certificate())
	tp := h.signIn("bob", "Bob#2026", "example.com")
	require.NoError(t, h.api.Login(ctx, creds("bob", "Bob#2026", "example.com")))
	_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	require.NoError(t, err)

	plain, err := apiclient.New(apiclient.WithBaseURL(h.srv.URL()))
	require.NoError(t, err)
	_, err = plain.RetrieveMetadata(ctx, "")
	require.Error(t, err, "a client that does not trust the certificate is refused")
}

func TestStart_addressInUse(t *testing.T) {
	a, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	defer a.Close()
	_, err = mockserver.Start(mockserver.Options{Addr: strings.TrimPrefix(a.URL(), "http://")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already in use")
}

func TestNew_withoutListener(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	assert.Empty(t, srv.URL())
	require.NoError(t, srv.Close())
	_, err = mockserver.New(mockserver.Options{TokenTTL: -time.Second})
	require.Error(t, err)
	bad := mockserver.DemoData()
	bad.Tenants[0].Users[0].Username = "ali ce"
	_, err = mockserver.New(mockserver.Options{Data: bad})
	require.ErrorContains(t, err, `tenant "example.com" user "ali ce"`)
}
