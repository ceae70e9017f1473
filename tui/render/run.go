package render

import (
	"context"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// model hands every frame the program draws to the renderer: Bubble Tea calls
// View once after Init and once after each Update, where its own renderer
// would take the frame.
type model struct {
	tea.Model
	r *Renderer
}

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if sz, ok := msg.(tea.WindowSizeMsg); ok {
		m.r.Resize(sz.Width, sz.Height)
	}
	var cmd tea.Cmd
	m.Model, cmd = m.Model.Update(msg)
	return m, cmd
}

func (m model) View() string {
	v := m.Model.View()
	m.r.Write(v)
	return v
}

// Run runs app full-screen on in and out, as tea.NewProgram(app,
// tea.WithAltScreen(), ...).Run() would, drawing at most fps frames a second
// and none while nothing changes. It returns the final model (app's, unwrapped).
func Run(ctx context.Context, app tea.Model, in io.Reader, out io.Writer, fps int, opts ...tea.ProgramOption) (tea.Model, error) {
	// Raw input: without its renderer Bubble Tea leaves the terminal as it is.
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		prev, err := term.MakeRaw(f.Fd())
		if err != nil {
			return app, err
		}
		defer func() { _ = term.Restore(f.Fd(), prev) }()
	}
	r := New(out, fps)
	r.Start()
	defer r.Stop()

	opts = append(opts, tea.WithoutRenderer(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	p := tea.NewProgram(model{Model: app, r: r}, opts...)
	if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go watchSize(ctx, p, f)
	}
	final, err := p.Run()
	if m, ok := final.(model); ok {
		final = m.Model
	}
	return final, err
}

// sendSize tells the program the terminal's size (Bubble Tea only does so with
// its own renderer).
func sendSize(p *tea.Program, f *os.File) {
	if w, h, err := term.GetSize(f.Fd()); err == nil {
		p.Send(tea.WindowSizeMsg{Width: w, Height: h})
	}
}
