package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/screens/mockctl"
)

// On the in-process mock the countdown runs on the mock's clock: moving it past
// the token's lifetime on the Mock screen shows the token expired at once.
func TestApp_countdown_followsTheMockClock(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	m, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}, API: mocks.NewAPI(t), Mock: srv.Control()})
	require.NoError(t, err)
	tm := start(t, m, 100, 24)
	s := common.SessionFromTokens(srv.Now(), "alice", "example.com", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 1800})
	tm.Send(common.SignedInMsg{Session: s})
	screentest.WaitFor(t, tm, "alice@example.com 29:5")
	tm.Send(common.SwitchScreenMsg{ID: mockctl.ID})
	screentest.WaitFor(t, tm, "Journal")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(">")})
	screentest.WaitFor(t, tm, "alice@example.com expired")
	assert.Contains(t, finalView(t, tm), "expired")
}

// Off the mock, the wall clock (or the pinned one) counts, whatever the mock's says.
func TestApp_clock_isTheMockOnlyOnTheMock(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	srv.AdvanceClock(time.Hour)
	m, err := New(Options{Target: common.Target{Profile: "lab", BaseURL: "https://lab:8887"}, API: mocks.NewAPI(t), Mock: srv.Control(),
		Now: func() time.Time { return fixedNow }})
	require.NoError(t, err)
	assert.Equal(t, fixedNow, m.ctx.Now())
	m.Update(common.SwitchTargetMsg{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}})
	assert.WithinDuration(t, srv.Now(), m.ctx.Now(), time.Second, "on the mock, its clock")
	assert.True(t, m.ctx.Now().After(time.Now().Add(59*time.Minute)))
}

// NO_COLOR: not one colour code in a frame, yet the active tab and the text
// cursor still show (bold, underline, reverse).
func TestApp_noColor_framesHoldNoColourButKeepAttributes(t *testing.T) {
	before := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI) // what styles.KeepAttributes picks
	t.Cleanup(func() { lipgloss.SetColorProfile(before) })
	m, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}, API: mocks.NewAPI(t), NoColor: true})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.KeyMsg{Type: tea.KeyTab}) // focus the username
	v := m.View()
	assert.NotRegexp(t, `\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;|4[0-7]|10[0-7]|48;)[0-9;]*m`, v, "no colour, foreground or background")
	assert.Contains(t, ansi.Strip(v), "[1 Sign in]")
	assert.Contains(t, v, "\x1b[7m", "the cursor is drawn in reverse")
}
