// Package profiles is the screen that lists the saved PBX targets (and the
// built-in mock), switches among them, and adds, edits or deletes profiles.
package profiles

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/form"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
	"github.com/pbxauth/pbxauth/tui/profile"
)

// ID is the screen's ID.
const ID common.ScreenID = "profiles"

// confirmDeleteMsg comes back from the confirm dialog.
type confirmDeleteMsg struct{ name string }

// savedMsg is the profile file written (or not): next is the list it holds now;
// old is the name edited or deleted, p the profile saved (nil on delete).
type savedMsg struct {
	next []profile.Profile
	old  string
	p    *profile.Profile
	err  error
}

// entry is one row: a target, and the saved profile's index (-1 for the mock and
// for an address given on the command line).
type entry struct {
	target common.Target
	saved  int
}

// Model is the profiles screen.
type Model struct {
	ctx     *common.Context
	keys    KeyMap
	store   *profile.Store
	mock    *common.Target
	initial common.Target
	cursor  int
	editing bool
	editOld string // the name being edited; "" when adding
	form    form.Model
	out     outcome.Line
	width   int
}

// New builds the screen. store may be nil (no config dir); mock is the built-in
// mock's target, if it runs.
func New(ctx *common.Context, store *profile.Store, mock *common.Target) *Model {
	m := &Model{ctx: ctx, keys: DefaultKeyMap(), store: store, mock: mock, initial: ctx.Target}
	m.form = form.New(ctx.Styles, validate,
		form.Field{Key: "name", Label: "Name", Placeholder: "short name, used for its history file"},
		form.Field{Key: "url", Label: "URL", Placeholder: "PBX address: https://host:port"},
		form.Field{Key: "domain", Label: "Default domain", Optional: true, Placeholder: "optional; pre-fills the forms"},
		form.Field{Key: "username", Label: "Default username", Optional: true, Placeholder: "optional; pre-fills the forms", Hint: "passwords are never saved"},
		form.Field{Key: "insecure", Label: "Skip TLS verify", Kind: form.Toggle, Hint: "only for self-signed certificates"},
		form.Field{Key: "production", Label: "Production", Kind: form.Toggle, Hint: "asks before reset password, sign-out, logout"},
	)
	m.updateKeys()
	return m
}

func validate(v map[string]string) []rules.Violation {
	var out []rules.Violation
	if v["name"] == "" {
		out = append(out, rules.Violation{Field: "name", Rule: "required", Message: "is required"})
	} else if v["name"] == profile.MockName {
		out = append(out, rules.Violation{Field: "name", Rule: "reserved", Message: "is the built-in mock's name"})
	}
	if _, err := apiclient.NormalizeBaseURL(v["url"]); err != nil {
		out = append(out, rules.Violation{Field: "url", Rule: "url", Message: "must be a PBX address like https://pbx.example.com:8887"})
	}
	if d, ok := v["domain"]; ok {
		if bad := rules.Domain(d); bad != nil {
			out = append(out, *bad)
		}
	}
	if u, ok := v["username"]; ok {
		if bad := rules.Username(u, true); bad != nil {
			out = append(out, *bad)
		}
	}
	return out
}

func (m *Model) entries() []entry {
	var out []entry
	if m.mock != nil {
		out = append(out, entry{target: *m.mock, saved: -1})
	}
	// The target the app opened on (--url, or a mock given without MockTarget),
	// unless it is already listed.
	listed := m.mock != nil && m.initial.Mock
	if !listed && (m.store == nil || !m.inStore(m.initial.Profile)) {
		out = append(out, entry{target: m.initial, saved: -1})
	}
	if m.store != nil {
		for i, p := range m.store.Profiles {
			out = append(out, entry{target: p.Target(), saved: i})
		}
	}
	return out
}

func (m *Model) inStore(name string) bool {
	_, ok := m.store.Get(name)
	return ok
}

func (m *Model) selectedSaved() int {
	es := m.entries()
	if m.cursor < 0 || m.cursor >= len(es) {
		return -1
	}
	return es[m.cursor].saved
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Profiles" }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, _ int) { m.width = w; m.form.SetWidth(w) }

// Capturing implements common.Screen. The whole edit form captures, toggles
// included, so a stray q can't quit with the changes unsaved.
func (m *Model) Capturing() bool { return m.editing }

// Busy implements common.Screen: nothing here talks to the network.
func (m *Model) Busy() bool { return false }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case confirmDeleteMsg:
		return m.delete(msg.name)
	case savedMsg:
		return m.onSaved(msg)
	case tea.KeyMsg:
		if m.editing {
			return m.onEditKey(msg)
		}
		return m.onListKey(msg)
	}
	if m.editing {
		return m.form.Update(msg)
	}
	return nil
}

