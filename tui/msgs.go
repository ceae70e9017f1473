package tui

import (
	"log/slog"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
)

// tickMsg moves the token countdown; gen drops ticks of an older loop. It carries
// no time: the countdown reads the target's clock (the mock's may run ahead).
type tickMsg struct{ gen uint64 }

// tick schedules the next countdown tick, one second from now.
func tick(gen uint64) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// exchangeArrivedMsg is an exchange from the listener, which the root re-issues;
// a common.ExchangeMsg sent any other way is recorded without starting another
// listener.
type exchangeArrivedMsg struct{ common.ExchangeMsg }

// exchangesClosedMsg ends the exchange listener (the app is shutting down).
type exchangesClosedMsg struct{}

// waitExchange waits for the next exchange the client reports; the root re-issues
// it after each one (bubbletea's realtime pattern), so the model is only touched in
// Update.
func waitExchange(ch <-chan common.ExchangeMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return exchangesClosedMsg{}
		}
		return exchangeArrivedMsg{msg}
	}
}

// logExchange writes one line per exchange to the debug log (--log), redacted:
// what was called, on which profile, and how it went.
func logExchange(l *slog.Logger, target string, ex *apiclient.Exchange) {
	if ex == nil {
		return
	}
	attrs := []any{"profile", target, "operation", ex.Operation, "method", ex.Method,
		"url", apiclient.RedactURL(ex.URL), "status", ex.Status, "duration", ex.Duration}
	if ex.Err != "" {
		l.Warn("exchange failed", append(attrs, "error", ex.Err)...)
		return
	}
	l.Info("exchange", attrs...)
}
