package inspector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
	"github.com/pbxauth/pbxauth/tui/history"
)

// Every Cmd here gets the values it needs as arguments: it runs on its own
// goroutine and must not read the model.

func loadHistory(st *history.Store, profile string) tea.Cmd {
	return func() tea.Msg {
		entries, err := st.Load(profile)
		return restoredMsg{profile: profile, entries: entries, err: err}
	}
}

func replayCmd(ctx context.Context, api apiclient.API, id uint64, ex *apiclient.Exchange) tea.Cmd {
	return func() tea.Msg {
		what, err := replay(ctx, api, ex)
		return replayedMsg{id: id, what: what, err: err}
	}
}

func copyCurl(cb clipboard.Clipboard, text string, reveal bool) tea.Cmd {
	return func() tea.Msg {
		if cb == nil {
			return copiedMsg{revealed: reveal, err: clipboard.ErrUnavailable}
		}
		return copiedMsg{revealed: reveal, err: cb.Copy(text)}
	}
}

func exportCmd(entries []history.Entry, opts history.ExportOptions, dir, name string) tea.Cmd {
	return func() tea.Msg {
		exp, err := history.ExportScenario(entries, opts)
		if err != nil {
			return exportedMsg{err: err}
		}
		if dir == "" {
			dir = "."
		}
		path := filepath.Join(dir, safeName(name))
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		// O_EXCL: an export never overwrites a file.
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return exportedMsg{err: err}
		}
		_, werr := f.Write(exp.YAML)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return exportedMsg{err: werr}
		}
		return exportedMsg{path: path, exp: exp}
	}
}

// safeName keeps a file name to letters, digits, '.', '-' and '_'.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

func exportSummary(path string, exp *history.Export) string {
	// The full path in the rerun too: the export directory need not be the
	// working directory.
	s := fmt.Sprintf("exported %d step(s) to %s — rerun: pbxauth run %s", exp.Steps, path, path)
	for _, v := range exp.Vars {
		s += " --var " + v + "=…"
	}
	if exp.Skipped > 0 {
		s += fmt.Sprintf(" (%d without an answer left out)", exp.Skipped)
	}
	return s
}
