package tui

import (
	"bytes"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

func init() {
	// Goldens hold no colour codes, whatever the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
}

var fixedNow = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

func newApp(t testing.TB, api apiclient.API) *Model {
	t.Helper()
	m, err := New(Options{
		Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true},
		API:    api,
		Now:    func() time.Time { return fixedNow },
		// As `pbxauth tui` passes them for its built-in mock.
		DemoAccounts: DemoAccounts(mockserver.DemoData()),
	})
	require.NoError(t, err)
	return m
}

// start runs the app in a test program at w x h and waits for its first frame.
func start(t *testing.T, m *Model, w, h int) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	screentest.WaitFor(t, tm, "Sign in")
	return tm
}

// finalView quits and returns the last frame, without escape codes.
func finalView(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	require.NoError(t, tm.Quit())
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(screentest.WaitTimeout))
	return fm.View()
}

func TestApp_View_placeholderUntilSized(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	assert.Contains(t, m.View(), "starting pbxauth")
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	assert.Contains(t, m.View(), "Sign in · POST /auth/sign_in")
	assert.Equal(t, 24, lipgloss.Height(m.View()))
}

func TestApp_View_smallTerminalsDoNotPanic(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	s := common.SessionFromTokens(fixedNow, "alice", "example.com", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 60})
	m.Update(common.SignedInMsg{Session: s})
	for _, size := range [][2]int{{40, 12}, {20, 5}, {1, 1}, {0, 0}, {80, 24}, {200, 60}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for i := range m.screens {
			m.active = i
			v := m.View()
			if size[0] > 0 && size[1] > 0 {
				assert.LessOrEqual(t, lipgloss.Height(v), size[1], "screen %s at %v", m.screens[i].ID(), size)
				assert.LessOrEqual(t, lipgloss.Width(v), size[0], "screen %s at %v", m.screens[i].ID(), size)
			}
		}
	}
}

func TestApp_Keys_qInAFieldIsTypedNotQuit(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	tm := start(t, m, 80, 24)
	tm.Send(tuitest.Key("tab")) // the app starts in navigation
	tm.Type("quinn")
	screentest.WaitFor(t, tm, "quinn")
	tm.Send(tuitest.Key("tab"))
	tm.Type("q?1") // into the password field
	tm.Send(tuitest.Key("ctrl+r"))
	screentest.WaitFor(t, tm, "q?1")
	// Leave the field: now q quits.
	tm.Send(tuitest.Key("esc"))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(screentest.WaitTimeout))
	fm := tm.FinalModel(t).(*Model)
	assert.Equal(t, "signin", string(fm.Active().ID()), "the digit typed in the password did not switch screens")
}

func TestApp_Keys_ctrlCAlwaysQuits(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	tm := start(t, m, 80, 24)
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(screentest.WaitTimeout))
}

func TestApp_Keys_switchScreens(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tuitest.Key("ctrl+n"))
	assert.Equal(t, common.ScreenID("status"), m.Active().ID(), "ctrl+n works even while typing")
	m.Update(tuitest.Key("3"))
	assert.Equal(t, common.ScreenID("metadata"), m.Active().ID())
	m.Update(tuitest.Key("ctrl+p"))
	assert.Equal(t, common.ScreenID("status"), m.Active().ID())
	m.Update(tuitest.Key("?"))
	assert.Contains(t, m.View(), "auto-refresh on/off", "full help lists the screen's keys")
}

func TestApp_Update_exchangesReachHistory(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	ex := &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "http://x/api/info", Status: 200}
	m.Update(common.ExchangeMsg{Exchange: ex})
	last, ok := m.Context().History.Last()
	require.True(t, ok)
	assert.Same(t, ex, last.Exchange)
	assert.Equal(t, "mock", last.Target)
}

func TestApp_Update_observerDeliversThroughTheChannel(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	ex := &apiclient.Exchange{Operation: "signOut"}
	observe(m.exchanges, "lab", &m.dropped)(ex)
	msg := waitExchange(m.exchanges)()
	assert.Equal(t, exchangeArrivedMsg{common.ExchangeMsg{Exchange: ex, Target: "lab"}}, msg)
	_, cmd := m.Update(msg)
	assert.NotNil(t, cmd, "the listener is re-issued")
	last, ok := m.Context().History.Last()
	require.True(t, ok)
	assert.Equal(t, "lab", last.Target, "an exchange keeps the target that made it, even after a switch")
}

