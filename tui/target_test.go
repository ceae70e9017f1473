package tui

import (
	"errors"
	"os"
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
	"github.com/pbxauth/pbxauth/tui/history"
	tuimocks "github.com/pbxauth/pbxauth/tui/mocks"
)

func TestApp_SwitchTarget(t *testing.T) {
	first, second := mocks.NewAPI(t), mocks.NewAPI(t)
	conn := tuimocks.NewConnector(t)
	mockT := common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}
	lab := common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887", Production: true, DefaultDomain: "example.com"}
	conn.EXPECT().Connect(mockT, mock.Anything).Return(first, nil).Once()
	conn.EXPECT().Connect(lab, mock.Anything).Return(second, nil).Once()
	conn.EXPECT().Connect(common.Target{Profile: "broken", BaseURL: "::"}, mock.Anything).Return(nil, errors.New("bad address")).Once()

	m, err := New(Options{Target: mockT, Connector: conn, Outbox: tuimocks.NewOutbox(t), Now: func() time.Time { return fixedNow }})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	assert.NotNil(t, m.ctx.Outbox, "the mock has an outbox")
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 60})
	m.Update(common.SignedInMsg{Session: s})

	m.Update(common.SwitchTargetMsg{Target: lab})
	assert.Same(t, second, m.ctx.API)
	assert.Nil(t, m.ctx.Session, "a new target starts signed out")
	assert.Contains(t, m.notice, "signed out of alice", "the switch says what became of the session")
	assert.Nil(t, m.ctx.Outbox, "a real PBX has no outbox")
	assert.Contains(t, m.View(), "PRODUCTION")

	m.Update(common.SwitchTargetMsg{Target: common.Target{Profile: "broken", BaseURL: "::"}})
	assert.Equal(t, lab, m.ctx.Target, "a target that can't be used leaves the old one in place")
	assert.Contains(t, m.View(), "bad address")
}

func TestClientConnector_buildsAClientWithTheObserver(t *testing.T) {
	var seen []*apiclient.Exchange
	api, err := ClientConnector{Timeout: time.Second}.Connect(common.Target{BaseURL: "http://127.0.0.1:1"}, func(e *apiclient.Exchange) { seen = append(seen, e) })
	require.NoError(t, err)
	_, err = api.RetrieveMetadata(t.Context(), "")
	require.Error(t, err, "nothing listens on port 1")
	require.Len(t, seen, 1, "failed calls are observed too")
	assert.Equal(t, "retrieveMetadata", seen[0].Operation)

	_, err = ClientConnector{}.Connect(common.Target{BaseURL: "ftp://x"}, nil)
	assert.Error(t, err)
}

func TestURLTarget_namedAfterHostAndPort(t *testing.T) {
	for raw, want := range map[string]string{
		"https://pbx.example.com:8887":     "pbx.example.com_8887",
		"pbx.example.com":                  "pbx.example.com_8887", // the client's default port
		"http://10.0.0.5":                  "10.0.0.5_80",
		"http://[fe80::1]:8080/api":        "fe80__1_8080",
		"https://PBX.Example.COM:443/api/": "pbx.example.com_443",
	} {
		tg, err := URLTarget(raw, false)
		require.NoError(t, err, raw)
		assert.Equal(t, want, tg.Profile, raw)
		assert.True(t, tg.AdHoc)
	}
	a, _ := URLTarget("https://a.example.com:8887", false)
	b, _ := URLTarget("https://b.example.com:8887", false)
	assert.NotEqual(t, a.Profile, b.Profile, "two PBXs, two histories")

	_, err := URLTarget("ftp://x", false)
	assert.Error(t, err)
}

// Renaming the profile in use: the bar shows the new name, the session goes on
// (same PBX), this run's history and the history file follow. A new address is
// another PBX: the session ends, and the notice says so.
func TestApp_profileEdited_inUseIsFollowed(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	lab := common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887"}
	conn := tuimocks.NewConnector(t)
	conn.EXPECT().Connect(mock.Anything, mock.Anything).Return(mocks.NewAPI(t), nil)
	m, err := New(Options{Target: lab, Connector: conn, History: st, Now: func() time.Time { return fixedNow }})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "https://pbx.lab:8887/api/info", Status: 200}})
	s := common.SessionFromTokens(fixedNow, "alice", "", &apiclient.TokenPair{AccessToken: "a", ExpiresIn: 600})
	m.Update(common.SignedInMsg{Session: s})

	renamed := lab
	renamed.Profile = "lab2"
	m.Update(common.ProfileEditedMsg{Old: "lab", Target: renamed})
	assert.Equal(t, "lab2", m.ctx.Target.Profile)
	require.NotNil(t, m.ctx.Session, "same PBX: the session goes on")
	assert.Contains(t, m.View(), "lab2")
	last, _ := m.ctx.History.Last()
	assert.Equal(t, "lab2", last.Target, "this run's history follows the name")
	require.NoError(t, st.Close())
	_, err = os.Stat(st.Path("lab2"))
	assert.NoError(t, err, "the history file follows the name")
	_, err = os.Stat(st.Path("lab"))
	assert.True(t, os.IsNotExist(err), "no orphaned file")

	moved := renamed
	moved.BaseURL = "https://pbx2.lab:8887"
	m.Update(common.ProfileEditedMsg{Old: "lab2", Target: moved})
	assert.Nil(t, m.ctx.Session, "another address is another PBX")
	assert.Contains(t, m.notice, "now points elsewhere")
	assert.Contains(t, m.notice, "signed out of alice")
}

// The Mock tab acts on the built-in mock only: on a real PBX it is not offered,
// and 9 does not open it.
func TestApp_mockTab_onlyOnTheMock(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	conn := tuimocks.NewConnector(t)
	conn.EXPECT().Connect(mock.Anything, mock.Anything).Return(mocks.NewAPI(t), nil)
	m, err := New(Options{Target: common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887"}, Connector: conn, Mock: srv.Control()})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 24})
	assert.NotContains(t, m.View(), "9 Mock")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("9")})
	assert.NotEqual(t, common.ScreenID("mock"), m.Active().ID())
	m.Update(common.SwitchTargetMsg{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}})
	assert.Contains(t, m.View(), "9 Mock")
}
