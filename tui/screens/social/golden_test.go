package social

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// codeStep is the screen on the code step of a fixed request (a fixed verifier:
// the real one is random).
func codeStep(t *testing.T, w, h int) *teatest.TestModel {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	ctx := tuitest.Context(mocks.NewAPI(t))
	ctx.IdP = &idp{}
	ctx.Demo = demo
	m := New(ctx, nil)
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
	pkce := apiclient.PKCE{Verifier: apiclient.Secret(verifier), Challenge: apiclient.PKCEChallenge(verifier)}
	m.url, m.what = page, "url"
	m.startFlow(resultMsg{what: "url", url: page, pkce: &pkce,
		req: apiclient.SocialSignIn{Provider: "microsoft", Domain: "contoso.com", CallbackURL: DefaultCallback}})
	return teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(w, h))
}

func TestGolden_codeStep(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			tm := codeStep(t, size[0], size[1])
			screentest.WaitFor(t, tm, "IdP account")
			golden.RequireEqual(t, screentest.Final(t, tm))
		})
	}
}

func TestGolden_codeStepRevealed(t *testing.T) {
	tm := codeStep(t, 80, 24)
	tuitest.Type(func(msg tea.Msg) tea.Cmd { tm.Send(msg); return nil }, "C0DE")
	tm.Send(tuitest.Key("ctrl+r"))
	screentest.WaitFor(t, tm, "dBjftJeZ4CVP")
	golden.RequireEqual(t, screentest.Final(t, tm))
}
