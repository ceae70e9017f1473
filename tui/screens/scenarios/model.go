// Package scenarios is the scenarios screen: the built-in suite and the user's
// scenario files with their tags, a run of a selection with live progress, and a
// failure opened to its expected vs actual values and its exchange.
package scenarios

import (
	"context"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/textdoc"
)

// ID is the screen's ID.
const ID common.ScreenID = "scenarios"

// eventBuffer lets the runner run ahead of the UI; its callback blocks beyond it.
const eventBuffer = 1024

// Options are the screen's outside world.
type Options struct {
	// Dir holds the user's scenario files ("" lists the built-in suite only).
	Dir string
	// Builtin, when set, is listed instead of the suite built into the binary,
	// so goldens stay the same as the suite grows.
	Builtin []*sc.Scenario
	// NewRunner makes runners (DefaultRunner when nil).
	NewRunner RunnerFactory
	// NewLiveRunner makes runners on the live built-in mock (LiveRunner when nil).
	NewLiveRunner RunnerFactory
	// Fuzz runs a fuzz (fuzz.Run when nil).
	Fuzz FuzzFunc
	// Load runs a load (DefaultLoad when nil).
	Load LoadFunc
}

// row is one scenario of the list and its latest outcome.
type row struct {
	s      *sc.Scenario
	user   bool
	picked bool
	state  state
	steps  []*runner.StepResult
	result *runner.ScenarioResult
}

// Model is the scenarios screen.
type Model struct {
	ctx  *common.Context
	opts Options
	// live runs on the built-in mock as it is (LiveRunner), not on fresh ones.
	live bool
	keys KeyMap

	rows    []*row
	loadErr string
	loaded  bool
	cursor  int

	// The run in flight: its number (stale events are dropped), its rows in run
	// order, and how to stop it.
	run       uint64
	running   bool
	runRows   []*row
	cancel    context.CancelFunc
	waitCmd   tea.Cmd // reads the run's next event; re-issued after each one
	done      int
	summary   string
	cancelled bool

	allowMutations bool

	spinner  spinner.Model
	spinning bool
	barWidth int

	// staleRun: the target changed during the run; its results clear when it ends.
	staleRun bool

	detail   bool
	detailVP viewport.Model
	// detailStep is the step the open result shows: the failed one, else the last.
	detailStep *runner.StepResult
	docStyle   textdoc.Styles

	// fz is the fuzz pane (F): a fuzz run of the target with live progress.
	fz fuzzPane
	// ld is the load pane (L): the selection as a load with live charts.
	ld loadPane

	width, height int
}

// New builds the screen.
func New(ctx *common.Context, opts Options) *Model {
	if opts.NewRunner == nil {
		opts.NewRunner = DefaultRunner
	}
	if opts.NewLiveRunner == nil {
		opts.NewLiveRunner = LiveRunner
	}
	m := &Model{ctx: ctx, opts: opts, keys: DefaultKeyMap(), docStyle: textdoc.NewStyles(ctx.Styles.Palette)}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(ctx.Styles.Status.Busy))
	m.detailVP = viewport.New(0, 0)
	m.detailVP.KeyMap = viewport.KeyMap{}
	m.fz.vp = viewport.New(0, 0)
	m.fz.vp.KeyMap = viewport.KeyMap{}
	m.ld = newLoadPane(ctx.Styles)
	m.updateKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Scenarios" }

// Init reads the scenario files.
func (m *Model) Init() tea.Cmd { return common.To(ID, load(m.opts.Dir, m.opts.Builtin)) }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.barWidth = max(8, min(30, w/4))
	m.detailVP.Width, m.detailVP.Height = max(1, w), max(1, h-1)
	if m.detail {
		m.openDetail()
	}
	if m.fz.detail {
		m.openFuzzDetail()
	}
}

// Capturing implements common.Screen: no text field here.
func (m *Model) Capturing() bool { return false }

// Busy implements common.Screen: a run is in flight.
func (m *Model) Busy() bool { return m.running || m.fz.running || m.ld.running }

// Cancel stops the run.
func (m *Model) Cancel() {
	if m.cancel != nil {
		m.cancel()
	}
	if m.fz.cancel != nil {
		m.fz.cancel()
	}
	m.ld.stopLoad()
}

