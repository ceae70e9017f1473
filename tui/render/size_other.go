//go:build !unix

package render

import (
	"context"
	"os"

	tea "github.com/charmbracelet/bubbletea"
)

// watchSize sends the size once: without SIGWINCH there is no resize signal.
func watchSize(_ context.Context, p *tea.Program, f *os.File) { sendSize(p, f) }
