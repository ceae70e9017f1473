package common

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
)

// ScreenMsg is a message for one screen, delivered whether or not it is active:
// results of its own requests, confirmations.
type ScreenMsg struct {
	To  ScreenID
	Msg tea.Msg
}

// To wraps a command's result so the router delivers it to screen id.
func To(id ScreenID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return ScreenMsg{To: id, Msg: msg}
	}
}

// ExchangeMsg carries one exchange from the client's observer to the root, which
// appends it to the History. Target is the profile of the client that made it (a
// reply may arrive after the person switched targets); empty means the current one.
type ExchangeMsg struct {
	Exchange *apiclient.Exchange
	Target   string
}

// SignedInMsg tells the root who is signed in now.
type SignedInMsg struct{ Session Session }

// SessionUpdatedMsg replaces the session's tokens (refresh, login status).
type SessionUpdatedMsg struct{ Session Session }

// SignedOutMsg ends the session. Screens get it too, to drop pending sign-ins.
// Notice, when set, goes to the status line (what happened to the session).
type SignedOutMsg struct{ Notice string }

// LeftMsg tells a screen the person switched to another one: its outcome line
// is about an action they have moved on from, so it clears it (a reply still
// in flight sets it again).
type LeftMsg struct{}

// SwitchScreenMsg makes a screen active.
type SwitchScreenMsg struct{ ID ScreenID }

// SwitchTargetMsg asks the root to talk to another PBX. Why, when set, starts
// the notice (a deleted profile in use, say).
type SwitchTargetMsg struct {
	Target Target
	Why    string
}

// ProfileEditedMsg tells the root the profile named Old, the one in use, was
// saved as Target (renamed, or its address or defaults changed): the target
// bar, the client and the history follow it.
type ProfileEditedMsg struct {
	Old    string
	Target Target
}

// TargetChangedMsg tells every screen the target changed (the session is gone).
type TargetChangedMsg struct{ Target Target }

// ConfirmMsg asks the person a yes/no question; on yes the root delivers Yes to
// screen To. Used before state-changing calls on production profiles.
type ConfirmMsg struct {
	Prompt string
	To     ScreenID
	Yes    tea.Msg
}

// NotifyMsg shows a one-line message in the status line.
type NotifyMsg struct {
	Text  string
	Error bool
}

// Broadcast reports whether the root forwards msg to every screen after handling it.
func Broadcast(msg tea.Msg) bool {
	switch msg.(type) {
	case SignedOutMsg, TargetChangedMsg, SignedInMsg, SessionUpdatedMsg, ExchangeMsg, ClockMovedMsg:
		return true
	}
	return false
}

// InspectMsg asks the root to show an exchange of a scenario run in the
// inspector: it joins the session's history tagged with the scenario (in memory
// only) and the inspector opens on it.
type InspectMsg struct {
	Exchange *apiclient.Exchange
	Scenario string
}

// SelectEntryMsg tells the inspector to select the history entry Seq.
type SelectEntryMsg struct{ Seq int }

// ClockMovedMsg tells the root the mock's clock moved by By (the Mock screen),
// so the history records it and an export replays it as a clock step.
type ClockMovedMsg struct{ By time.Duration }

// AutoRefreshMsg asks the status screen to renew the access token now; Expired
// says the access token has already run out (so the notice can say so).
type AutoRefreshMsg struct{ Expired bool }
