// Package tui is pbxauth's terminal UI: a root router over one screen per job of
// the authentication API, a target bar, and a session history of exchanges.
package tui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
	"github.com/pbxauth/pbxauth/tui/components/confirm"
	"github.com/pbxauth/pbxauth/tui/history"
	"github.com/pbxauth/pbxauth/tui/profile"
	"github.com/pbxauth/pbxauth/tui/screens/mockctl"
)

// exchangeBuffer is how many exchanges may wait for the UI before the observer
// drops one (it must never block the client).
const exchangeBuffer = 256

// Options configure the app.
type Options struct {
	// Target is the PBX to open on.
	Target common.Target
	// API, when set, is used for Target as is (tests pass the mockery mock);
	// otherwise Connector makes the client.
	API apiclient.API
	// Connector makes clients for targets (ClientConnector when nil).
	Connector Connector
	// Outbox reads the built-in mock's mail; used while the target is the mock.
	Outbox Outbox
	// MockTarget is the built-in mock's target, offered by the profiles screen.
	MockTarget *common.Target
	// Profiles is the profile file (nil: no profiles).
	Profiles *profile.Store
	// Context is the program's context (Background when nil).
	Context context.Context
	Logger  *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// RequestTimeout bounds each call (15 s when zero).
	RequestTimeout time.Duration

	// History, when set, keeps each profile's exchanges on disk (redacted); the
	// inspector also shows the profile's earlier ones from it.
	History *history.Store
	// Clipboard receives what the inspector copies (OSC 52 on the terminal).
	Clipboard clipboard.Clipboard
	// ExportDir is where the inspector writes exported scenarios ("" = working dir).
	ExportDir string
	// ScenarioDir holds the user's scenario files for the scenarios screen.
	ScenarioDir string
	// Mock controls the built-in mock; the Mock screen is shown when it is set.
	Mock mockctl.Control
}

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

	exchanges chan common.ExchangeMsg

	tickGen     uint64
	ticking     bool
	refreshSent bool
	now         time.Time
}

// New builds the app on opts.Target.
func New(opts Options) (*Model, error) {
	ctx := common.NewContext()
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
	if opts.Connector == nil {
		opts.Connector = ClientConnector{Timeout: ctx.RequestTimeout}
	}
	if opts.History != nil {
		ctx.History.OnAppend(opts.History.Record)
	}
	m := &Model{ctx: ctx, opts: opts, exchanges: make(chan common.ExchangeMsg, exchangeBuffer)}
	m.help = help.New()
	m.help.ShortSeparator = "  "
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(ctx.Styles.Status.Busy))
	if err := m.setTarget(opts.Target, opts.API); err != nil {
		return nil, err
	}
	m.screens = buildScreens(ctx, opts)
	m.now = ctx.Now()
	return m, nil
}

// Context exposes the shared context (tests and benchmarks read it).
func (m *Model) Context() *common.Context { return m.ctx }

// Active is the active screen.
func (m *Model) Active() common.Screen { return m.screens[m.active] }

// observe is the observer of target's client. It runs on the request's goroutine,
// so it only hands the exchange over, tagged with the target; if the UI lags far
// behind it drops rather than block.
func observe(ch chan<- common.ExchangeMsg, target string) func(*apiclient.Exchange) {
	return func(ex *apiclient.Exchange) {
		select {
		case ch <- common.ExchangeMsg{Exchange: ex, Target: target}:
		default:
		}
	}
}

