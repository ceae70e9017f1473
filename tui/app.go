// Package tui is pbxauth's terminal UI: a root router over one screen per job of
// the authentication API, a target bar, and a session history of exchanges.
package tui

import (
	"fmt"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/confirm"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Model is the root model: it routes messages, owns the chrome (target bar,
// tabs, status line, help) and forwards keys to the active screen only.
type Model struct {
	ctx       *common.Context
	opts      Options
	screens   []common.Screen
	active    int
	ready     bool
	help      help.Model
	spinner   spinner.Model
	spinning  bool
	confirm   *confirm.Model
	confirmTo common.ScreenID
	confirmOK tea.Msg
	notice    string
	noticeErr bool
	// scroll is the first line shown of a body taller than its area.
	scroll int

	exchanges chan common.ExchangeMsg
	// dropped counts the exchanges the observer could not hand over (the UI far
	// behind); droppedShown is the count the status line last told.
	dropped      atomic.Int64
	droppedShown int64

	tickGen     uint64
	ticking     bool
	refreshSent bool
}

// New builds the app on opts.Target.
func New(opts Options) (*Model, error) {
	ctx := common.NewContext()
	if opts.NoColor {
		st := styles.NoColorStyles()
		ctx.Styles = &st
	}
	if opts.Context != nil {
		ctx.Base = opts.Context
	}
	if opts.Logger != nil {
		ctx.Logger = opts.Logger
	}
	if opts.Now != nil {
		ctx.Now = opts.Now
	}
	if opts.RequestTimeout > 0 {
		ctx.RequestTimeout = opts.RequestTimeout
	}
	ctx.Demo = opts.DemoAccounts
	if opts.Connector == nil {
		opts.Connector = ClientConnector{Timeout: ctx.RequestTimeout}
	}
	if opts.History != nil {
		ctx.History.OnAppend(opts.History.Record)
	}
	m := &Model{ctx: ctx, opts: opts, exchanges: make(chan common.ExchangeMsg, exchangeBuffer)}
	m.help = help.New()
	hk := ctx.Styles.HelpKeys
	m.help.Styles = help.Styles{
		ShortKey: hk.Key, ShortDesc: hk.Desc, ShortSeparator: hk.Separator,
		FullKey: hk.Key, FullDesc: hk.Desc, FullSeparator: hk.Separator, Ellipsis: hk.Separator,
	}
	m.help.ShortSeparator = "  "
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(ctx.Styles.Status.Busy))
	if err := m.setTarget(opts.Target, opts.API); err != nil {
		return nil, err
	}
	m.screens = buildScreens(ctx, opts)
	ctx.Time = ctx.Now()
	return m, nil
}

// Context exposes the shared context (tests and benchmarks read it).
func (m *Model) Context() *common.Context { return m.ctx }

// Active is the active screen.
func (m *Model) Active() common.Screen { return m.screens[m.active] }

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{waitExchange(m.exchanges)}
	for _, s := range m.screens {
		cmds = append(cmds, s.Init())
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model: resize, guarded global keys, app messages, then
// the active screen (or the screen a ScreenMsg is addressed to). Each message
// kind with more than a line or two of handling has its own method below.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.ready = true
		m.ctx.Width, m.ctx.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m, m.after(m.handleKey(msg))
	case spinner.TickMsg:
		return m, m.spinnerTicked(msg)
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m.ticking = false
		return m, m.after(nil)
	case exchangeArrivedMsg:
		return m, m.exchangeArrived(msg)
	case exchangesClosedMsg:
		return m, nil
	case common.InspectMsg:
		return m, m.inspect(msg)
	case common.ScreenMsg:
		var cmd tea.Cmd
		if s := m.screen(msg.To); s != nil {
			cmd = s.Update(msg.Msg)
		}
		return m, m.after(cmd)
	case common.SwitchScreenMsg:
		var cmd tea.Cmd
		if i := m.index(msg.ID); i >= 0 {
			cmd = m.activate(i)
		}
		return m, m.after(cmd)
	case common.SwitchTargetMsg:
		return m, m.after(m.switchTarget(msg.Target, msg.Why))
	case common.ProfileEditedMsg:
		return m, m.after(m.profileEdited(msg))
	case common.ConfirmMsg:
		c := confirm.New(m.ctx.Styles, msg.Prompt)
		m.confirm, m.confirmTo, m.confirmOK = &c, msg.To, msg.Yes
		return m, nil
	case common.NotifyMsg:
		m.setNotice(msg.Text, msg.Error)
		return m, nil
	// The root's own share of the messages every screen hears; they go on to
	// the screens below.
	case common.ExchangeMsg:
		m.recordExchange(msg)
	case common.ClockMovedMsg:
		// The countdown reads the moved clock at the next after(); the
		// screens hear of it (the inspector lists the move).
		m.ctx.History.AppendClock(m.ctx.Target.Profile, msg.By)
	case common.SignedInMsg:
		m.setSession(msg.Session)
		// Said once: the screen that signed in says so, the bar shows who.
		m.setNotice("", false)
	case common.SessionUpdatedMsg:
		m.setSession(msg.Session)
	case common.SignedOutMsg:
		m.signedOut(msg.Notice)
	}
	if common.Broadcast(msg) {
		return m, m.after(m.broadcast(msg))
	}
	// Anything else (a field's cursor blink, a screen's own ticks) goes to the
	// active screen.
	return m, m.after(m.screens[m.active].Update(msg))
}

