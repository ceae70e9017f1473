package mockctl

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// setup starts a real in-process mock, a client on it, and the screen subscribed
// to its journal.
func setup(t *testing.T) (*Model, *mockserver.Server, *apiclient.Client) {
	t.Helper()
	srv, err := mockserver.New(mockserver.Options{}) // in-process, as the app runs it
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := apiclient.New(apiclient.WithBaseURL(mockserver.InProcessURL), apiclient.WithTransport(srv.Transport()))
	require.NoError(t, err)
	ctx := tuitest.Context(c)
	ctx.Target.BaseURL = mockserver.InProcessURL
	ctx.Now = srv.Now // as the app does on the mock: the target's clock
	m := New(ctx, srv.Control())
	t.Cleanup(m.Cancel)
	m.SetSize(80, 20)
	m.Update(tuitest.Run(t, m.Init()))
	return m, srv, c
}

// next runs a command that waits on the journal, with a deadline.
func next(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- tuitest.Run(t, cmd) }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(20 * time.Second): // generous: CI runs every package at once under -race
		t.Fatal("no journal entry within 20s")
		return nil
	}
}

// batch runs every command of a tea.Batch and feeds the results back, except the
// journal wait, which it returns.
func feed(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	// A batch or a sequence (whose message type tea keeps unexported): run each.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			if c == nil {
				continue
			}
			if r := c(); r != nil {
				if sm, ok := r.(common.ScreenMsg); ok {
					r = sm.Msg
				}
				if _, isEntry := r.(entryMsg); isEntry {
					continue
				}
				m.Update(r)
			}
		}
		return
	}
	if sm, ok := msg.(common.ScreenMsg); ok {
		msg = sm.Msg
	}
	m.Update(msg)
}

func TestModel_journal_showsLiveRequests(t *testing.T) {
	m, _, c := setup(t)
	assert.Contains(t, m.View(), "No requests yet")
	_, err := c.RetrieveMetadata(context.Background(), "example.com")
	require.NoError(t, err)
	msg := next(t, common.To(ID, wait(m.ch, m.ctl)))
	cmd := m.Update(msg)
	require.NotNil(t, cmd, "it keeps listening")
	v := m.View()
	assert.Contains(t, v, "/api/info")
	assert.Contains(t, v, "retrieveMetadata")
	assert.Contains(t, v, "Journal (1)")
}

func TestModel_outbox_masksCodesUntilRevealed(t *testing.T) {
	m, srv, c := setup(t)
	ctx := context.Background()
	res, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com"})
	require.NoError(t, err)
	require.NoError(t, c.SendOTP(ctx, res.(*apiclient.TwoFactorChallenge).Token))
	m.Update(tuitest.Run(t, read(srv.Control())))
	m.Update(tuitest.Key("tab"))
	code := srv.Outbox()[0].Code
	v := m.View()
	assert.Contains(t, v, "Outbox (1)")
	assert.Contains(t, v, "carol")
	assert.NotContains(t, v, code, "codes are masked")
	m.Update(tuitest.Key("v"))
	assert.Contains(t, m.View(), code)
}

func TestModel_faults_cycleAndReachTheMock(t *testing.T) {
	m, srv, c := setup(t)
	m.Update(tuitest.Key("shift+tab"))
	require.Equal(t, paneFaults, m.pane)
	// Move to signInWithCredentials.
	for m.ops[m.op] != "signInWithCredentials" {
		m.Update(tuitest.Key("down"))
	}
	feed(t, m, m.Update(tuitest.Key("f")))
	assert.Equal(t, 500, srv.Faults()["signInWithCredentials"].Status)
	feed(t, m, m.Update(tuitest.Key("d")))
	assert.Equal(t, mockserver.Duration(300*time.Millisecond), srv.Faults()["signInWithCredentials"].Latency)
	assert.Contains(t, m.View(), "answers 500")
	assert.Contains(t, m.View(), "1 fault(s) on")

	_, err := c.SignInWithCredentials(context.Background(), apiclient.Credentials{Username: "alice", Password: "Alice#2026", Domain: "example.com"})
	var ae *apiclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 500, ae.Status)

	feed(t, m, m.Update(tuitest.Key("backspace")))
	assert.Empty(t, srv.Faults())
	assert.Contains(t, m.View(), "no faults")
}

func TestModel_clock_advances(t *testing.T) {
	m, srv, _ := setup(t)
	before := srv.Now()
	feed(t, m, m.Update(tuitest.Key(">")))
	assert.GreaterOrEqual(t, srv.Now().Sub(before), bigStep)
	assert.Contains(t, m.View(), "(+31m")
}

func TestModel_reset_asksThenSignsOut(t *testing.T) {
	m, srv, _ := setup(t)
	srv.SetFaults(map[string]mockserver.Fault{"logout": {Status: 503}})
	m.ctx.Session = &common.Session{Username: "alice"}
	confirm, ok := tuitest.Run(t, m.Update(tuitest.Key("R"))).(common.ConfirmMsg)
	require.True(t, ok, "a reset asks first")
	assert.NotEmpty(t, srv.Faults(), "nothing happens before yes")
	done := tuitest.Run(t, m.Update(confirm.Yes))
	out := m.Update(done)
	assert.Empty(t, srv.Faults())
	require.NotNil(t, out)
	_, signedOut := out().(common.SignedOutMsg)
	assert.True(t, signedOut, "the session's tokens are gone with the reset")
	assert.Contains(t, m.View(), "mock reset")
}

