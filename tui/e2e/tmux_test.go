// Package e2e drives the built pbxauth binary in a real terminal (tmux) the way a
// person would, and checks what the screen shows.
package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// stepTimeout bounds each wait for the screen. A passing run takes a few seconds
// (waits poll, so they end as soon as the text shows); the bound is generous for a
// 2-core CI box running every package's tests at once with a -race binary.
const stepTimeout = 45 * time.Second

// term is a tmux server of its own (its own socket, no user config) with one pane.
type term struct {
	t    *testing.T
	sock string
	env  []string
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", tm.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = tm.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Tab, C-e) or literal text with -l.
func (tm *term) keys(k ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...)
}

func (tm *term) text(s string) { tm.t.Helper(); tm.tmux("send-keys", "-t", "e2e", "-l", s) }

func (tm *term) screen() string { tm.t.Helper(); return tm.tmux("capture-pane", "-p", "-t", "e2e") }

// waitFor polls the pane until every pattern matches, or fails with the screen.
func (tm *term) waitFor(what string, patterns ...string) string {
	tm.t.Helper()
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	deadline := time.Now().Add(stepTimeout)
	for {
		s := tm.screen()
		ok := true
		for _, re := range res {
			ok = ok && re.MatchString(s)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("%s: %v not on screen after %s:\n%s", what, patterns, stepTimeout, s)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not a wait for the app
	}
}

// e2eScenario is a user scenario for the scenarios screen: carol's two-factor
// sign-in through the built-in flow, then her info.
const e2eScenario = `name: e2e carol signs in with a mailed code
tags: [mutating, mock-only, e2e]
steps:
  - include: builtin:flows/signin_2fa.yaml
    with: {username: carol, password: "Carol#2026", domain: secure.example.com}
  - call: getUserAuthInfo
    token: ${access_token}
    expect:
      body:
        role: StandardUser
`

// buildFlags are extra `go build` flags (race_test.go adds -race under -race).
var buildFlags []string

func build(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not in PATH: cannot build the binary")
	}
	bin := filepath.Join(dir, "pbxauth")
	args := append(append([]string{"build"}, buildFlags...), "-o", bin, "github.com/pbxauth/pbxauth")
	out, err := exec.Command(goBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// launch builds the binary and starts it in a tmux pane of its own, in a home
// of its own (profiles, history and scenarios untouched), with the user scenario
// file in place, with args (none: the built-in mock). It returns the terminal, the
// binary, the shell's directory (exports land there) and the data directory.
func launch(t *testing.T, args ...string) (tm *term, bin, work, data string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: skipping the end-to-end terminal test (CI installs tmux)")
	}
	dir := t.TempDir()
	bin = build(t, dir)

	// A home of its own, so the user's profiles, history and scenarios are not touched.
	home := filepath.Join(dir, "home")
	cfg := filepath.Join(home, ".config")
	data = filepath.Join(home, ".local", "share")
	scen := filepath.Join(cfg, "pbxauth", "scenarios")
	if err := os.MkdirAll(scen, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scen, "e2e.yaml"), []byte(e2eScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	// tmux sockets live in a short path (sun_path is ~100 bytes).
	sockDir, err := os.MkdirTemp("", "pbxe2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(sockDir) })
	tm = &term{t: t, sock: filepath.Join(sockDir, "s"), env: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + cfg, "XDG_DATA_HOME=" + data,
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "TERM=xterm-256color", "LANG=C.UTF-8",
	}}
	// The pane runs a plain shell, so after quitting we can see the terminal is back.
	work = filepath.Join(dir, "work") // the shell's directory: exports land here
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	tm.tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "-c", work, "sh")
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-S", tm.sock, "kill-server").Run()
	})
	tm.tmux("set-option", "-g", "set-clipboard", "on") // accept OSC 52 copies into a tmux buffer
	// The marker is split in the command, so only the shell's output matches it,
	// wherever the prompt leaves it (keys typed before sh starts are echoed
	// by the terminal, and the output then follows the prompt on its line).
	tm.text(`echo RE""ADY`)
	tm.keys("Enter")
	tm.waitFor("shell", `(?m)READY$`)
	tm.text(strings.Join(append([]string{bin}, args...), " ") + "; echo EXITED=$?")
	tm.keys("Enter")

	return tm, bin, work, data
}

