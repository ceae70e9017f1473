package inspector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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

func copyCurl(cb clipboard.Clipboard, text string, reveal, unreachable bool) tea.Cmd {
	return func() tea.Msg {
		if cb == nil {
			return copiedMsg{revealed: reveal, err: clipboard.ErrUnavailable}
		}
		return copiedMsg{revealed: reveal, unreachable: unreachable, err: cb.Copy(text)}
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
		path, f, err := createNew(dir, safeName(name))
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
	s := fmt.Sprintf("exported %d exchange(s)", exp.Exchanges)
	if exp.ClockSteps > 0 {
		s += fmt.Sprintf(" and %d mock clock move(s)", exp.ClockSteps)
	}
	s += fmt.Sprintf(" to %s — rerun: pbxauth run %s", path, path)
	if exp.Mock {
		s += " --mock"
	}
	// --var=name=… is one word, so wrapping never splits a flag from its value.
	for _, v := range exp.Vars {
		s += " --var=" + v + "=…"
	}
	if exp.Skipped > 0 {
		s += fmt.Sprintf(" (%d without an answer left out)", exp.Skipped)
	}
	return s
}

// createNew creates dir/name, or name-2, name-3… when it exists (two exports in
// one second): O_EXCL, so an export never overwrites a file.
func createNew(dir, name string) (string, *os.File, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		path := filepath.Join(dir, n)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		return path, f, err
	}
}