func TestModel_notTheMock_keysDoNothing(t *testing.T) {
	m, srv, _ := setup(t)
	m.ctx.Target = common.Target{Profile: "lab", BaseURL: "https://pbx.example.com"}
	m.Update(tuitest.Key("shift+tab"))
	assert.Nil(t, m.Update(tuitest.Key("f")))
	assert.Empty(t, srv.Faults())
	assert.Contains(t, m.View(), "Switch to the mock")
}

func TestModel_smallTerminal_doesNotPanic(t *testing.T) {
	m, _, _ := setup(t)
	for _, p := range []pane{paneJournal, paneOutbox, paneFaults} {
		m.pane = p
		for _, sz := range [][2]int{{40, 8}, {10, 1}, {0, 0}} {
			m.SetSize(sz[0], sz[1])
			_ = m.View()
		}
	}
	m.SetSize(80, 20)
	assert.True(t, strings.Contains(m.View(), "Mock PBX"))
}

func TestModel_journal_timesAreOnTheMockClock(t *testing.T) {
	m, srv, c := setup(t)
	feed(t, m, m.Update(tuitest.Key(">"))) // the mock is now 31m ahead
	_, err := c.RetrieveMetadata(context.Background(), "")
	require.NoError(t, err)
	m.Update(next(t, common.To(ID, wait(m.ch, m.ctl))))
	require.Len(t, m.journal, 1)
	at := m.journal[0].Time
	assert.WithinDuration(t, srv.Now(), at, 5*time.Second, "the journal shows the mock's time, like the header and the countdown")
	assert.Greater(t, time.Until(at), 30*time.Minute)
	assert.Contains(t, m.View(), at.Local().Format("15:04:05")+" GET")

	// Entries read on subscribing get the mock's time too.
	m2 := New(m.ctx, srv.Control())
	t.Cleanup(m2.Cancel)
	m2.SetSize(80, 20)
	m2.Update(tuitest.Run(t, m2.Init()))
	require.Len(t, m2.journal, 1)
	assert.WithinDuration(t, at, m2.journal[0].Time, time.Second)
}

func TestModel_header_clockIsTheRootsLastRead(t *testing.T) {
	m, srv, _ := setup(t)
	feed(t, m, m.Update(tuitest.Key(">")))
	later := srv.Now().Add(time.Hour)
	m.ctx.Time = later // the root read the clock again; no new snapshot
	v := m.View()
	assert.Contains(t, v, "clock "+later.Local().Format("15:04:05"), "the clock does not stop at the last snapshot")
	assert.Contains(t, v, "(+31m", "and still says how far ahead the mock is")
}

func TestModel_journal_keepsTheOperationAndCutsThePath(t *testing.T) {
	m, _, _ := setup(t)
	long := "/api/auth/" + strings.Repeat("x", 60)
	m.journal = []mockserver.JournalEntry{
		{Time: time.Now(), Method: "POST", Path: long, Status: 200, Operation: "signInWithCredentials"},
		{Time: time.Now(), Method: "GET", Path: "/api/info", Status: 200, Operation: "retrieveMetadata"},
	}
	v := m.View()
	assert.Contains(t, v, "signInWithCredentials", "the operation says what was called: never cut")
	assert.Contains(t, v, "/api/auth/xxx", "the path shows as much as fits")
	assert.NotContains(t, v, long, "and is cut")
	for _, l := range strings.Split(v, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(l), 80, "every line fits the width: %q", l)
	}

	m.journal = m.journal[1:]
	assert.Regexp(t, `/api/info\s{1,6}200`, m.View(), "short paths are not padded to a fixed 28 columns")
}

func TestModel_journal_doesNotScrollWhenItFits(t *testing.T) {
	m, _, _ := setup(t)
	for i := range 3 {
		m.journal = append(m.journal, mockserver.JournalEntry{Time: time.Now(), Method: "GET", Path: "/api/info", Status: 200, Operation: "op" + strconv.Itoa(i)})
	}
	before := m.View()
	m.Update(tuitest.Key("down"))
	assert.Equal(t, before, m.View(), "three rows fit in 20 lines: down moves nothing")

	m.SetSize(80, 6) // 3 rows of body: the header and 2 entries
	m.Update(tuitest.Key("down"))
	assert.Contains(t, m.View(), "op2", "down shows the row that did not fit")
	m.Update(tuitest.Key("down"))
	assert.Contains(t, m.View(), "op1", "and stops with the last row at the bottom")
}

func TestModel_leftMsg_clearsTheOutcome(t *testing.T) {
	m, _, _ := setup(t)
	feed(t, m, m.Update(tuitest.Key(">")))
	require.Contains(t, m.View(), "mock clock moved")
	m.Update(common.LeftMsg{})
	assert.NotContains(t, m.View(), "mock clock moved", "back on the screen, the old outcome is gone")
}