func TestApp_Update_droppedExchangesAreCountedAndShown(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	obs := observe(m.exchanges, "lab", &m.dropped)
	for range exchangeBuffer + 3 {
		obs(&apiclient.Exchange{Operation: "signOut"})
	}
	assert.EqualValues(t, 3, m.dropped.Load(), "a full channel drops instead of blocking the request")
	m.Update(waitExchange(m.exchanges)())
	assert.Contains(t, m.View(), "3 exchange(s) missing from the history")
}

func TestApp_Update_countdownTicksOnlyWhileLive(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	assert.False(t, m.ticking, "no session, no tick")
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 90})
	m.Update(common.SignedInMsg{Session: s})
	assert.True(t, m.ticking)
	assert.Contains(t, m.View(), "● alice 1:30")
	m.Update(common.SignedOutMsg{})
	assert.False(t, m.ticking, "signing out stops the countdown")
	gen := m.tickGen
	m.Update(tickMsg{gen: gen - 1})
	assert.False(t, m.ticking, "a tick of an old loop is dropped")
}

func TestApp_Update_confirmDialog(t *testing.T) {
	api := mocks.NewAPI(t)
	m := newApp(t, api)
	m.ctx.Target.Production = true
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 90})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(common.SignedInMsg{Session: s})
	m.Update(tuitest.Key("ctrl+n")) // status
	m.Update(common.ConfirmMsg{Prompt: "Sign out of the PRODUCTION PBX?", To: "status", Yes: nil})
	v := m.View()
	assert.Contains(t, v, "Sign out of the PRODUCTION PBX?")
	help := v[strings.LastIndex(v, "\n"):]
	assert.Contains(t, help, "n/esc no")
	assert.NotContains(t, help, "leave field", "esc answers no in a dialog; the help must not say otherwise")
	m.Update(tuitest.Key("q"))
	assert.NotNil(t, m.confirm, "other keys, q included, leave the dialog open")
	m.Update(tuitest.Key("n"))
	assert.Nil(t, m.confirm)
	assert.Contains(t, m.View(), "cancelled")
}

func TestApp_TargetBar_marksInsecureAndProduction(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	m.Update(common.SwitchTargetMsg{Target: common.Target{Profile: "prod", BaseURL: "https://pbx.example.com:8887", Insecure: true, Production: true}})
	v := m.View()
	assert.Contains(t, v, "TLS NOT VERIFIED")
	assert.Contains(t, v, "PRODUCTION")
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 12})
	v = strings.Split(m.View(), "\n")[0]
	assert.Contains(t, v, "TLS NOT VERIFIED", "the TLS marker survives a narrow terminal")
}

// At 80 columns, signed in with a long name, the bar keeps the scheme's mark
// (plain HTTP, or the TLS setting); the mark says what is set ("verify on"), not a handshake's result.
func TestApp_TargetBar_keepsSchemeAndTLSWhenSignedIn(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(common.SwitchTargetMsg{Target: common.Target{Profile: "lab", BaseURL: "https://pbx.lab.example.com:8887"}})
	s := common.SessionFromTokens(fixedNow, "carol", "secure.example.com", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 1800})
	m.Update(common.SignedInMsg{Session: s})
	bar := strings.Split(m.View(), "\n")[0]
	assert.Contains(t, bar, "pbx.lab.example.com")
	assert.Contains(t, bar, "TLS verify on", "https and its TLS setting, even when the URL is shortened")
	assert.NotContains(t, bar, "TLS verified")
	assert.Contains(t, bar, "carol@secure.example.com 30:00")
}

