package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/history"
	"github.com/pbxauth/pbxauth/tui/screens/inspector"
	"github.com/pbxauth/pbxauth/tui/screens/mockctl"
)

// The inspector, scenarios and Mock tabs come last; the Mock tab only with a mock.
func TestNew_inspectorScenariosAndMockTabs(t *testing.T) {
	m := newApp(t, mocks.NewAPI(t))
	ids := func(m *Model) []common.ScreenID {
		var out []common.ScreenID
		for _, s := range m.screens {
			out = append(out, s.ID())
		}
		return out
	}
	assert.Equal(t, []common.ScreenID{"inspector", "scenarios"}, ids(m)[len(m.screens)-2:])
	assert.NotContains(t, ids(m), mockctl.ID)

	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	withMock, err := New(Options{Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true}, API: mocks.NewAPI(t), Mock: srv.Control()})
	require.NoError(t, err)
	assert.Equal(t, mockctl.ID, ids(withMock)[len(withMock.screens)-1])
}

// An exchange the client reports reaches the inspector and, redacted, the disk.
func TestUpdate_exchangeReachesInspectorAndDisk(t *testing.T) {
	st, err := history.OpenStore(t.TempDir(), 0)
	require.NoError(t, err)
	m, err := New(Options{
		Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true},
		API:    mocks.NewAPI(t), History: st, Now: func() time.Time { return fixedNow },
	})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	ex := &apiclient.Exchange{
		Operation: "signInWithCredentials", Method: "POST", URL: "http://127.0.0.1:4000/api/auth/sign_in",
		RequestBody: []byte(`{"username":"alice","password":"Alice#2026"}`), Status: 200, Started: fixedNow,
	}
	m.Update(common.ExchangeMsg{Exchange: ex})
	m.Update(common.SwitchScreenMsg{ID: inspector.ID})
	v := m.View()
	assert.Contains(t, v, "/auth/sign_in")
	assert.NotContains(t, v, "Alice#2026")
	require.NoError(t, st.Close())
	data, err := os.ReadFile(st.Path("mock"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(data), "sign_in") && !strings.Contains(string(data), "Alice#2026"))
}

// A scenario's exchange opened with i on the Scenarios screen joins the session's
// history tagged with the scenario, the inspector opens on it, and it stays off
// the disk (it is the run's, not the profile's).
func TestUpdate_inspectMsgOpensTheScenarioExchange(t *testing.T) {
	st, err := history.OpenStore(t.TempDir(), 0)
	require.NoError(t, err)
	m, err := New(Options{
		Target: common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true},
		API:    mocks.NewAPI(t), History: st, Now: func() time.Time { return fixedNow },
	})
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	own := &apiclient.Exchange{Operation: "retrieveMetadata", Method: "GET", URL: "http://127.0.0.1:4000/api/info", Status: 200, Started: fixedNow}
	m.Update(common.ExchangeMsg{Exchange: own})
	m.Update(common.ExchangeMsg{Exchange: own})
	failed := &apiclient.Exchange{Operation: "sendOTP", Method: "POST", URL: "http://127.0.0.1:5000/api/auth/send_otp", Status: 500, Started: fixedNow}
	m.Update(common.InspectMsg{Exchange: failed, Scenario: "2FA code is mailed"})

	require.Equal(t, inspector.ID, m.Active().ID(), "the inspector opens")
	ex, ok := m.Active().(*inspector.Model).Selected()
	require.True(t, ok)
	assert.Same(t, failed, ex, "on the scenario's exchange")
	v := m.View()
	assert.Contains(t, v, `scenario “2FA code is mailed”`)
	e, _ := m.ctx.History.Last()
	assert.Equal(t, "2FA code is mailed", e.Scenario)

	require.NoError(t, st.Close())
	data, err := os.ReadFile(st.Path("mock"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), "send_otp", "a scenario's exchange is not the profile's history")
	assert.Equal(t, 2, strings.Count(string(data), "/api/info"))
}
