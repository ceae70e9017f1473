package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

func startMockApp(t *testing.T, opts Options) (*teatest.TestModel, *mockserver.Server) {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	target := common.Target{Profile: "mock", BaseURL: srv.URL(), Mock: true}
	opts.Target, opts.MockTarget = target, &target
	opts.IdP = NewHTTPIdP(srv.URL())
	opts.DemoAccounts = DemoAccounts(mockserver.DemoData()) // the data srv runs with
	m, err := New(opts)
	require.NoError(t, err)
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 40)), srv
}

// waitInOrder waits for first, then for then drawn after it: a screen's outcome
// line shows a frame before the root takes the session its command returns.
func waitInOrder(t *testing.T, tm *teatest.TestModel, first, then string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		i := bytes.Index(b, []byte(first))
		return i >= 0 && bytes.Contains(b[i:], []byte(then))
	}, teatest.WithDuration(screentest.WaitTimeout), teatest.WithCheckInterval(10*time.Millisecond))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	require.NoError(t, tm.Quit())
	return tm.FinalModel(t, teatest.WithFinalTimeout(screentest.WaitTimeout)).(*Model)
}

// The guide's password grant, then revoke, on the mock through the real client: the
// PBX refuses the revoked token, and the refresh grant renews the session.
func TestApp_OAuthPasswordGrantAndRevokeWithMockPBX(t *testing.T) {
	tm, _ := startMockApp(t, Options{})
	screentest.WaitFor(t, tm, "Sign in")
	tm.Send(tuitest.Key("ctrl+t"))
	screentest.WaitFor(t, tm, "POST /login/oauth/token")
	tm.Send(tuitest.Key("tab"))
	tm.Type("alice")
	tm.Send(tuitest.Key("tab"))
	tm.Type("Alice#2026")
	tm.Send(tuitest.Key("tab"))
	tm.Type("example.com")
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "signed in (OAuth password grant)")
	tm.Send(tuitest.Key("esc"))
	tm.Type("2")
	screentest.WaitFor(t, tm, "bearer, OAuth")
	tm.Type("x")
	screentest.WaitFor(t, tm, "access token revoked")
	tm.Type("r")
	screentest.WaitFor(t, tm, "status checked")
	tm.Type("t")
	waitInOrder(t, tm, "token refreshed (OAuth refresh_token grant)", "token expires in")
	fm := finalModel(t, tm)

	var ops []string
	var userStatus []int
	for _, e := range fm.Context().History.Entries() {
		ops = append(ops, e.Exchange.Operation)
		if e.Exchange.Operation == "getUserAuthInfo" {
			userStatus = append(userStatus, e.Exchange.Status)
		}
	}
	assert.Equal(t, []string{"oauthToken", "oauthRevoke", "getLoginStatus", "getUserAuthInfo", "oauthToken"}, ops)
	assert.Equal(t, []int{401}, userStatus, "the PBX refuses the revoked token")
	s := fm.Context().Session
	require.NotNil(t, s)
	assert.True(t, s.OAuth)
	assert.False(t, s.Revoked, "the renewed token is live")
}

// The authorization-code flow with PKCE against the mock's simulated identity
// provider: login page, code, exchange; no secret of it in the redacted history.
func TestApp_OAuthCodeFlowWithMockPBX(t *testing.T) {
	tm, _ := startMockApp(t, Options{})
	screentest.WaitFor(t, tm, "Sign in")
	tm.Type("4")
	screentest.WaitFor(t, tm, "Social sign-in")
	tm.Send(tuitest.Key("tab"))
	tm.Send(tuitest.Key("tab"))
	tm.Type("contoso.com")
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "1. The login page (the mock")
	tm.Send(tuitest.Key("ctrl+o"))
	screentest.WaitFor(t, tm, "signed in at the simulated IdP as dave")
	tm.Send(tuitest.Key("enter"))
	waitInOrder(t, tm, "signed in (authorization code + PKCE)", "dave@contoso.com")
	fm := finalModel(t, tm)

	s := fm.Context().Session
	require.NotNil(t, s)
	assert.Equal(t, "dave@contoso.com", s.Who())
	assert.True(t, s.OAuth)
	var curl, answer string
	for _, e := range fm.Context().History.Entries() {
		if e.Exchange.Operation == "oauthToken" {
			curl, answer = e.Exchange.Curl(false), string(e.Exchange.Redact().ResponseBody)
		}
	}
	require.Contains(t, curl, "grant_type=authorization_code")
	for _, f := range []string{"code", "code_verifier"} {
		assert.Contains(t, curl, f+"="+apiclient.Redacted, "%s is redacted in the curl", f)
	}
	for _, f := range []string{"access_token", "refresh_token"} {
		assert.Contains(t, answer, `"`+f+`":"`+apiclient.Redacted+`"`, "%s is redacted in the history", f)
	}
}

func TestHTTPIdP_onlyTheMocksOwnProvider(t *testing.T) {
	p := NewHTTPIdP("http://127.0.0.1:1/api")
	_, err := p.Authorize(context.Background(), "https://login.microsoftonline.com/x/oauth2/v2.0/authorize?state=s", "dave")
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "open it in a browser"))
}