func (m *Model) setTarget(t common.Target, api apiclient.API) error {
	if api == nil {
		var err error
		api, err = m.opts.Connector.Connect(t, observe(m.exchanges, t.Profile))
		if err != nil {
			return fmt.Errorf("connect to %s: %w", t.BaseURL, err)
		}
	}
	m.ctx.Target, m.ctx.API, m.ctx.Session = t, api, nil
	m.ctx.Outbox = nil
	if t.Mock && m.opts.Outbox != nil {
		m.ctx.Outbox = m.opts.Outbox
	}
	return nil
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{waitExchange(m.exchanges)}
	for _, s := range m.screens {
		cmds = append(cmds, s.Init())
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model: resize, guarded global keys, app messages, then
// the active screen (or the screen a ScreenMsg is addressed to).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.ready = true
		m.ctx.Width, m.ctx.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m, m.after(m.handleKey(msg))
	case spinner.TickMsg:
		if msg.ID != m.spinner.ID() {
			// A screen's own spinner: each filters ticks by its ID, and an
			// inactive screen's spinner must keep turning too.
			for _, s := range m.screens {
				cmds = append(cmds, s.Update(msg))
			}
			return m, tea.Batch(cmds...)
		}
		if !m.anyBusy() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m.ticking = false
		m.now = msg.at
		return m, m.after(m.autoRefresh())
	case exchangeArrivedMsg:
		next := waitExchange(m.exchanges)
		_, cmd := m.Update(msg.ExchangeMsg)
		return m, tea.Batch(next, cmd)
	case common.ExchangeMsg:
		target := msg.Target
		if target == "" {
			target = m.ctx.Target.Profile
		}
		m.ctx.History.Append(target, msg.Exchange)
	case exchangesClosedMsg:
		return m, nil
	case common.ScreenMsg:
		if s := m.screen(msg.To); s != nil {
			cmds = append(cmds, s.Update(msg.Msg))
		}
		return m, m.after(tea.Batch(cmds...))
	case common.SignedInMsg:
		s := msg.Session
		m.ctx.Session, m.refreshSent = &s, false
		m.now = m.ctx.Now()
		m.setNotice("signed in as "+s.Who(), false)
	case common.SessionUpdatedMsg:
		s := msg.Session
		m.ctx.Session, m.refreshSent = &s, false
		m.now = m.ctx.Now()
	case common.SignedOutMsg:
		m.ctx.Session = nil
		m.tickGen++ // stop the countdown
		m.ticking = false
	case common.SwitchScreenMsg:
		if i := m.index(msg.ID); i >= 0 {
			m.active = i
		}
		return m, m.after(nil)
	case common.SwitchTargetMsg:
		if err := m.setTarget(msg.Target, nil); err != nil {
			m.setNotice(err.Error(), true)
			return m, nil
		}
		m.tickGen++
		m.ticking = false
		m.setNotice("target: "+msg.Target.Profile+" "+msg.Target.BaseURL, false)
		msg2 := common.TargetChangedMsg{Target: msg.Target}
		for _, s := range m.screens {
			cmds = append(cmds, s.Update(msg2))
		}
		return m, m.after(tea.Batch(cmds...))
	case common.ConfirmMsg:
		c := confirm.New(m.ctx.Styles, msg.Prompt)
		m.confirm, m.confirmTo, m.confirmOK = &c, msg.To, msg.Yes
		return m, nil
	case common.NotifyMsg:
		m.setNotice(msg.Text, msg.Error)
		return m, nil
	}
	if common.Broadcast(msg) {
		for _, s := range m.screens {
			cmds = append(cmds, s.Update(msg))
		}
		return m, m.after(tea.Batch(cmds...))
	}
	// Anything else (a field's cursor blink, a screen's own ticks) goes to the
	// active screen.
	cmds = append(cmds, m.screens[m.active].Update(msg))
	return m, m.after(tea.Batch(cmds...))
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	g := m.ctx.Keys
	if key.Matches(msg, g.ForceQuit) {
		return m.quit()
	}
	if m.confirm != nil {
		switch m.confirm.Update(msg) {
		case confirm.Yes:
			to, yes := m.confirmTo, m.confirmOK
			m.confirm, m.confirmOK = nil, nil
			if s := m.screen(to); s != nil {
				return s.Update(yes)
			}
		case confirm.No:
			m.confirm, m.confirmOK = nil, nil
			m.setNotice("cancelled", false)
		}
		return nil
	}
	if m.help.ShowAll && (key.Matches(msg, g.Help) || msg.Type == tea.KeyEsc) {
		m.help.ShowAll = false
		m.resize()
		return nil
	}
	active := m.screens[m.active]
	switch {
	case key.Matches(msg, g.Next):
		return m.switchTo((m.active + 1) % len(m.screens))
	case key.Matches(msg, g.Prev):
		return m.switchTo((m.active + len(m.screens) - 1) % len(m.screens))
	}
	if !active.Capturing() {
		switch {
		case key.Matches(msg, g.Quit):
			return m.quit()
		case key.Matches(msg, g.Help):
			m.help.ShowAll = !m.help.ShowAll
			m.resize()
			return nil
		case key.Matches(msg, g.Jump):
			if i := int(msg.Runes[0] - '1'); i < len(m.screens) {
				return m.switchTo(i)
			}
			return nil
		}
	}
	return active.Update(msg)
}

func (m *Model) switchTo(i int) tea.Cmd {
	m.active = i
	m.notice = ""
	m.resize() // the help bar's height depends on the screen
	return nil
}

func (m *Model) quit() tea.Cmd {
	for _, s := range m.screens {
		if c, ok := s.(interface{ Cancel() }); ok {
			c.Cancel()
		}
	}
	return tea.Quit
}

// after runs once per Update: it starts the spinner while a request is in flight
// and the countdown while a token is live. Both loops stop by themselves, so an
// idle app schedules nothing.
func (m *Model) after(cmd tea.Cmd) tea.Cmd {
	cmds := []tea.Cmd{cmd}
	if !m.spinning && m.anyBusy() {
		m.spinning = true
		cmds = append(cmds, m.spinner.Tick)
	}
	m.now = m.ctx.Now()
	if !m.ticking && m.ctx.Session.Live(m.now) {
		m.ticking = true
		m.tickGen++
		cmds = append(cmds, tick(m.tickGen))
	}
	return tea.Batch(cmds...)
}

// autoRefresh asks the status screen to renew the token once, when a tenth of its
// lifetime (at most a minute) is left.
func (m *Model) autoRefresh() tea.Cmd {
	s := m.ctx.Session
	if !m.ctx.AutoRefresh || s == nil || s.Refresh.IsZero() || m.refreshSent {
		return nil
	}
	lead := min(time.Minute, s.Lifetime/10)
	if left := s.Remaining(m.now); left > 0 && left <= lead {
		m.refreshSent = true
		return func() tea.Msg { return common.ScreenMsg{To: StatusScreen, Msg: common.AutoRefreshMsg{}} }
	}
	return nil
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

func (m *Model) setNotice(text string, isErr bool) { m.notice, m.noticeErr = text, isErr }
