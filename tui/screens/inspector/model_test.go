package inspector

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/history"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

type fakeClipboard struct{ got []string }

func (f *fakeClipboard) Copy(s string) error { f.got = append(f.got, s); return nil }

var at = time.Date(2026, 1, 2, 13, 4, 5, 0, time.Local)

// signIn is alice's sign-in as the client saw it: real secrets in it.
func signIn() *apiclient.Exchange {
	return &apiclient.Exchange{
		Operation: "signInWithCredentials", Method: "POST", URL: "http://127.0.0.1:4000/api/auth/sign_in",
		RequestHeader:  http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		RequestBody:    []byte(`{"username":"alice","password":"Alice#2026","domain":"example.com"}`),
		Status:         200,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   []byte(`{"token_type":"Bearer","access_token":"acc-123","refresh_token":"ref-456","expires_in":1800}`),
		Started:        at, Duration: 12 * time.Millisecond,
	}
}

func userInfo() *apiclient.Exchange {
	return &apiclient.Exchange{
		Operation: "getUserAuthInfo", Method: "GET", URL: "http://127.0.0.1:4000/api/auth/user",
		RequestHeader: http.Header{"Authorization": {"Bearer acc-123"}, "Accept": {"application/json"}},
		Status:        200, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		// password_verified must be a boolean: this answer breaks the document.
		ResponseBody: []byte(`{"role":"Admin","password_verified":"yes","password_force_reset":false}`),
		Started:      at.Add(time.Second), Duration: 3 * time.Millisecond,
	}
}

func setup(t *testing.T, opts Options) (*Model, *mocks.API) {
	t.Helper()
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	m := New(ctx, opts)
	m.SetSize(80, 20)
	return m, api
}

func TestModel_emptyHistory_explains(t *testing.T) {
	m, _ := setup(t, Options{})
	assert.Contains(t, view(m), "No exchanges yet")
	assert.Nil(t, m.Update(tuitest.Key("c")))
}

func TestModel_newestSelected_detailRedactedWithViolations(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	m.ctx.History.Append("mock", userInfo())
	v := view(m)
	ex, ok := m.Selected()
	require.True(t, ok)
	assert.Equal(t, "getUserAuthInfo", ex.Operation, "the newest exchange is selected")
	assert.Contains(t, v, "GET http://127.0.0.1:4000/api/auth/user")
	assert.Contains(t, v, "status 200 OK")
	assert.Contains(t, v, "Spec violations")
	assert.Contains(t, v, "password_verified")
	assert.Contains(t, v, "Authorization: Bearer [REDACTED]")
	assert.NotContains(t, v, "acc-123")

	m.Update(tuitest.Key("down"))
	ex, _ = m.Selected()
	assert.Equal(t, "signInWithCredentials", ex.Operation)
	v = view(m)
	assert.NotContains(t, v, "Alice#2026", "the password is never shown")
	assert.Contains(t, v, `"password": "[REDACTED]"`)
	assert.NotContains(t, v, "Spec violations")

	// A new exchange does not steal the selection from someone reading an older one.
	m.ctx.History.Append("mock", signIn())
	view(m)
	assert.Equal(t, 1, m.items[m.sel].entry.Seq)
	m.Update(tuitest.Key("g"))
	ex, _ = m.Selected()
	assert.Equal(t, 3, m.items[m.sel].entry.Seq, "g goes back to following the newest")
	_ = ex
}

func TestModel_search_highlightsAndJumps(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	view(m)
	m.Update(tuitest.Key("f"))
	require.True(t, m.Capturing(), "the search field takes q and digits")
	tuitest.Type(m.Update, "TOKEN")
	assert.Len(t, m.matches, 3, "token_type, access_token, refresh_token, case-insensitive")
	m.Update(tuitest.Key("enter"))
	assert.False(t, m.Capturing())
	assert.Contains(t, view(m), "find TOKEN: match 1 of 3")
	m.Update(tuitest.Key("n"))
	assert.Equal(t, 1, m.cur)
	m.Update(tuitest.Key("N"))
	m.Update(tuitest.Key("N"))
	assert.Equal(t, 2, m.cur, "N wraps around")

	m.Update(tuitest.Key("f"))
	tuitest.Type(m.Update, "zzz")
	m.Update(tuitest.Key("enter"))
	assert.Contains(t, view(m), "no match")
	m.Update(tuitest.Key("f"))
	m.Update(tuitest.Key("esc"))
	assert.Empty(t, m.query)
}

