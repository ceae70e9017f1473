package tui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// Every screen at 60x20, 80x24 and 120x40, on a light background in colour and
// with NO_COLOR: whole frames, chrome included, signed in with an exchange in
// the history, so each screen shows its content rather than its empty state.
func TestApp_Golden_everyScreen(t *testing.T) {
	before, dark := lipgloss.ColorProfile(), lipgloss.HasDarkBackground()
	t.Cleanup(func() { lipgloss.SetColorProfile(before); lipgloss.SetHasDarkBackground(dark) })
	// The mock's clock pinned (Options.Now), so the Mock screen draws the same
	// frame every run.
	srv, err := mockserver.New(mockserver.Options{Now: func() time.Time { return fixedNow }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })

	// A fixed scenario list, not the built-in suite: the goldens stay put as the
	// suite grows.
	list, err := sc.LoadPaths("screens/scenarios/testdata/golden.yaml")
	require.NoError(t, err)

	for _, theme := range []string{"light", "nocolor"} {
		for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
			if theme == "light" {
				lipgloss.SetColorProfile(termenv.TrueColor)
				lipgloss.SetHasDarkBackground(false)
			} else {
				lipgloss.SetColorProfile(termenv.ANSI) // what styles.KeepAttributes picks
			}
			m, err := New(Options{
				Target:  common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:4000", Mock: true},
				API:     mocks.NewAPI(t),
				Now:     func() time.Time { return fixedNow },
				NoColor: theme == "nocolor",
				Mock:    srv.Control(),
				// As `pbxauth tui` passes them for its built-in mock.
				DemoAccounts: DemoAccounts(mockserver.DemoData()),

				Scenarios: list,
			})
			require.NoError(t, err)
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			for _, s := range m.screens {
				if s.ID() == "scenarios" || s.ID() == "mock" {
					// The fixed scenario list; the mock's snapshot.
					// Their follow-up commands (journal waits) are not run.
					s.Update(tuitest.Run(t, s.Init()))
				}
			}
			s := common.SessionFromTokens(fixedNow, "alice", "example.com", &apiclient.TokenPair{AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 1800})
			m.Update(common.SignedInMsg{Session: s})
			m.notice = ""
			m.Update(common.ExchangeMsg{Exchange: &apiclient.Exchange{
				Operation: "retrieveMetadata", Method: "GET", URL: "http://127.0.0.1:4000/api/info", Status: 200, Started: fixedNow,
				Duration: 3 * time.Millisecond, ResponseBody: []byte(`{"version":"22.2","brand":"PortSIP"}`),
			}})
			for i, sc := range m.screens {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.ID(), size[0], size[1], theme), func(t *testing.T) {
					m.switchTo(i)
					golden.RequireEqualEscape(t, []byte(m.View()), true)
				})
			}
		}
	}
}
