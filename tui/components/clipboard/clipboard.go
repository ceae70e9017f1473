// Package clipboard puts text on the user's clipboard through OSC 52: the terminal
// does the copying, so it works over SSH and inside tmux (set-clipboard on).
package clipboard

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aymanbagabas/go-osc52/v2"
)

// Clipboard copies text.
type Clipboard interface {
	Copy(text string) error
}

// ErrUnavailable means no terminal was given to copy through.
var ErrUnavailable = errors.New("no clipboard: the terminal's output is not available")

// OSC52 writes the OSC 52 sequence to W, the terminal the TUI draws on. The
// sequence goes out in one Write, so it never lands inside a frame the renderer
// is writing.
type OSC52 struct {
	W  io.Writer
	mu sync.Mutex
}

// NewOSC52 copies through w.
func NewOSC52(w io.Writer) *OSC52 { return &OSC52{W: w} }

// Copy implements Clipboard.
func (o *OSC52) Copy(text string) error {
	if o == nil || o.W == nil {
		return ErrUnavailable
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := io.WriteString(o.W, osc52.New(text).String()); err != nil {
		return fmt.Errorf("copy to the clipboard: %w", err)
	}
	return nil
}