func TestDemoAccounts_firstOfTheSystemAndOfEachTenant(t *testing.T) {
	got := DemoAccounts(mockserver.DemoData())
	require.NotEmpty(t, got)
	assert.Equal(t, common.DemoAccount{Username: "admin", Password: "Admin#2026", Note: "system account"}, got[0])
	assert.Contains(t, got, common.DemoAccount{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com", Note: "2FA: code in the outbox"})
}

func TestApp_Golden(t *testing.T) {
	t.Run("sign in at 80x24", func(t *testing.T) {
		tm := start(t, newApp(t, mocks.NewAPI(t)), 80, 24)
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
	t.Run("two-factor step at 80x24", func(t *testing.T) {
		api := mocks.NewAPI(t)
		api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).
			Return(&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: "chal"}, nil).Once()
		tm := start(t, newApp(t, api), 80, 24)
		tm.Send(tuitest.Key("tab"))
		tm.Type("carol")
		tm.Send(tuitest.Key("tab"))
		tm.Type("Carol#2026")
		tm.Send(tuitest.Key("tab"))
		tm.Type("secure.example.com")
		tm.Send(tuitest.Key("enter"))
		screentest.WaitFor(t, tm, "two-factor code")
		tm.Send(tuitest.Key("esc"))
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
	t.Run("status signed in at 80x24", func(t *testing.T) {
		api := mocks.NewAPI(t)
		api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
		api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc")).
			Return(&apiclient.UserAuthInfo{Role: "Admin", PasswordVerified: true, Domain: "example.com"}, nil).Once()
		tm := start(t, newApp(t, api), 80, 24)
		s := common.SessionFromTokens(fixedNow, "alice", "example.com", &apiclient.TokenPair{AccessToken: "acc", RefreshToken: "r", ExpiresIn: 1800})
		tm.Send(common.SignedInMsg{Session: s})
		tm.Send(tuitest.Key("ctrl+n"))
		tm.Send(tuitest.Key("r"))
		screentest.WaitFor(t, tm, "status checked")
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
	t.Run("forgot password with a policy error at 80x24", func(t *testing.T) {
		api := mocks.NewAPI(t)
		api.EXPECT().ResetPassword(mock.Anything, apiclient.Secret("rtok"), apiclient.Secret("short")).
			Return(&apiclient.APIError{Status: 400, Errors: []apiclient.ErrorItem{{Code: "VALIDATE_FAILED",
				Message: "new_password must be at least 8 characters", Detail: []byte(`{"field":"new_password","rule":"min_length"}`)}}}).Once()
		tm := start(t, newApp(t, api), 80, 24)
		tm.Send(tuitest.Key("esc"))
		tm.Type("5")
		for range 4 {
			tm.Send(tuitest.Key("tab")) // past the request form to the token
		}
		tm.Type("rtok")
		tm.Send(tuitest.Key("tab"))
		tm.Type("short")
		tm.Send(tuitest.Key("enter"))
		screentest.WaitFor(t, tm, "min_length")
		tm.Send(tuitest.Key("esc"))
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
	t.Run("social sign-in URL at 80x24", func(t *testing.T) {
		api := mocks.NewAPI(t)
		api.EXPECT().SignInWithSocialAccount(mock.Anything, mock.Anything).
			Return(&apiclient.SocialSignInResult{URL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=pbx-contoso&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&state=abc"}, nil).Once()
		tm := start(t, newApp(t, api), 80, 24)
		tm.Send(tuitest.Key("esc"))
		tm.Type("4")
		tm.Send(tuitest.Key("tab"))
		tm.Send(tuitest.Key("tab"))
		tm.Type("contoso.com")
		tm.Send(tuitest.Key("enter"))
		screentest.WaitFor(t, tm, "state=[REDACTED]")
		tm.Send(tuitest.Key("esc"))
		// The PKCE challenge is random each run; the frame around it is what is kept.
		view := regexp.MustCompile(`[A-Za-z0-9_-]{43} \(S256\)`).ReplaceAllString(finalView(t, tm), "<43 characters of S256> (S256)")
		golden.RequireEqual(t, []byte(view))
	})
	t.Run("profiles at 80x24", func(t *testing.T) {
		tm := start(t, newApp(t, mocks.NewAPI(t)), 80, 24)
		tm.Send(tuitest.Key("esc"))
		tm.Type("6")
		screentest.WaitFor(t, tm, "in use")
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
	t.Run("metadata at 80x24", func(t *testing.T) {
		api := mocks.NewAPI(t)
		yes := true
		api.EXPECT().RetrieveMetadata(mock.Anything, "").Return(&apiclient.Metadata{
			WebDomain: "pbx.example.net", PrivateIPv4: "192.168.1.10", EnableDataflow: &yes}, nil).Once()
		tm := start(t, newApp(t, api), 80, 24)
		tm.Send(tuitest.Key("esc"))
		tm.Type("3")
		tm.Send(tuitest.Key("enter"))
		screentest.WaitFor(t, tm, "pbx.example.net")
		golden.RequireEqual(t, []byte(finalView(t, tm)))
	})
}

var _ io.Reader = (*bytes.Buffer)(nil)

func TestApp_Keys_escCancellingARequestLeavesTheField(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t)) // no call expected: the command is never run
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tuitest.Key("3")) // metadata
	require.Equal(t, common.ScreenID("metadata"), m.Active().ID())
	m.Update(tuitest.Key("tab"))
	require.True(t, m.Active().Capturing())
	_, cmd := m.Update(tuitest.Key("enter"))
	require.NotNil(t, cmd)
	require.True(t, m.Active().Busy())
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Active().Busy())
	m.Update(tuitest.Key("2"))
	assert.Equal(t, common.ScreenID("status"), m.Active().ID(), "after esc cancels, the next digit switches screens")
}

func TestApp_Help_globalKeysAlwaysFitAt80Columns(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	s := common.SessionFromTokens(fixedNow, "alice", "example.com", &apiclient.TokenPair{AccessToken: "a", RefreshToken: "r", ExpiresIn: 60})
	m.Update(common.SignedInMsg{Session: s})
	for _, w := range []int{80, 60} {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		for i := range m.screens {
			m.active = i
			if m.Active().Capturing() {
				m.Update(tuitest.Key("esc"))
			}
			v := m.View()
			help := v[strings.LastIndex(v, "\n")+1:]
			id := m.Active().ID()
			assert.Contains(t, help, "? help", "screen %s at %d columns", id, w)
			assert.Contains(t, help, "q quit", "screen %s at %d columns", id, w)
			assert.NotContains(t, help, "…", "keys are dropped whole, not cut: screen %s at %d columns", id, w)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.active = 0
	m.Update(tuitest.Key("tab")) // into a field
	v := m.View()
	help := v[strings.LastIndex(v, "\n")+1:]
	assert.Contains(t, help, "esc leave field", "nothing in flight: esc only leaves the field")
	_, cmd := m.Update(tuitest.Key("ctrl+g")) // send anyway: the command is never run
	require.NotNil(t, cmd)
	v = m.View()
	help = v[strings.LastIndex(v, "\n")+1:]
	assert.Contains(t, help, "esc cancel + leave field", "in flight: esc cancels too")
	assert.Contains(t, help, "ctrl+c quit")
}

func TestApp_Help_escListedOnceWhenTheScreenOwnsIt(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "http://x/api/info", Status: 200}})
	m.Update(tuitest.Key("7"))
	require.Equal(t, common.ScreenID("inspector"), m.Active().ID())
	m.Update(tuitest.Key("/"))
	require.True(t, m.Active().Capturing())
	v := m.View()
	help := v[strings.LastIndex(v, "\n")+1:]
	assert.Equal(t, 1, strings.Count(help, "esc"), "one esc, one meaning: %q", help)
	assert.Contains(t, help, "esc clear filter")
	assert.Contains(t, help, "ctrl+c quit")
}

func TestApp_Help_fullHelpKeepsQuitAt80Columns(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := range m.screens {
		m.active = i
		if m.Active().Capturing() {
			m.Update(tuitest.Key("esc"))
		}
		m.help.ShowAll = true
		m.resize()
		v := m.View()
		id := m.Active().ID()
		assert.Regexp(t, `q\s+quit`, v, "screen %s", id)
		assert.Regexp(t, `ctrl\+n\s+next screen`, v, "screen %s", id)
		assert.Regexp(t, `1-9\s+go to screen`, v, "screen %s", id)
		lines := strings.Split(v, "\n")
		for _, l := range lines[len(lines)-6:] {
			assert.False(t, strings.HasSuffix(strings.TrimRight(l, " "), " …"), "no help column cut: screen %s: %q", id, l)
		}
		assert.LessOrEqual(t, lipgloss.Height(v), 24)
		m.help.ShowAll = false
	}
}

// The Mock screen's clock moves reach the history, so exports replay them.
func TestApp_clockMoves_reachTheHistory(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "signInWithCredentials"}})
	m.Update(common.ClockMovedMsg{By: 31 * time.Minute})
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "refreshToken"}})
	got := m.ctx.History.WithClock(m.ctx.History.Entries())
	require.Len(t, got, 2)
	assert.Equal(t, 31*time.Minute, got[1].ClockBefore)
}

// The ? help reflows into rows of aligned columns at any width: every key of
// every screen shows whole (the Inspector's "space mark for export" and "e
// export scenario" at 80 columns too), and no line is wider than the window.
func TestApp_Help_fullHelpReflowsAtAnyWidth(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "http://x/api/info", Status: 200}})
	for _, w := range []int{40, 60, 80, 120} {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 60})
		for i := range m.screens {
			m.active = i
			m.help.ShowAll = true
			m.resize()
			v := m.View()
			id := m.Active().ID()
			for _, l := range strings.Split(v, "\n") {
				assert.LessOrEqual(t, ansi.StringWidth(l), w, "screen %s at %d", id, w)
			}
			a := m.Active()
			km := helpKeys{screen: a, global: m.ctx.Keys, capturing: a.Capturing(), busy: a.Busy()}
			for _, g := range km.FullHelp() {
				for _, b := range g {
					if b.Enabled() {
						assert.Regexp(t, regexp.QuoteMeta(b.Help().Key)+` +`+regexp.QuoteMeta(b.Help().Desc), v, "screen %s at %d", id, w)
					}
				}
			}
			if id == InspectorScreen && w == 80 {
				assert.Contains(t, v, "mark for export")
				assert.Contains(t, v, "export scenario")
			}
			m.help.ShowAll = false
		}
	}
}

