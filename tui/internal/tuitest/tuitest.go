// Package tuitest holds helpers for the TUI's model tests: key messages by name and
// running a screen's request command synchronously.
package tuitest

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
)

var named = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "esc": tea.KeyEsc,
	"up": tea.KeyUp, "down": tea.KeyDown, "backspace": tea.KeyBackspace, "space": tea.KeySpace,
	"ctrl+c": tea.KeyCtrlC, "ctrl+g": tea.KeyCtrlG, "ctrl+r": tea.KeyCtrlR, "ctrl+e": tea.KeyCtrlE,
	"ctrl+o": tea.KeyCtrlO, "ctrl+b": tea.KeyCtrlB, "ctrl+t": tea.KeyCtrlT, "ctrl+x": tea.KeyCtrlX, "ctrl+y": tea.KeyCtrlY, "ctrl+n": tea.KeyCtrlN, "ctrl+p": tea.KeyCtrlP,
}

// Key is the key message for a key name ("enter", "ctrl+g") or a single character.
func Key(name string) tea.KeyMsg {
	if t, ok := named[name]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// Type sends each character of s to update as a key.
func Type(update func(tea.Msg) tea.Cmd, s string) {
	for _, r := range s {
		update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// Run executes a request command (no timers: those would block) and returns the
// message it produced, unwrapped from common.ScreenMsg.
func Run(t testing.TB, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command, got nil")
	}
	msg := cmd()
	if sm, ok := msg.(common.ScreenMsg); ok {
		return sm.Msg
	}
	return msg
}

// Context is a common.Context sized 80x24 on a mock target that calls api.
func Context(api apiclient.API) *common.Context {
	ctx := common.NewContext()
	ctx.Width, ctx.Height = 80, 24
	ctx.Target = common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:1", Mock: true}
	ctx.API = api
	return ctx
}

// NetErr is what the client returns when the PBX can't be reached.
func NetErr() error {
	return &apiclient.TransportError{Op: "POST /x", URL: "http://127.0.0.1:1/api/x", Err: errors.New("connection refused")}
}

// APIErr is a PortSIP error answer.
func APIErr(status int, code, msg string) error {
	return &apiclient.APIError{Status: status, Errors: []apiclient.ErrorItem{{Code: code, Message: msg}}}
}
