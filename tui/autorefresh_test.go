package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
)

func TestApp_autoRefresh_asksTheStatusScreenOncePerToken(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", RefreshToken: "r", ExpiresIn: 600})
	m.Update(common.SignedInMsg{Session: s})

	// autoRefresh is what each countdown tick runs, at the tick's time.
	at := func(d time.Duration) tea.Cmd {
		m.ctx.Time = fixedNow.Add(d)
		return m.autoRefresh()
	}
	assert.Nil(t, at(599*time.Second), "off by default")
	m.ctx.AutoRefresh = true
	assert.Nil(t, at(10*time.Second), "too early: 590 s left")
	cmd := at(541 * time.Second)
	require.NotNil(t, cmd, "59 s left of 600: within a tenth of the lifetime, capped at a minute")
	assert.Equal(t, common.ScreenMsg{To: StatusScreen, Msg: common.AutoRefreshMsg{}}, cmd())
	assert.Nil(t, at(542*time.Second), "asked once per token")

	renewed := common.SessionFromTokens(fixedNow.Add(541*time.Second), "alice", "", &apiclient.TokenPair{AccessToken: "b", RefreshToken: "r2", ExpiresIn: 600})
	m.Update(common.SessionUpdatedMsg{Session: renewed})
	assert.NotNil(t, at(1082*time.Second), "a renewed token is refreshed again near its own expiry")

	m.Update(common.SessionUpdatedMsg{Session: renewed})
	cmd = at(3 * time.Hour)
	require.NotNil(t, cmd, "an expired token is refreshed too: the refresh token may still be valid")
	assert.Equal(t, common.ScreenMsg{To: StatusScreen, Msg: common.AutoRefreshMsg{Expired: true}}, cmd())
	assert.Nil(t, at(3*time.Hour+time.Second), "once: a refused refresh is not retried in a loop")
}

// The laptop slept (here: the mock's clock moved +31m) past the token's expiry;
// the first tick after it renews the token, since the refresh token is valid.
func TestApp_autoRefresh_renewsAfterTheClockJumpedPastExpiry(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	api := mocks.NewAPI(t)
	api.EXPECT().RefreshToken(mock.Anything, apiclient.Secret("r")).
		Return(&apiclient.TokenPair{AccessToken: "b", RefreshToken: "r2", ExpiresIn: 1800}, nil).Once()
	m, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}, API: api, Mock: srv.Control()})
	require.NoError(t, err)
	m.ctx.AutoRefresh = true
	tm := start(t, m, 100, 24)
	s := common.SessionFromTokens(srv.Now(), "alice", "example.com", &apiclient.TokenPair{AccessToken: "a", RefreshToken: "r", ExpiresIn: 1800})
	tm.Send(common.SignedInMsg{Session: s})
	screentest.WaitFor(t, tm, "alice@example.com 29:5")
	srv.AdvanceClock(31 * time.Minute)
	tm.Send(common.SwitchScreenMsg{ID: StatusScreen})
	screentest.WaitFor(t, tm, "token refreshed automatically after it expired")
	assert.Regexp(t, `alice@example.com (30:00|29:5)`, finalView(t, tm), "the session is live again")
	assert.Equal(t, apiclient.Secret("b"), m.ctx.Session.Access)
}

func TestApp_tick_stopsWhenTheTokenExpires(t *testing.T) {
	now := fixedNow
	m, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://x", Mock: true}, API: mocks.NewAPI(t),
		Now: func() time.Time { return now }})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s := common.SessionFromTokens(now, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 2})
	m.Update(common.SignedInMsg{Session: s})
	require.True(t, m.ticking)
	now = fixedNow.Add(3 * time.Second)
	m.Update(tickMsg{gen: m.tickGen})
	assert.False(t, m.ticking, "an expired token stops the countdown: the idle app schedules nothing")
	assert.Contains(t, m.View(), "expired")
}