func TestHelpGrid_columnsLineUpAcrossRows(t *testing.T) {
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	groups := [][]key.Binding{{b("a", "one"), b("bb", "two")}, {b("c", "three")}, {b("dddd", "four four")}}
	plain := lipgloss.NewStyle()
	got := helpGrid(groups, 60, plain, plain)
	assert.Equal(t, "a  one           c three          dddd four four\nbb two", got, "one row when it fits")
	got = helpGrid(groups, 40, plain, plain)
	assert.Equal(t, "a  one           c three\nbb two\ndddd four four", got, "columns of one width: the third goes under the first")
	got = helpGrid(groups, 20, plain, plain)
	assert.Equal(t, "a  one\nbb two\nc three\ndddd four four", got, "one column when narrow")
}

// A body taller than its area says so on its last line and scrolls with
// pgdn/pgup: Status at 40x12 with a long capabilities line, the last row, is
// reachable.
func TestApp_overflow_moreMarkerAndScroll(t *testing.T) {
	api := mocks.NewAPI(t)
	api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
	api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc")).Return(&apiclient.UserAuthInfo{
		Role: "Admin", PasswordVerified: true, Domain: "example.com", RoleName: "Tenant admin", RoleID: "r1",
		Capabilities: []string{"users.read", "users.write", "calls.read", "calls.write", "reports.read", "billing.read"},
	}, nil).Once()
	m := newApp(t, api)
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 12})
	s := common.SessionFromTokens(fixedNow, "alice", "example.com", &apiclient.TokenPair{AccessToken: "acc", RefreshToken: "r", ExpiresIn: 1800})
	m.Update(common.SignedInMsg{Session: s})
	m.Update(tuitest.Key("2"))
	m.Update(tuitest.Run(t, m.Active().Update(tuitest.Key("r"))))
	v := m.View()
	assert.Contains(t, v, "more line(s) below (pgdn)")
	assert.NotContains(t, v, "billing.read")
	assert.Equal(t, 12, lipgloss.Height(v))
	for range 4 {
		m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	v = m.View()
	assert.Contains(t, v, "billing.read", "the last row is reachable")
	assert.Contains(t, v, "more line(s) above (pgup)")
	m.Update(tuitest.Key("3"))
	assert.NotContains(t, m.View(), "more line", "another screen starts at its top, and fits")
}