// / filters the list (k9s, lazygit): "/sign_in" keeps the sign-in rows, with a
// count of what is hidden; esc clears it. Find-in-exchange is f.
func TestModel_filter_narrowsTheList(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	m.ctx.History.Append("mock", userInfo())
	m.ctx.History.Append("mock", userInfo())
	view(m)
	m.Update(tuitest.Key("/"))
	require.True(t, m.Capturing(), "the filter field takes q and digits")
	tuitest.Type(m.Update, "sign_in")
	require.Len(t, m.items, 1, "only the sign-in row is left")
	ex, _ := m.Selected()
	assert.Equal(t, "signInWithCredentials", ex.Operation, "the selection moves to a row that shows")
	m.Update(tuitest.Key("enter"))
	assert.False(t, m.Capturing())
	v := view(m)
	assert.Contains(t, v, "/sign_in: 1 of 3 exchange(s) (esc clears)")
	assert.Contains(t, v, "/auth/sign_in")
	assert.NotContains(t, v, "/auth/user")

	m.Update(tuitest.Key("/"))
	tuitest.Type(m.Update, " zzz")
	m.Update(tuitest.Key("enter"))
	assert.Contains(t, view(m), "none of 3 exchange(s) match")
	m.Update(tuitest.Key("esc"))
	assert.Len(t, m.items, 3, "esc clears the filter")
	assert.Empty(t, m.filter)
}

func TestModel_copy_redactedAndRevealed(t *testing.T) {
	cb := &fakeClipboard{}
	m, _ := setup(t, Options{Clipboard: cb})
	m.ctx.History.Append("mock", signIn())
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("c"))))
	require.Len(t, cb.got, 1)
	assert.Contains(t, cb.got[0], "curl -X POST 'http://127.0.0.1:4000/api/auth/sign_in'")
	assert.NotContains(t, cb.got[0], "Alice#2026")
	assert.Contains(t, view(m), "secrets redacted")

	m.Update(tuitest.Run(t, m.Update(tuitest.Key("C"))))
	require.Len(t, cb.got, 2)
	assert.Contains(t, cb.got[1], "Alice#2026", "C is the explicit reveal")
	assert.Contains(t, view(m), "WITH SECRETS")
}

// The built-in mock answers in-process at a .invalid host; the person copying curl
// learns how to reach a mock from a shell instead of getting a dead address silently.
func TestModel_copy_fromTheInProcessMockSaysHowToCurlIt(t *testing.T) {
	cb := &fakeClipboard{}
	m, _ := setup(t, Options{Clipboard: cb})
	ex := signIn()
	ex.URL = "http://pbxauth-mock.invalid/api/auth/sign_in"
	m.ctx.History.Append("mock", ex)
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("c"))))
	require.Len(t, cb.got, 1)
	assert.Contains(t, m.info, "pbxauth mock")

	m.ctx.History.Append("mock", signIn()) // a reachable address: no such note
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("c"))))
	assert.NotContains(t, m.info, "pbxauth mock")
}

func TestModel_copy_withoutClipboard_says(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("c"))))
	assert.Contains(t, view(m), "no clipboard")
}

func TestModel_replay_success(t *testing.T) {
	m, api := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	view(m)
	api.EXPECT().SignInWithCredentials(mock.Anything, apiclient.Credentials{Username: "alice", Password: "Alice#2026", Domain: "example.com"}).
		Return(&apiclient.TokenPair{AccessToken: "a2"}, nil).Once()
	cmd := m.Update(tuitest.Key("r"))
	require.True(t, m.Busy())
	m.Update(tuitest.Run(t, cmd))
	assert.False(t, m.Busy())
	assert.Contains(t, view(m), "replayed: got a token pair")
	// The client's observer puts the new exchange in the history; the mock has none,
	// so the test appends it, as the root would.
	m.ctx.History.Append("mock", signIn())
	view(m)
	assert.Equal(t, 2, m.items[m.sel].entry.Seq, "the replay joins the history and is selected")
}

func TestModel_replay_apiError(t *testing.T) {
	m, api := setup(t, Options{})
	m.ctx.History.Append("mock", userInfo())
	view(m)
	api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc-123")).
		Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "token expired")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	assert.Contains(t, view(m), "replay: 401 UNAUTHORIZED: token expired")
}

func TestModel_replay_networkError(t *testing.T) {
	m, api := setup(t, Options{})
	m.ctx.History.Append("mock", userInfo())
	view(m)
	api.EXPECT().GetUserAuthInfo(mock.Anything, mock.Anything).Return(nil, tuitest.NetErr()).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	assert.Contains(t, view(m), "cannot reach the PBX")
}