func (m *Model) onListKey(msg tea.KeyMsg) tea.Cmd {
	es := m.entries()
	switch {
	case key.Matches(msg, m.keys.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, m.keys.Down):
		m.cursor = min(len(es)-1, m.cursor+1)
	case key.Matches(msg, m.keys.Use):
		if m.cursor < len(es) {
			t := es[m.cursor].target
			m.out.Info("switched to " + t.Profile)
			return func() tea.Msg { return common.SwitchTargetMsg{Target: t} }
		}
	case key.Matches(msg, m.keys.Add):
		m.editing, m.editOld = true, ""
		m.out.Clear()
		m.form.Reset()
		return m.form.Focus(0)
	case key.Matches(msg, m.keys.Edit):
		if i := m.selectedSaved(); i >= 0 {
			p := m.store.Profiles[i]
			m.editing, m.editOld = true, p.Name
			m.out.Clear()
			m.form.Reset()
			m.form.SetValue("name", p.Name)
			m.form.SetValue("url", p.URL)
			m.form.SetValue("domain", p.Domain)
			m.form.SetValue("username", p.Username)
			m.form.SetValue("insecure", strconv.FormatBool(p.Insecure))
			m.form.SetValue("production", strconv.FormatBool(p.Production))
			return m.form.Focus(0)
		}
	case key.Matches(msg, m.keys.Delete):
		i := m.selectedSaved()
		if i < 0 {
			m.out.Err(m.whyNotDeleted(es))
			return nil
		}
		name := m.store.Profiles[i].Name
		prompt := "Delete profile " + strconv.Quote(name) + "?"
		if strings.EqualFold(name, m.ctx.Target.Profile) {
			prompt = "Delete profile " + strconv.Quote(name) + ", which is in use? The app switches to " + m.fallback(name).Profile + "."
		}
		return func() tea.Msg {
			return common.ConfirmMsg{Prompt: prompt, To: ID, Yes: confirmDeleteMsg{name: name}}
		}
	}
	return nil
}

func (m *Model) onEditKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.editing = false
		m.form.Blur()
		return nil
	case key.Matches(msg, m.keys.Form.Submit):
		m.form.Touch()
		if !m.form.Valid() {
			m.out.Err("fix the marked fields")
			return nil
		}
		p := profile.Profile{
			Name: m.form.Value("name"), URL: m.form.Value("url"), Domain: m.form.Value("domain"),
			Username: m.form.Value("username"), Insecure: m.form.Bool("insecure"), Production: m.form.Bool("production"),
		}
		next := m.copyStore()
		if err := next.Put(m.editOld, p); err != nil {
			m.out.Err(err.Error())
			return nil
		}
		m.out.Info("saving " + p.Name + "…")
		return save(next, m.editOld, &p)
	}
	return m.form.Update(msg)
}

// copyStore is the store with its own list, to change and write in a Cmd; the
// screen's store changes only once the file holds the change.
func (m *Model) copyStore() profile.Store {
	next := *m.store
	next.Profiles = append([]profile.Profile(nil), m.store.Profiles...)
	return next
}

// save writes the file off the Update loop.
func save(next profile.Store, old string, p *profile.Profile) tea.Cmd {
	return common.To(ID, func() tea.Msg {
		return savedMsg{next: next.Profiles, old: old, p: p, err: next.Save()}
	})
}

func (m *Model) delete(name string) tea.Cmd {
	next := m.copyStore()
	if !next.Delete(name) {
		return nil
	}
	return save(next, name, nil)
}

// onSaved shows the file's new state and keeps the target in step with it: the
// profile in use, renamed or changed, is followed; deleted, it is left for the
// first row that remains (the built-in mock, when it runs).
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	if msg.err != nil {
		m.out.Err(msg.err.Error())
		return nil
	}
	m.store.Profiles = msg.next
	inUse := msg.old != "" && strings.EqualFold(msg.old, m.ctx.Target.Profile)
	if msg.p == nil {
		m.out.Info("deleted " + msg.old)
		m.cursor = max(0, min(m.cursor, len(m.entries())-1))
		if !inUse {
			return nil
		}
		t := m.fallback(msg.old)
		why := "deleted profile " + msg.old + ", which was in use"
		return func() tea.Msg { return common.SwitchTargetMsg{Target: t, Why: why} }
	}
	m.editing = false
	m.out.Info("saved " + msg.p.Name + " to " + m.store.Path)
	m.form.Blur()
	if !inUse {
		return nil
	}
	edited := common.ProfileEditedMsg{Old: msg.old, Target: msg.p.Target()}
	return func() tea.Msg { return edited }
}

// fallback is the target to use once profile name is gone: the first row left.
func (m *Model) fallback(name string) common.Target {
	for _, e := range m.entries() {
		if !strings.EqualFold(e.target.Profile, name) {
			return e.target
		}
	}
	return m.initial
}

// whyNotDeleted says why the row under the cursor has nothing to delete.
func (m *Model) whyNotDeleted(es []entry) string {
	if m.cursor < 0 || m.cursor >= len(es) {
		return "no profile selected"
	}
	t := es[m.cursor].target
	if t.Mock {
		return "the built-in mock is not a saved profile: there is nothing to delete (it goes when pbxauth runs without --mock)"
	}
	return t.Profile + " comes from the command line (--url), not the profile file: there is nothing to delete"
}
