// Package metadata is the screen for GET /info: system metadata, and a tenant's
// public metadata when a domain is given.
package metadata

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/form"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
)

// ID is the screen's ID.
const ID common.ScreenID = "metadata"

// resultMsg is the answer to one GET /info.
type resultMsg struct {
	id   uint64
	meta *apiclient.Metadata
	err  error
}

// Model is the metadata screen.
type Model struct {
	ctx    *common.Context
	keys   KeyMap
	form   form.Model
	reqs   common.Requests
	meta   *apiclient.Metadata
	out    outcome.Line
	width  int
	height int
}

// New builds the screen.
func New(ctx *common.Context) *Model {
	f := form.New(ctx.Styles, form.RulesFor("retrieveMetadata"),
		form.Field{Key: "domain", Label: "Domain", Optional: true, Placeholder: "tenant domain; empty for system metadata",
			Hint: "empty: system metadata only"},
	)
	m := &Model{ctx: ctx, keys: DefaultKeyMap(), form: f}
	m.form.SetValue("domain", ctx.Target.DefaultDomain)
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Metadata" }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(w)
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.form.Capturing() }

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() }

// Cancel stops the request in flight.
func (m *Model) Cancel() { m.reqs.Cancel() }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if !m.reqs.Finish(msg.id) {
			return nil // stale: cancelled or superseded
		}
		m.meta = msg.meta
		m.out.Clear()
		if msg.err != nil {
			m.meta = nil
			m.out.Failed("", msg.err)
		}
		return nil
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case common.TargetChangedMsg:
		m.reqs.Cancel()
		m.meta = nil
		m.out.Clear()
		m.form.SetValue("domain", msg.Target.DefaultDomain) // never the last target's
		return nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			// esc always leaves the field, cancelling first, so the next key is
			// never typed into a field the person thinks they have left.
			outcome.LeaveField(&m.out, &m.form, &m.reqs)
			return nil
		case key.Matches(msg, m.keys.Form.Submit):
			return m.send(false)
		case key.Matches(msg, m.keys.Form.SendAnyway):
			return m.send(true)
		}
	}
	return m.form.Update(msg)
}

// send validates (unless anyway) and starts GET /info.
func (m *Model) send(anyway bool) tea.Cmd {
	m.form.Touch()
	if !anyway && !m.form.Valid() {
		m.out.Err("fix the marked fields, or " + m.keys.Form.SendAnyway.Help().Key + " to send anyway")
		return nil
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, fetch(ctx, m.ctx.API, id, m.form.Value("domain")))
}

// fetch calls GET /info; it gets everything it needs as arguments.
func fetch(ctx context.Context, api apiclient.API, id uint64, domain string) tea.Cmd {
	return func() tea.Msg {
		md, err := api.RetrieveMetadata(ctx, domain)
		return resultMsg{id: id, meta: md, err: err}
	}
}
