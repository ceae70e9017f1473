package status

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
)

// revokedMsg is the answer of POST /login/oauth/revoke.
type revokedMsg struct {
	id  uint64
	err error
}

func revoke(ctx context.Context, api apiclient.API, id uint64, access apiclient.Secret) tea.Cmd {
	return func() tea.Msg { return revokedMsg{id: id, err: api.OAuthRevoke(ctx, access)} }
}

// onRevoked marks the session's access token revoked rather than ending the
// session: the PBX keeps the refresh token (the guide revokes "the current access
// token"), so t renews it, and r shows the PBX refusing the revoked one.
func (m *Model) onRevoked(msg revokedMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) {
		return nil
	}
	if msg.err != nil && !tokenDead(msg.err) {
		m.out.Failed("revoke", msg.err)
		return nil
	}
	old := m.ctx.Session
	if old == nil {
		return nil // signed out meanwhile
	}
	s := *old
	s.Revoked = true
	if msg.err != nil {
		// 401: the PBX already refused the token; it is as good as revoked.
		m.out.Info("revoke: the PBX already rejected the access token (401); marked revoked")
	} else {
		m.out.Info("access token revoked (POST /login/oauth/revoke): the PBX refuses it from now on; " +
			m.keys.Refresh.Help().Key + " shows it, " + m.keys.RenewToken.Help().Key + " renews with the refresh token")
	}
	// What the PBX said about the old token no longer holds.
	m.login, m.loginErr, m.user, m.userErr = nil, "", nil, ""
	return func() tea.Msg { return common.SessionUpdatedMsg{Session: s} }
}