// Keys typed fast can arrive as one message; outside a field each one counts:
// "22" on Sign in goes to Status, and "jj" moves twice.
func TestApp_Keys_severalRunesInOneMessageAreEachHandled(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("62")})
	assert.Equal(t, StatusScreen, m.Active().ID(), "6 then 2: the last one wins")
	m.Update(tuitest.Key("tab")) // status has no field: tab goes nowhere
	m.Update(tuitest.Key("1"))
	m.Update(tuitest.Key("tab")) // into Username
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q2")})
	assert.Equal(t, common.ScreenID("signin"), m.Active().ID(), "in a field the runes are text")
}

// The sign-in is said once: the screen's outcome line, not the status line too.
func TestApp_signIn_saidOnce(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 600})
	m.Update(common.SignedInMsg{Session: s})
	assert.Empty(t, m.notice)
}

// --log gets a line per exchange, redacted.
func TestApp_log_oneLinePerExchangeRedacted(t *testing.T) {
	var buf bytes.Buffer
	m, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}, API: mocks.NewAPI(t),
		Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	require.NoError(t, err)
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "http://x/api/info?token=s3cret", Status: 200}})
	assert.Contains(t, buf.String(), "operation=retrieveMetadata")
	assert.Contains(t, buf.String(), "status=200")
	assert.NotContains(t, buf.String(), "s3cret")
}

func TestApp_switchScreens_leavesTheOutcomeLineBehind(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tuitest.Key("3")) // metadata
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("enter"))
	m.Update(tuitest.Key("esc")) // cancels: the outcome line says so
	require.Contains(t, m.View(), "✗ cancelled")

	m.Update(tuitest.Key("2"))
	m.Update(tuitest.Key("3"))
	assert.NotContains(t, m.View(), "cancelled", "a number key away and back: the line was about an action the person left")

	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("enter"))
	m.Update(tuitest.Key("esc"))
	require.Contains(t, m.View(), "✗ cancelled")
	m.Update(common.SwitchScreenMsg{ID: StatusScreen})
	m.Update(tuitest.Key("ctrl+p"))
	assert.NotContains(t, m.View(), "cancelled", "a screen switched by a message, and ctrl+p back, clear it too")
}
