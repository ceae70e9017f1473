package status

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/mock"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// After a revoke and a status check: the token marked revoked, the PBX's 401 below.
func TestGolden_revokedThenChecked(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			lipgloss.SetColorProfile(termenv.Ascii)
			m, api := setup(t, true)
			m.ctx.Time = now
			m.ctx.Session.OAuth = true
			api.EXPECT().OAuthRevoke(mock.Anything, apiclient.Secret("acc")).Return(nil).Once()
			apply(t, m, m.Update(tuitest.Run(t, m.Update(tuitest.Key("x")))))
			api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "no live web session")).Once()
			api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc")).
				Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "the access token is unknown, expired or revoked")).Once()
			m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
			tm := teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(size[0], size[1]))
			screentest.WaitFor(t, tm, "revoked")
			golden.RequireEqual(t, screentest.Final(t, tm))
		})
	}
}
