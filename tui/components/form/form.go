// Package form is a column of labelled text fields with inline validation, masked
// secrets with an explicit reveal toggle, and toggles. Screens build their forms on it.
package form

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Kind is how a field takes input.
type Kind int

// Field kinds.
const (
	Text   Kind = iota
	Secret      // masked unless revealed
	Toggle      // yes/no, flipped with space
)

// Field describes one input. Key is the wire name (the one apiclient/rules knows).
type Field struct {
	Key   string
	Label string
	Kind  Kind
	// Placeholder describes what goes in an empty field ("account name"), never
	// an example value: without colour a placeholder looks exactly like typed
	// text, so the form shows it in parentheses as well as in the hint style.
	Placeholder string
	// Optional fields are left out of Values when empty, so the rules treat them
	// as "not sent" rather than "sent empty".
	Optional bool
	Hint     string
	CharLim  int
}

type field struct {
	Field
	input textinput.Model
	on    bool // Toggle's value
	// touched: the person edited this field, so its violation shows; a field
	// not reached yet, or only passed through, is flagged by a send.
	touched bool
}

// Validator returns the violations of the values (see rules.Check).
type Validator func(values map[string]string) []rules.Violation

// RulesFor validates with the shared rules of an operation.
func RulesFor(operationID string) Validator {
	return func(v map[string]string) []rules.Violation { return rules.Check(operationID, v) }
}

// Model is a form.
type Model struct {
	KeyMap KeyMap
	fields []*field
	focus  int // -1: no field has focus
	// resume is the field tab enters while none has focus (FocusLater).
	resume   int
	revealed bool
	validate Validator
	styles   *styles.Styles
	width    int
	// touched turns on every field's inline errors once a send was tried; before
	// that each field shows its own once touched, so a fresh form is not all red.
	touched bool
}

// New builds a form; no field has focus until Focus is called.
func New(st *styles.Styles, validate Validator, fields ...Field) Model {
	m := Model{KeyMap: DefaultKeyMap(), focus: -1, validate: validate, styles: st, width: 80}
	for _, f := range fields {
		ti := textinput.New()
		// A steady cursor: a blinking one redraws the whole frame twice a second
		// while the person does nothing (issue 14: idle must draw nothing).
		ti.Cursor.SetMode(cursor.CursorStatic)
		ti.Prompt = ""
		if f.Placeholder != "" {
			ti.Placeholder = "(" + f.Placeholder + ")"
		}
		ti.CharLimit = 1024
		if f.CharLim > 0 {
			ti.CharLimit = f.CharLim
		}
		if f.Kind == Secret {
			ti.EchoMode = textinput.EchoPassword
			ti.EchoCharacter = '•'
		}
		ti.PlaceholderStyle = st.Form.Hint
		m.fields = append(m.fields, &field{Field: f, input: ti})
	}
	m.setWidth(80)
	return m
}

// SetWidth sets the form's width.
func (m *Model) SetWidth(w int) { m.setWidth(w) }

func (m *Model) setWidth(w int) {
	m.width = w
	iw := w - labelWidth(m.fields) - 4
	if iw < 4 {
		iw = 4
	}
	for _, f := range m.fields {
		f.input.Width = iw
	}
}

// Focus gives focus to the field at i (clamped).
func (m *Model) Focus(i int) tea.Cmd {
	if len(m.fields) == 0 {
		return nil
	}
	if i < 0 {
		i = 0
	}
	if i >= len(m.fields) {
		i = len(m.fields) - 1
	}
	m.Blur()
	m.focus = i
	return m.fields[i].input.Focus()
}

// FocusKey gives focus to the field named key.
func (m *Model) FocusKey(k string) tea.Cmd {
	for i, f := range m.fields {
		if f.Key == k {
			return m.Focus(i)
		}
	}
	return nil
}

// FocusLater leaves every field unfocused and makes field i the one the next
// tab enters: for a reply that arrives while the person may be typing
// elsewhere, so none of their keys lands in a field they did not choose.
func (m *Model) FocusLater(i int) {
	m.Blur()
	m.resume = i
}

// Blur takes focus away from every field.
func (m *Model) Blur() {
	if m.focus >= 0 && m.focus < len(m.fields) {
		m.fields[m.focus].input.Blur()
	}
	m.focus = -1
}

// Focused reports whether a field has focus.
func (m Model) Focused() bool { return m.focus >= 0 }

// FocusIndex is the focused field's index, or -1.
func (m Model) FocusIndex() int { return m.focus }

