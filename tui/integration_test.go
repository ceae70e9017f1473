package tui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// TestApp_WithMockPBX drives a full two-factor sign-in against the in-process mock
// PBX through the real client: code mailed, read from the outbox, verified; then
// the status screen. Every call must land in the session history.
func TestApp_WithMockPBX(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })

	target := common.Target{Profile: "mock", BaseURL: srv.URL(), Mock: true}
	m, err := New(Options{Target: target, MockTarget: &target, Outbox: NewHTTPOutbox(srv.URL())})
	require.NoError(t, err)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	signInWithMailedCode(t, tm, "carol", "Carol#2026", "secure.example.com")

	tm.Send(tuitest.Key("ctrl+n"))
	tm.Send(tuitest.Key("r"))
	screentest.WaitFor(t, tm, "status checked")
	require.NoError(t, tm.Quit())
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(screentest.WaitTimeout)).(*Model)

	s := fm.Context().Session
	require.NotNil(t, s)
	assert.Equal(t, "carol@secure.example.com", s.Who())
	assert.True(t, s.Live(time.Now()))

	var ops []string
	for _, e := range fm.Context().History.Entries() {
		ops = append(ops, e.Exchange.Operation)
	}
	assert.Subset(t, ops, []string{"signInWithCredentials", "sendOTP", "verifyOTP", "getLoginStatus", "getUserAuthInfo"},
		"every exchange reaches the history")
}

func TestHTTPOutbox_picksTheNewestMailForTheUser(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_mock/outbox" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`[
			{"kind":"otp","username":"carol","code":"111111","sent_at":"2026-11-22T08:00:00Z"},
			{"kind":"otp","username":"carol","code":"222222","sent_at":"2026-11-22T08:01:00Z"},
			{"kind":"otp","username":"dave","code":"333333","sent_at":"2026-11-22T08:02:00Z"},
			{"kind":"reset","username":"bob","token":"rtok","link":"https://x/reset?token=rtok","sent_at":"2026-11-22T08:03:00Z"}]`))
	}))
	t.Cleanup(srv.Close)
	ob := NewHTTPOutbox(srv.URL + "/api")
	ctx := context.Background()
	code, err := ob.LatestOTP(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, "222222", code)
	tok, err := ob.LatestResetToken(ctx, "bob")
	require.NoError(t, err)
	assert.Equal(t, "rtok", tok)
	_, err = ob.LatestOTP(ctx, "erin")
	assert.ErrorContains(t, err, "no otp mail for erin")
}

func TestHTTPOutbox_errors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("x") == "" {
			_, _ = w.Write([]byte(`<html>not json`))
		}
	}))
	t.Cleanup(srv.Close)
	_, err := NewHTTPOutbox(srv.URL).LatestOTP(context.Background(), "carol")
	assert.ErrorContains(t, err, "read the mock's outbox")
	srv.Close()
	_, err = NewHTTPOutbox(srv.URL).LatestOTP(context.Background(), "carol")
	assert.ErrorContains(t, err, "read the mock's outbox")
}