// Running reports whether a run is in flight (tests read it).
func (m *Model) Running() bool { return m.running }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded = true
		m.rows = m.reload(msg.builtin, msg.user)
		if msg.err != nil {
			m.loadErr = msg.err.Error()
		}
		m.cursor = min(m.cursor, max(0, len(m.rows)-1))
		return nil
	case eventMsg:
		if msg.run != m.run {
			return nil // a new run starts only after the last one's channel closed
		}
		m.onEvent(msg.ev)
		return m.waitCmd
	case runDoneMsg:
		if msg.run == m.run {
			m.running, m.cancel, m.waitCmd = false, nil, nil
			if m.cancelled {
				m.summary = "run cancelled · " + m.summary
			}
			if m.staleRun {
				m.clearResults()
			}
		}
		return nil
	case spinner.TickMsg:
		if !m.running {
			m.spinning = false
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return common.To(ID, cmd)
	case fuzzProgressMsg, fuzzDoneMsg:
		return m.onFuzzMsg(msg)
	case loadProgressMsg, loadDoneMsg, loadConfirmedMsg:
		return m.onLoadMsg(msg)
	case mutationsConfirmedMsg:
		m.allowMutations = true
		return nil
	case common.TargetChangedMsg:
		m.allowMutations = false
		if m.fz.cancel != nil {
			m.fz.cancel()
		}
		m.fz = fuzzPane{vp: m.fz.vp, run: m.fz.run + 1}
		m.ld.forget()
		// Results belong to the target they ran on: a run in flight is cancelled
		// (its rows clear once it has stopped), finished ones clear now.
		if m.running {
			if m.cancel != nil {
				m.cancel()
			}
			m.cancelled, m.staleRun = true, true
			return nil
		}
		m.clearResults()
		return nil
	case tea.KeyMsg:
		if m.ld.open {
			return m.onLoadKey(msg)
		}
		if m.fz.open {
			return m.onFuzzKey(msg)
		}
		if m.detail {
			return m.onDetailKey(msg)
		}
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		if m.running && m.cancel != nil {
			m.cancel()
			m.cancelled = true
		}
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, len(m.rows)-1), m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, len(m.rows)-1)
	case key.Matches(msg, k.Pick):
		if r := m.current(); r != nil {
			r.picked = !r.picked
		}
	case key.Matches(msg, k.PickAll):
		all := true
		for _, r := range m.rows {
			all = all && r.picked
		}
		for _, r := range m.rows {
			r.picked = !all
		}
	case key.Matches(msg, k.Open):
		if r := m.current(); r != nil && r.result != nil {
			m.detail = true
			m.openDetail()
		}
	case key.Matches(msg, k.Run):
		return m.start()
	case key.Matches(msg, k.Fuzz):
		return m.startFuzzRun()
	case key.Matches(msg, k.Load):
		return m.askLoad()
	case key.Matches(msg, k.Reload):
		if m.running {
			return nil
		}
		m.loadErr, m.summary, m.runRows = "", "", nil
		return common.To(ID, load(m.opts.Dir, m.opts.Builtin))
	case key.Matches(msg, k.Live):
		m.live = !m.live
		return nil
	case key.Matches(msg, k.Mutations):
		if m.allowMutations {
			m.allowMutations = false
			return nil
		}
		if m.ctx.Target.Production {
			// Built here: the Cmd runs on another goroutine and must not read the model.
			ask := common.ConfirmMsg{Prompt: "Allow mutating scenarios on the PRODUCTION PBX " + m.ctx.Target.BaseURL + "?", To: ID, Yes: mutationsConfirmedMsg{}}
			return func() tea.Msg { return ask }
		}
		m.allowMutations = true
	}
	return nil
}

func (m *Model) onDetailKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.detail = false
	case key.Matches(msg, m.keys.Inspect):
		if s, r := m.detailStep, m.current(); s != nil && s.Exchange != nil && r != nil {
			ex, name := s.Exchange, r.s.Name
			return func() tea.Msg { return common.InspectMsg{Exchange: ex, Scenario: name} }
		}
	case key.Matches(msg, m.keys.Up):
		m.detailVP.ScrollUp(1)
	case key.Matches(msg, m.keys.Down):
		m.detailVP.ScrollDown(1)
	case key.Matches(msg, m.keys.PageUp):
		m.detailVP.HalfPageUp()
	case key.Matches(msg, m.keys.PageDown):
		m.detailVP.HalfPageDown()
	}
	return nil
}

func (m *Model) current() *row {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return nil
	}
	return m.rows[m.cursor]
}

// reload lists the scenarios read again. A scenario still there (same file,
// same name) keeps its row: its pick, its result, and a run in flight, whose
// events go to the rows it started with, still shows on the list.
func (m *Model) reload(builtin, user []*sc.Scenario) []*row {
	key := func(s *sc.Scenario, user bool) string {
		return strconv.FormatBool(user) + "\x00" + s.Pos.File + "\x00" + s.Name
	}
	old := make(map[string]*row, len(m.rows))
	for _, r := range m.rows {
		old[key(r.s, r.user)] = r
	}
	rows := make([]*row, 0, len(builtin)+len(user))
	add := func(s *sc.Scenario, user bool) {
		r, ok := old[key(s, user)]
		if !ok {
			r = &row{user: user}
		}
		r.s = s
		rows = append(rows, r)
	}
	for _, s := range builtin {
		add(s, false)
	}
	for _, s := range user {
		add(s, true)
	}
	return rows
}