func TestModel_replay_twoFactorChallenge(t *testing.T) {
	m, api := setup(t, Options{})
	ex := signIn()
	ex.RequestBody = []byte(`{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`)
	m.ctx.History.Append("mock", ex)
	view(m)
	api.EXPECT().SignInWithCredentials(mock.Anything, apiclient.Credentials{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com"}).
		Return(&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: "ch"}, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	assert.Contains(t, view(m), "replayed: got a two-factor challenge")
}

func TestModel_replay_cancelDropsTheReply(t *testing.T) {
	m, api := setup(t, Options{})
	m.ctx.History.Append("mock", userInfo())
	view(m)
	api.EXPECT().GetUserAuthInfo(mock.Anything, mock.Anything).Return(&apiclient.UserAuthInfo{}, nil).Once()
	cmd := m.Update(tuitest.Key("r"))
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Busy())
	m.Update(tuitest.Run(t, cmd))
	assert.Contains(t, view(m), "replay cancelled", "the stale reply is dropped")
}

func TestModel_replay_productionAsksFirst(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.Target.Production = true
	m.ctx.History.Append("mock", signIn())
	view(m)
	msg, ok := tuitest.Run(t, m.Update(tuitest.Key("r"))).(common.ConfirmMsg)
	require.True(t, ok, "a state-changing replay on production asks")
	assert.Contains(t, msg.Prompt, "PRODUCTION")
	assert.False(t, m.Busy())
	_, isYes := msg.Yes.(replayConfirmedMsg)
	assert.True(t, isYes)
}

func TestModel_restored_listedAsEarlierAndNotReplayed(t *testing.T) {
	dir := t.TempDir()
	old, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	old.Record(history.Entry{Seq: 7, Target: "mock", At: at, Exchange: signIn()})
	require.NoError(t, old.Close())
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	defer st.Close()

	cb := &fakeClipboard{}
	m, _ := setup(t, Options{Store: st, Clipboard: cb})
	m.Update(tuitest.Run(t, m.Init()))
	v := view(m)
	assert.Contains(t, v, "earlier session, redacted")
	assert.NotContains(t, v, "Alice#2026")
	assert.False(t, m.keys.Replay.Enabled(), "no call with [REDACTED] secrets: replay is off")
	assert.Nil(t, m.Update(tuitest.Key("r")))
	assert.Nil(t, m.askReplay())
	assert.Contains(t, view(m), "redacted secrets")
	assert.False(t, m.keys.CopyRevealed.Enabled())
	assert.Nil(t, m.Update(tuitest.Key("C")))
	assert.Empty(t, cb.got)
}

func TestModel_export_writesARunnableScenario(t *testing.T) {
	dir := t.TempDir()
	m, _ := setup(t, Options{ExportDir: dir})
	m.ctx.History.Append("mock", signIn())
	m.ctx.History.Append("other", userInfo()) // another profile: left out
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("e"))))
	v := view(m)
	require.Contains(t, v, "exported 1 exchange(s)")
	files, err := filepath.Glob(filepath.Join(dir, "pbxauth-mock-*.yaml"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	var flat strings.Builder
	for _, l := range strings.Split(v, "\n") {
		flat.WriteString(strings.TrimRight(l, " "))
	}
	assert.Contains(t, flat.String(), files[0], "the message names the file in full (wrapped, not cut)")
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.NotContains(t, string(data), "Alice#2026")
	list, err := scenarios.LoadPaths(files[0])
	require.NoError(t, err, "the export passes pbxauth run --check")
	assert.Len(t, list[0].Steps, 1)

	// Marked entries are exported instead, whatever their profile.
	m.Update(tuitest.Key("space"))
	m.Update(tuitest.Key("down"))
	m.Update(tuitest.Key("space"))
	assert.Contains(t, view(m), "2 marked")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("e"))))
	assert.Contains(t, view(m), "exported 2 exchange(s)", "a second export in the same second gets a name of its own")
}

