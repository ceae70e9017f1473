//go:build unix

package render

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
)

// watchSize sends the size now and after every SIGWINCH until ctx ends.
func watchSize(ctx context.Context, p *tea.Program, f *os.File) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	defer signal.Stop(sig)
	for {
		sendSize(p, f)
		select {
		case <-ctx.Done():
			return
		case <-sig:
		}
	}
}
