package tui

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
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
	// NoColor draws without colour, keeping bold and reverse (NO_COLOR).
	NoColor bool
	// API, when set, is used for Target as is (tests pass the mockery mock);
	// otherwise Connector makes the client.
	API apiclient.API
	// Connector makes clients for targets (ClientConnector when nil).
	Connector Connector
	// Outbox reads the built-in mock's mail; used while the target is the mock.
	Outbox Outbox
	// IdP drives the built-in mock's simulated identity provider (Social's ctrl+o);
	// used while the target is the mock.
	IdP common.IdP
	// Mail reads a real PBX's mail (--mail, an SMTP receiver); used while the
	// target is not the mock.
	Mail Outbox
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
	// Scenarios, when set, is the list the scenarios screen shows in place of
	// the built-in suite (goldens pin it; nil: the suite in the binary).
	Scenarios []*sc.Scenario
	// DemoAccounts are the built-in mock's accounts the screens offer a newcomer
	// (DemoAccounts of the data the mock runs with); none are shown when nil.
	DemoAccounts []common.DemoAccount
	// Mock controls the built-in mock; the Mock screen is shown when it is set.
	Mock mockctl.Control
}

// URLTarget is the target of an address given on the command line (--url,
// PBXAUTH_URL). It is named after its host and port, kept to file-name-safe
// characters, so each ad-hoc PBX keeps its own history file and the inspector
// never mixes two PBXs' exchanges.
func URLTarget(raw string, insecure bool) (common.Target, error) {
	u, err := apiclient.NormalizeBaseURL(raw)
	if err != nil {
		return common.Target{}, err
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_'
	}, strings.ToLower(u.Hostname())+"_"+port)
	return common.Target{Profile: name, BaseURL: strings.TrimSpace(raw), Insecure: insecure, AdHoc: true}, nil
}

// observe is the observer of target's client. It runs on the request's goroutine,
// so it only hands the exchange over, tagged with the target; if the UI lags far
// behind it drops rather than block, and counts the drop in dropped.
func observe(ch chan<- common.ExchangeMsg, target string, dropped *atomic.Int64) func(*apiclient.Exchange) {
	return func(ex *apiclient.Exchange) {
		select {
		case ch <- common.ExchangeMsg{Exchange: ex, Target: target}:
		default:
			dropped.Add(1)
		}
	}
}

// clock is the time as target t sees it: on the in-process mock its own clock,
// which the Mock screen can move ahead, so tokens expire in the UI when they do
// on the mock; elsewhere the wall clock (or the one the options pin).
func (m *Model) clock(t common.Target) func() time.Time {
	switch {
	case t.Mock && m.opts.Mock != nil:
		return m.opts.Mock.Now
	case m.opts.Now != nil:
		return m.opts.Now
	}
	return time.Now
}

func (m *Model) setTarget(t common.Target, api apiclient.API) error {
	if api == nil {
		var err error
		api, err = m.opts.Connector.Connect(t, observe(m.exchanges, t.Profile, &m.dropped))
		if err != nil {
			return fmt.Errorf("connect to %s: %w", t.BaseURL, err)
		}
	}
	m.ctx.Target, m.ctx.API, m.ctx.Session = t, api, nil
	m.ctx.Now = m.clock(t)
	m.ctx.Outbox, m.ctx.IdP = nil, nil
	if t.Mock && m.opts.Outbox != nil {
		m.ctx.Outbox = m.opts.Outbox
	}
	if t.Mock {
		m.ctx.IdP = m.opts.IdP
	}
	if !t.Mock && m.opts.Mail != nil {
		m.ctx.Outbox = m.opts.Mail
	}
	return nil
}

// switchTarget talks to t from now on; the notice says what became of the
// session, since a session belongs to the PBX that issued it.
func (m *Model) switchTarget(t common.Target, why string) tea.Cmd {
	was := m.ctx.Session
	if err := m.setTarget(t, nil); err != nil {
		m.setNotice(err.Error(), true)
		return nil
	}
	m.tickGen++
	m.ticking = false
	notice := "target: " + t.Profile + " " + t.BaseURL
	if why != "" {
		notice = why + "; " + notice
	}
	if was != nil {
		notice += " (signed out of " + was.Who() + ": a session belongs to the PBX that issued it)"
	}
	m.setNotice(notice, false)
	return m.broadcast(common.TargetChangedMsg{Target: t})
}

// profileEdited follows an edit of the profile in use: a new name moves its
// history (on disk and in this run's list); a new address or TLS setting is
// another PBX, so the session ends as on a switch; otherwise it goes on.
func (m *Model) profileEdited(msg common.ProfileEditedMsg) tea.Cmd {
	cur := m.ctx.Target
	if !strings.EqualFold(msg.Old, cur.Profile) {
		return nil
	}
	t := msg.Target
	if t.Profile != cur.Profile {
		m.ctx.History.Retarget(cur.Profile, t.Profile)
		if m.opts.History != nil {
			m.opts.History.Rename(cur.Profile, t.Profile)
		}
	}
	if t.BaseURL != cur.BaseURL || t.Insecure != cur.Insecure {
		return m.switchTarget(t, "profile "+msg.Old+" now points elsewhere")
	}
	s := m.ctx.Session
	if err := m.setTarget(t, nil); err != nil {
		m.setNotice(err.Error(), true)
		return nil
	}
	m.ctx.Session = s // same PBX: the session goes on under the new name
	notice := "profile " + msg.Old + " saved as " + t.Profile + "; still in use"
	if s != nil {
		notice += ", session kept"
	}
	m.setNotice(notice, false)
	return nil
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.screens))
	for _, s := range m.screens {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}