// spinnerTicked turns the root's spinner while any screen is busy and lets it
// stop once none is; another spinner's tick goes to every screen.
func (m *Model) spinnerTicked(msg spinner.TickMsg) tea.Cmd {
	if msg.ID != m.spinner.ID() {
		// A screen's own spinner: each filters ticks by its ID, and an
		// inactive screen's spinner must keep turning too.
		return m.broadcast(msg)
	}
	if !m.anyBusy() {
		m.spinning = false
		return nil
	}
	var cmd tea.Cmd
	m.spinner, cmd = m.spinner.Update(msg)
	return cmd
}

// exchangeArrived records an exchange from the listener and listens again.
func (m *Model) exchangeArrived(msg exchangeArrivedMsg) tea.Cmd {
	next := waitExchange(m.exchanges)
	_, cmd := m.Update(msg.ExchangeMsg)
	if n := m.dropped.Load(); n > m.droppedShown {
		// The history has a gap: said, so the inspector is not taken as whole.
		m.droppedShown = n
		m.setNotice(fmt.Sprintf("%d exchange(s) missing from the history: the screen fell behind the client", n), true)
	}
	return tea.Batch(next, cmd)
}

// recordExchange appends an exchange to the history under its target (the
// active one when it names none) and to the debug log.
func (m *Model) recordExchange(msg common.ExchangeMsg) {
	target := msg.Target
	if target == "" {
		target = m.ctx.Target.Profile
	}
	m.ctx.History.Append(target, msg.Exchange)
	logExchange(m.ctx.Logger, target, msg.Exchange)
}

// inspect adds a scenario run's exchange to the history and opens the
// inspector on it.
func (m *Model) inspect(msg common.InspectMsg) tea.Cmd {
	if msg.Exchange == nil {
		return nil
	}
	e := m.ctx.History.AppendScenario(m.ctx.Target.Profile, msg.Scenario, msg.Exchange)
	var cmds []tea.Cmd
	if i := m.index(InspectorScreen); i >= 0 {
		cmds = append(cmds, m.activate(i), m.screens[i].Update(common.SelectEntryMsg{Seq: e.Seq}))
	}
	return m.after(tea.Batch(cmds...))
}

// setSession holds a new or renewed session; it may be auto-refreshed again.
func (m *Model) setSession(s common.Session) {
	m.ctx.Session, m.refreshSent = &s, false
	m.ctx.Time = m.ctx.Now()
}

// signedOut drops the session and stops the countdown.
func (m *Model) signedOut(notice string) {
	m.ctx.Session = nil
	if notice != "" {
		m.setNotice(notice, false)
	}
	m.tickGen++
	m.ticking = false
}

func (m *Model) anyBusy() bool {
	for _, s := range m.screens {
		if s.Busy() {
			return true
		}
	}
	return false
}

func (m *Model) screen(id common.ScreenID) common.Screen {
	if i := m.index(id); i >= 0 {
		return m.screens[i]
	}
	return nil
}

func (m *Model) index(id common.ScreenID) int {
	for i, s := range m.screens {
		if s.ID() == id {
			return i
		}
	}
	return -1
}

// setNotice shows text in the status line; a notice of another height changes
// the body's, so the screens are resized.
func (m *Model) setNotice(text string, isErr bool) {
	before := lipgloss.Height(m.noticeView(m.ctx.Width))
	m.notice, m.noticeErr = text, isErr
	if lipgloss.Height(m.noticeView(m.ctx.Width)) != before {
		m.resize()
	}
}