// A session exported after the mock's clock moved +31m replays the move (else
// the refresh that followed it would not fail on replay as it did), says what
// it holds, leaves earlier sessions out unless marked, and is named on the wall
// clock, not the mock's.
func TestModel_export_keepsClockMovesAndNamesOnTheWallClock(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	st.Record(history.Entry{Seq: 1, Target: "mock", At: at, Exchange: userInfo()})
	require.NoError(t, st.Close())
	st, err = history.OpenStore(dir, 0)
	require.NoError(t, err)
	defer st.Close()
	out := t.TempDir()
	wall := time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)
	m, _ := setup(t, Options{Store: st, ExportDir: out, Now: func() time.Time { return wall }})
	m.ctx.Now = func() time.Time { return wall.Add(48 * time.Hour) } // the mock's clock, far ahead
	m.Update(tuitest.Run(t, m.Init()))
	m.ctx.History.Append("mock", signIn())
	m.ctx.History.AppendClock("mock", 31*time.Minute)
	m.ctx.History.Append("mock", userInfo())
	view(m)
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("e"))))
	assert.Contains(t, view(m), "exported 2 exchange(s) and 1 mock clock move(s)", "this session only: the earlier one is not marked")
	files, err := filepath.Glob(filepath.Join(out, "pbxauth-mock-20261130-040000*.yaml"))
	require.NoError(t, err)
	require.Len(t, files, 1, "named on the wall clock")
	list, err := scenarios.LoadPaths(files[0])
	require.NoError(t, err)
	require.Len(t, list[0].Steps, 3)
	assert.Equal(t, "31m0s", list[0].Steps[1].Clock, "the clock step sits between the two calls")
}

func TestModel_targetChanged_reloadsThatProfile(t *testing.T) {
	st, err := history.OpenStore(t.TempDir(), 0)
	require.NoError(t, err)
	defer st.Close()
	m, _ := setup(t, Options{Store: st})
	cmd := m.Update(common.TargetChangedMsg{Target: common.Target{Profile: "lab"}})
	msg := tuitest.Run(t, cmd).(restoredMsg)
	assert.Equal(t, "lab", msg.profile)
	m.Update(restoredMsg{profile: "mock"}) // stale: for the profile before
	assert.Equal(t, "lab", m.restoredFor)
}

func TestModel_smallTerminal_doesNotPanic(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("mock", signIn())
	for _, sz := range [][2]int{{40, 8}, {20, 3}, {1, 1}, {0, 0}} {
		m.SetSize(sz[0], sz[1])
		_ = view(m)
	}
	m.SetSize(80, 20)
	assert.True(t, strings.Contains(view(m), "sign_in"))
}

func TestModel_replay_otherTargetRefused(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("lab", userInfo())
	view(m)
	assert.Nil(t, m.Update(tuitest.Key("r")), "no call: the mock API would fail the test")
	assert.Contains(t, view(m), "made on lab")
}

func TestModel_export_leavesOutScenarioExchangesUnlessMarked(t *testing.T) {
	dir := t.TempDir()
	m, _ := setup(t, Options{ExportDir: dir})
	m.ctx.History.AppendScenario("mock", "a scenario", userInfo())
	m.ctx.History.Append("mock", signIn())
	view(m)
	got := m.exportEntries()
	require.Len(t, got, 1, "the person's own session only")
	assert.Empty(t, got[0].Scenario)
	assert.Contains(t, view(m), "s   1 GET", "a scenario's entry is marked s in the list")
}

func TestModel_restored_numberedApartFromThisSession(t *testing.T) {
	dir := t.TempDir()
	for _, run := range []int{1, 2} { // two earlier sessions, each numbered from 1
		old, err := history.OpenStore(dir, 0)
		require.NoError(t, err)
		old.Record(history.Entry{Seq: 1, Target: "mock", At: at, Exchange: signIn()})
		old.Record(history.Entry{Seq: 2, Target: "mock", At: at, Exchange: userInfo()})
		require.NoError(t, old.Close(), "run %d", run)
	}
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	defer st.Close()
	m, _ := setup(t, Options{Store: st})
	m.ctx.History.Append("mock", signIn()) // this session's #1
	m.Update(tuitest.Run(t, m.Init()))
	view(m)
	require.Len(t, m.items, 5)
	seen := map[int]bool{}
	for _, it := range m.items {
		assert.False(t, seen[it.num], "number %d shown twice", it.num)
		seen[it.num] = true
	}
	assert.Equal(t, 5, m.items[0].num, "this session's entries come after the earlier ones")
	assert.Equal(t, 1, m.items[4].num, "the oldest earlier entry is #1")
	assert.Contains(t, view(m), "#5 ·", "the divider names the selected row by its list number")
}

// view is the frame after the root's broadcast of what it appended to the
// history (the screen syncs in Update; View only draws).
func view(m *Model) string {
	m.Update(common.ExchangeMsg{})
	return m.View()
}

func TestModel_leftMsg_clearsTheOutcome(t *testing.T) {
	m, _ := setup(t, Options{})
	m.ctx.History.Append("other", userInfo()) // another profile's: not exported
	view(m)
	m.Update(tuitest.Key("e")) // nothing to export: an error line
	require.Contains(t, view(m), "nothing to export")
	m.Update(common.LeftMsg{})
	assert.NotContains(t, view(m), "nothing to export", "back on the screen, the old outcome is gone")
}