func TestTmux_signInStatusScenarioSignOutQuit(t *testing.T) {
	start := time.Now()
	tm, bin, work, data := launch(t)
	tm.waitFor("first frame", `built-in mock`, `Sign in · POST /auth/sign_in`, `not signed in`)

	// Two-factor sign-in as carol; the code comes from the mock's outbox (ctrl+o).
	tm.keys("Tab") // the app starts in navigation: tab enters the first field
	tm.text("carol")
	tm.keys("Tab")
	tm.text("Carol#2026")
	tm.keys("Tab")
	tm.text("secure.example.com")
	tm.keys("Enter")
	tm.waitFor("2FA challenge", `Sign in · two-factor code`, `for carol`)
	s := tm.screen()
	if strings.Contains(s, "Carol#2026") {
		t.Fatalf("the password is on screen:\n%s", s)
	}
	tm.keys("C-e")
	tm.waitFor("code mailed", `code sent`)
	tm.keys("C-o")
	tm.waitFor("code filled", `code filled from the mock's outbox`)
	tm.keys("Enter")
	tm.waitFor("signed in", `signed in \(two-factor\)`, `carol@secure\.example\.com \d+:\d\d`)

	// The form lets go of the keys after sign-in, so 2 switches to the status screen.
	// (No esc here: an ESC followed at once by 2 reaches the program as alt+2 when
	// both land in one read, which a loaded machine makes likely.)
	tm.waitFor("field left", `q quit`)
	tm.keys("2")
	tm.waitFor("status screen", `Status · GET /login`)
	tm.keys("r")
	tm.waitFor("status checked", `role\s+StandardUser`, `token expires in\s+\d+:\d\d`, `status checked`)

	// The inspector has the exchanges; copy one as curl through OSC 52 (redacted).
	tm.keys("7")
	tm.waitFor("inspector", `/auth/user`, `/auth/verify_otp`, `/auth/sign_in`)
	tm.keys("c")
	tm.waitFor("copied", `copied curl \(secrets redacted\)`)
	if buf := tm.tmux("show-buffer"); !strings.Contains(buf, "curl") || !strings.Contains(buf, "[REDACTED]") {
		t.Errorf("the clipboard (tmux buffer) should hold a redacted curl, got:\n%s", buf)
	}

	// Replay the selected exchange (GET /auth/user): the new one joins the history.
	tm.keys("r")
	tm.waitFor("replayed", `replayed: got the user's info`, `›\s+\d+ GET\s+/auth/user`)
	// Export the session as a scenario file; it is checked and rerun after quitting.
	tm.keys("e")
	tm.waitFor("exported", `exported \d+ exchange\(s\)`)

	// Run the user's scenario from the scenarios screen: it is last in the list.
	tm.keys("8")
	tm.waitFor("scenarios screen", `Scenarios · on fresh in-process mocks`, `1 from`)
	tm.keys("G")
	tm.waitFor("user scenario selected", `› \[ \] ★ e2e carol signs in`)
	tm.keys("Enter")
	tm.waitFor("scenario passed", `1 passed · 0 failed`, `✓ pass`, `✓ the new access token works|✓ getUserAuthInfo|✓ GET`)

	// Sign out from the status screen.
	tm.keys("2")
	tm.waitFor("status screen again", `Status · GET /login`)
	tm.keys("s")
	tm.waitFor("signed out", `signed out`, `not signed in`)

	// It still lays out at 80x24: target bar on top, help at the bottom.
	tm.tmux("resize-window", "-t", "e2e", "-x", "80", "-y", "24")
	s = tm.waitFor("80x24", `not signed in`, `q quit`)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) != 24 || !strings.Contains(lines[0], "built-in mock") || !strings.Contains(lines[23], "quit") {
		t.Errorf("at 80x24 the target bar should be the first line and the help the last:\n%s", s)
	}

	// q quits and gives the terminal back: the shell prompt, no alternate screen.
	tm.keys("q")
	s = tm.waitFor("terminal restored", `(?m)EXITED=0$`)
	if strings.Contains(s, "Status · GET /login") || strings.Contains(s, "not signed in") {
		t.Errorf("the TUI is still on screen after quitting:\n%s", s)
	}
	if alt := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")); alt != "0" {
		t.Errorf("the alternate screen is still on (alternate_on=%s)", alt)
	}
	// The history reached the data directory, redacted.
	hist, err := os.ReadFile(filepath.Join(data, "pbxauth", "history", "mock.jsonl"))
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if bytes.Contains(hist, []byte("Carol#2026")) || !bytes.Contains(hist, []byte("verify_otp")) {
		t.Errorf("the history should hold the session's exchanges, redacted")
	}
	// The exported session passes `pbxauth run --check` and reruns on the mock.
	exports, _ := filepath.Glob(filepath.Join(work, "pbxauth-mock-*.yaml"))
	if len(exports) != 1 {
		t.Fatalf("want one exported scenario in %s, got %v", work, exports)
	}
	for _, args := range [][]string{
		{"run", "--check", exports[0]},
		{"run", "--mock", "--var", "password_carol=Carol#2026", exports[0]},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Env = tm.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("pbxauth %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("pbxauth %s:\n%s", strings.Join(args[:len(args)-1], " "), out)
	}
	t.Logf("end-to-end run took %s (build included)", time.Since(start).Round(time.Millisecond))
}
