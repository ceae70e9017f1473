package mockserver_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// controllers are the three ways to drive a mock: in-process, over its listener,
// and over the no-listener transport. Every Controller test runs on each, so the
// HTTP client and the server's own implementation cannot drift apart.
func controllers(t *testing.T, opts mockserver.Options) map[string]func() (*mockserver.Server, mockserver.Controller, *apiclient.Client) {
	return map[string]func() (*mockserver.Server, mockserver.Controller, *apiclient.Client){
		"in-process": func() (*mockserver.Server, mockserver.Controller, *apiclient.Client) {
			srv, err := mockserver.New(opts)
			require.NoError(t, err)
			return srv, srv.Control(), apiOn(t, mockserver.InProcessURL, srv.HTTPClient())
		},
		"over its listener": func() (*mockserver.Server, mockserver.Controller, *apiclient.Client) {
			srv, err := mockserver.Start(opts)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			ctl, err := mockserver.NewControlClient(srv.APIURL(), mockserver.WithControlHTTPClient(srv.Client()))
			require.NoError(t, err)
			return srv, ctl, apiOn(t, srv.URL(), srv.Client())
		},
		"over the transport": func() (*mockserver.Server, mockserver.Controller, *apiclient.Client) {
			srv, err := mockserver.New(opts)
			require.NoError(t, err)
			ctl, err := mockserver.NewControlClient(mockserver.InProcessAPIURL, mockserver.WithControlHTTPClient(srv.HTTPClient()))
			require.NoError(t, err)
			return srv, ctl, apiOn(t, mockserver.InProcessURL, srv.HTTPClient())
		},
	}
}

func apiOn(t *testing.T, base string, hc *http.Client) *apiclient.Client {
	c, err := apiclient.New(apiclient.WithBaseURL(base), apiclient.WithHTTPClient(hc))
	require.NoError(t, err)
	return c
}

func TestController_outboxAndReset(t *testing.T) {
	for name, start := range controllers(t, mockserver.Options{}) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, ctl, api := start()
			_, err := ctl.LastMail(ctx, mockserver.MailFilter{})
			require.ErrorIs(t, err, mockserver.ErrNoMail)

			require.NoError(t, api.ForgetPassword(ctx, apiclient.ForgetPassword{Username: "alice", Domain: "example.com", CallbackURL: "https://pbx.example.com/reset"}))
			mails, err := ctl.Outbox(ctx, mockserver.MailFilter{Kind: mockserver.MailReset, Username: "alice"})
			require.NoError(t, err)
			require.Len(t, mails, 1)
			assert.NotEmpty(t, mails[0].Token)
			last, err := ctl.LastMail(ctx, mockserver.MailFilter{Domain: "EXAMPLE.com"})
			require.NoError(t, err)
			assert.Equal(t, mails[0], last, "the list and last agree, sent_at included")
			none, err := ctl.Outbox(ctx, mockserver.MailFilter{Kind: mockserver.MailOTP})
			require.NoError(t, err)
			assert.Empty(t, none)

			entries, err := ctl.Requests(ctx, 1)
			require.NoError(t, err)
			require.Len(t, entries, 1)
			assert.Equal(t, "forgetPassword", entries[0].Operation)
			require.NotNil(t, entries[0].Exchange)
			assert.Contains(t, string(entries[0].Exchange.RequestBody), "alice", "the journal carries the bodies")

			st, err := ctl.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, st.Mails)
			assert.Equal(t, 1, st.ResetTokens)

			require.NoError(t, ctl.ClearOutbox(ctx))
			mails, err = ctl.Outbox(ctx, mockserver.MailFilter{})
			require.NoError(t, err)
			assert.Empty(t, mails)

			require.NoError(t, ctl.Reset(ctx, mockserver.ResetOptions{}))
			st, err = ctl.Stats(ctx)
			require.NoError(t, err)
			assert.Zero(t, st.ResetTokens)
		})
	}
}

func TestController_clockAndFaults(t *testing.T) {
	pinned := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	opts := mockserver.Options{Now: func() time.Time { return pinned }}
	for name, start := range controllers(t, opts) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, ctl, _ := start()
			c, err := ctl.Clock(ctx)
			require.NoError(t, err)
			assert.True(t, pinned.Equal(c.Now), "Options.Now is the clock: %s", c.Now)
			c, err = ctl.AdvanceClock(ctx, 31*time.Minute)
			require.NoError(t, err)
			assert.Equal(t, 31*time.Minute, c.Offset)
			assert.True(t, pinned.Add(31*time.Minute).Equal(c.Now))

			_, err = ctl.AdvanceClock(ctx, -time.Second)
			assert.True(t, apiclient.IsAPIError(err, apiclient.CodeValidateFailed), "a step back is refused: %v", err)

			f := map[string]mockserver.Fault{"signInWithCredentials": {Status: 503, Latency: mockserver.Duration(time.Millisecond)}}
			got, err := ctl.SetFaults(ctx, f)
			require.NoError(t, err)
			assert.Equal(t, f, got)
			_, err = ctl.SetFaults(ctx, map[string]mockserver.Fault{"noSuchOperation": {Status: 500}})
			assert.True(t, apiclient.IsAPIError(err, apiclient.CodeValidateFailed), "an unknown operation is refused: %v", err)
			got, err = ctl.Faults(ctx)
			require.NoError(t, err)
			assert.Equal(t, f, got, "a refused set leaves the faults as they were")

			require.NoError(t, ctl.Reset(ctx, mockserver.ResetOptions{KeepFaults: true}))
			got, err = ctl.Faults(ctx)
			require.NoError(t, err)
			assert.Equal(t, f, got, "KeepFaults keeps them")
			c, err = ctl.Clock(ctx)
			require.NoError(t, err)
			assert.Zero(t, c.Offset, "a reset puts the clock back")

			require.NoError(t, ctl.ClearFaults(ctx))
			got, err = ctl.Faults(ctx)
			require.NoError(t, err)
			assert.Empty(t, got)
		})
	}
}