// Len is the number of fields.
func (m Model) Len() int { return len(m.fields) }

// Capturing reports whether a text field has focus (printable keys are input).
func (m Model) Capturing() bool {
	return m.focus >= 0 && m.fields[m.focus].Kind != Toggle
}

// Revealed reports whether secrets are shown.
func (m Model) Revealed() bool { return m.revealed }

// SetRevealed shows or masks the secret fields.
func (m *Model) SetRevealed(on bool) {
	m.revealed = on
	for _, f := range m.fields {
		if f.Kind != Secret {
			continue
		}
		if on {
			f.input.EchoMode = textinput.EchoNormal
		} else {
			f.input.EchoMode = textinput.EchoPassword
		}
	}
}

// SetValue sets a field's value (a Toggle takes "true"/"false").
func (m *Model) SetValue(k, v string) {
	if f := m.field(k); f != nil {
		if f.Kind == Toggle {
			f.on = v == "true"
			return
		}
		f.input.SetValue(v)
		f.input.CursorEnd()
	}
}

// Value is a field's current value ("true"/"false" for toggles).
func (m Model) Value(k string) string {
	f := m.field(k)
	if f == nil {
		return ""
	}
	if f.Kind == Toggle {
		if f.on {
			return "true"
		}
		return "false"
	}
	return f.input.Value()
}

// Bool is a toggle's value.
func (m Model) Bool(k string) bool { return m.Value(k) == "true" }

func (m Model) field(k string) *field {
	for _, f := range m.fields {
		if f.Key == k {
			return f
		}
	}
	return nil
}

// Values are the fields as they would be sent: empty optional fields are left out.
func (m Model) Values() map[string]string {
	out := make(map[string]string, len(m.fields))
	for _, f := range m.fields {
		v := m.Value(f.Key)
		if f.Optional && v == "" {
			continue
		}
		out[f.Key] = v
	}
	return out
}

// Violations are the current rule violations of the form.
func (m Model) Violations() []rules.Violation {
	if m.validate == nil {
		return nil
	}
	return m.validate(m.Values())
}

// Valid reports whether the form breaks no rule.
func (m Model) Valid() bool { return len(m.Violations()) == 0 }

// Touch shows inline errors from now on (called when a send is tried).
func (m *Model) Touch() { m.touched = true }

// Untouch hides inline errors again until the next edit or send (after a
// successful send clears a secret, say).
func (m *Model) Untouch() {
	m.touched = false
	for _, f := range m.fields {
		f.touched = false
	}
}

// Reset clears every field and hides errors again.
func (m *Model) Reset() {
	for _, f := range m.fields {
		f.input.SetValue("")
		f.on, f.touched = false, false
	}
	m.touched = false
}

// Update handles navigation, reveal and toggles, and forwards other keys to the
// focused field only. Submit and SendAnyway are left to the screen (it knows what
// to send): the screen checks them before calling Update.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if m.focus >= 0 {
			var cmd tea.Cmd
			m.fields[m.focus].input, cmd = m.fields[m.focus].input.Update(msg)
			return cmd
		}
		return nil
	}
	switch {
	case key.Matches(km, m.KeyMap.Next) && m.focus < 0:
		i := m.resume
		m.resume = 0
		return m.Focus(i)
	case key.Matches(km, m.KeyMap.Next):
		return m.Focus((m.focus + 1) % max(1, len(m.fields)))
	case key.Matches(km, m.KeyMap.Prev):
		i := m.focus - 1
		if i < 0 {
			i = len(m.fields) - 1
		}
		return m.Focus(i)
	case key.Matches(km, m.KeyMap.Reveal):
		m.SetRevealed(!m.revealed)
		return nil
	}
	if m.focus < 0 {
		return nil
	}
	f := m.fields[m.focus]
	if f.Kind == Toggle {
		if key.Matches(km, m.KeyMap.Toggle) {
			f.on = !f.on
			f.touched = true
		}
		return nil
	}
	var cmd tea.Cmd
	before := f.input.Value()
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		f.touched = true
	}
	return cmd
}

// showsErrors reports whether f's violation is shown.
func (m Model) showsErrors(f *field) bool { return m.touched || f.touched }

// HasSecrets reports whether the form has a secret field (for the reveal help).
func (m Model) HasSecrets() bool {
	for _, f := range m.fields {
		if f.Kind == Secret {
			return true
		}
	}
	return false
}

func labelWidth(fs []*field) int {
	w := 0
	for _, f := range fs {
		if len(f.Label) > w {
			w = len(f.Label)
		}
	}
	return w
}
