package e2e

import (
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/internal/hostiletest"
)

// TestTmux_hostilePBXCannotDriveTheTerminal points the TUI at a PBX whose every
// string carries terminal controls (OSC 52 clipboard write, window title, erase
// screen, DCS, C1 CSI, bidi override) and checks, in a real terminal, that none of
// them acted: the title and clipboard are untouched and the pane holds only the
// inert notation.
func TestTmux_hostilePBXCannotDriveTheTerminal(t *testing.T) {
	evil := hostiletest.Start(t)
	tm, _, _, _ := launch(t, "--url", evil.URL("controls"))
	tm.waitFor("first frame", `not signed in`)
	before := tm.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}")

	tm.keys("3")
	tm.waitFor("metadata screen", `Metadata`)
	tm.keys("Tab") // into the domain field; empty asks for the system metadata
	tm.keys("Enter")
	s := tm.waitFor("hostile metadata shown inert", `\^\[\]52`)

	if strings.Contains(s, "pwned") && !strings.Contains(s, "^[]0;pwned") {
		t.Errorf("the title sequence's text is on screen without its inert prefix:\n%s", s)
	}
	if after := tm.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}"); after != before || strings.Contains(after, "pwned") {
		t.Errorf("the server set the window title: %q -> %q", before, after)
	}
	if bufs := tm.tmux("list-buffers"); strings.TrimSpace(bufs) != "" {
		t.Errorf("the server wrote the clipboard (OSC 52): %q", bufs)
	}
	raw := tm.tmux("capture-pane", "-p", "-e", "-t", "e2e")
	if i, bad := hostiletest.RawControl(raw, true); bad {
		t.Errorf("a raw control reached the pane at byte %d: %q", i, raw[max(0, i-20):min(len(raw), i+20)])
	}
	tm.keys("Escape") // leave the field, so q quits
	tm.waitFor("field left", `q quit`)
	tm.keys("q")
	tm.waitFor("terminal back", `EXITED=0`)
}