func TestControlClient_token(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{ControlToken: "s3cret-token"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ctx := context.Background()

	without, err := mockserver.NewControlClient(srv.URL())
	require.NoError(t, err)
	_, err = without.Stats(ctx)
	assert.ErrorIs(t, err, mockserver.ErrControlToken)

	with, err := mockserver.NewControlClient(srv.URL(), mockserver.WithControlToken("s3cret-token"))
	require.NoError(t, err)
	_, err = with.Stats(ctx)
	assert.NoError(t, err)
}

func TestControlClient_observer(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	var seen []*apiclient.Exchange
	ctl, err := mockserver.NewControlClient(mockserver.InProcessURL, mockserver.WithControlHTTPClient(srv.HTTPClient()),
		mockserver.WithControlObserver(func(ex *apiclient.Exchange) { seen = append(seen, ex) }))
	require.NoError(t, err)
	_, err = ctl.AdvanceClock(context.Background(), time.Minute)
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, "mock clock", seen[0].Operation)
	assert.Equal(t, http.StatusOK, seen[0].Status)
	assert.JSONEq(t, `{"advance":"1m0s"}`, string(seen[0].RequestBody))

	var mine *apiclient.Exchange
	ctx := mockserver.WithControlExchange(context.Background(), func(ex *apiclient.Exchange) { mine = ex })
	_, err = ctl.Outbox(ctx, mockserver.MailFilter{Kind: mockserver.MailOTP})
	require.NoError(t, err)
	require.NotNil(t, mine, "the context's observer sees its own call")
	assert.Equal(t, mockserver.InProcessURL+"/_mock/outbox?kind=otp", mine.URL)
	assert.Len(t, seen, 2, "and the client's observer still sees every call")
}

func TestNewControlClient_badAddress(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8887", "ftp://x", "http://"} {
		_, err := mockserver.NewControlClient(u)
		assert.Error(t, err, u)
	}
}

func TestTransport(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	hc := srv.HTTPClient()

	t.Run("serves the mock's address only", func(t *testing.T) {
		_, err := hc.Get("http://127.0.0.1:1/api/info")
		assert.Error(t, err)
	})
	t.Run("a dropped connection is a transport error", func(t *testing.T) {
		srv.SetFaults(map[string]mockserver.Fault{"retrieveMetadata": {Drop: true}})
		t.Cleanup(func() { srv.SetFaults(nil) })
		_, err := hc.Get(mockserver.InProcessAPIURL + "/info")
		assert.True(t, errors.Is(err, mockserver.ErrConnectionDropped), "%v", err)
	})
	t.Run("the control guard still wants the JSON type", func(t *testing.T) {
		resp, err := hc.Post(mockserver.InProcessURL+"/_mock/reset", "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	})
	t.Run("a closed server answers no more", func(t *testing.T) {
		other, err := mockserver.New(mockserver.Options{})
		require.NoError(t, err)
		require.NoError(t, other.Close())
		_, err = other.HTTPClient().Get(mockserver.InProcessAPIURL + "/info")
		assert.ErrorIs(t, err, mockserver.ErrServerClosed)
	})
	t.Run("HEAD answers the length without a body", func(t *testing.T) {
		resp, err := hc.Head(mockserver.InProcessAPIURL + "/info")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Positive(t, resp.ContentLength)
	})
}

func TestControlMux_methods(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	hc := srv.HTTPClient()
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodPut, "/_mock/outbox", http.StatusMethodNotAllowed, "DELETE, GET, HEAD"},
		{http.MethodOptions, "/_mock/clock", http.StatusNoContent, "GET, HEAD, POST"},
		{http.MethodGet, "/_mock/reset", http.StatusMethodNotAllowed, "POST"},
		{http.MethodHead, "/_mock/stats", http.StatusOK, ""},
		{http.MethodGet, "/_mock/", http.StatusOK, ""},
		{http.MethodGet, "/_mock", http.StatusOK, ""},
		{http.MethodGet, "/_mock/outbox/", http.StatusNotFound, ""},
		{http.MethodGet, "/_mock//outbox", http.StatusNotFound, ""},
	} {
		req, err := http.NewRequest(c.method, mockserver.InProcessURL+c.path, nil)
		require.NoError(t, err)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, c.status, resp.StatusCode, "%s %s", c.method, c.path)
		assert.Equal(t, c.allow, resp.Header.Get("Allow"), "%s %s", c.method, c.path)
		if c.status >= 400 {
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%s %s: PortSIP's error body", c.method, c.path)
		}
	}
}
