package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The guide's OAuth calls as a person makes them: the password grant on the Sign in
// screen, revoke on Status (the PBX then refuses the token, the refresh grant renews
// it), the exchanges in the inspector and the history with no secret; then the
// authorization-code flow on Social.
func TestTmux_oauthPasswordGrantRevokeRefresh(t *testing.T) {
	tm, bin, work, data := launch(t)
	tm.waitFor("first frame", `built-in mock`, `Sign in · POST /auth/sign_in`, `ctrl\+t use OAuth`)

	tm.keys("C-t")
	tm.waitFor("OAuth method", `Sign in · POST /login/oauth/token`, `method: OAuth password grant`)
	tm.keys("Tab")
	tm.text("alice")
	tm.keys("Tab")
	tm.text("Alice#2026")
	tm.keys("Tab")
	tm.text("example.com")
	tm.waitFor("password masked", `Password\s+•{10}\s`) // (the mock's demo list shows it below)
	tm.keys("Enter")
	tm.waitFor("signed in", `signed in \(OAuth password grant\)`, `alice@example\.com \d+:\d\d`)

	tm.waitFor("field left", `q quit`)
	tm.keys("2")
	tm.waitFor("status screen", `Status · GET /login`, `alice@example\.com \(bearer, OAuth\)`, `x revoke`)
	tm.keys("x")
	tm.waitFor("revoked", `access token revoked`, `token\s+revoked`, `alice@example\.com revoked`)
	tm.keys("r")
	tm.waitFor("the PBX refuses it", `status checked`, `(?s)GET /auth/user.*error\s+401 UNAUTHORIZED`)
	tm.keys("t")
	tm.waitFor("renewed", `token refreshed \(OAuth refresh_token grant\)`, `token expires in\s+\d+:\d\d`, `alice@example\.com \d+:\d\d`)
	tm.keys("r")
	tm.waitFor("the new token works", `(?s)GET /auth/user\s+role\s+Admin`)

	tm.keys("7")
	tm.waitFor("inspector", `/login/oauth/revoke`, `/login/oauth/token`)
	tm.keys("c")
	tm.waitFor("copied", `copied curl \(secrets redacted\)`)
	buf := tm.tmux("show-buffer")
	if !strings.Contains(buf, "curl") || !strings.Contains(buf, "[REDACTED]") || strings.Contains(buf, "Alice#2026") {
		t.Errorf("the clipboard (tmux buffer) should hold a redacted curl, got:\n%s", buf)
	}

	// The session exports as a scenario that reruns on the mock: the password is a
	// variable, the tokens captures of the grant that gave them.
	tm.keys("e")
	tm.waitFor("exported", `exported \d+ exchange\(s\)`)

	// The authorization-code flow with PKCE on Social: the mock's simulated IdP gives
	// the code (ctrl+o), enter exchanges it; state, code and verifier stay masked.
	tm.keys("4")
	tm.waitFor("social screen", `Social sign-in · POST /auth/sign_in/\{provider\}`, `PKCE\s+\[x\] yes`)
	tm.keys("Tab", "Tab")
	tm.text("contoso.com")
	tm.keys("Enter")
	tm.waitFor("login page", `1\. The login page`, `state=\[REDACTED\]`, `code_verifier\s+\[REDACTED\]`)
	tm.keys("C-o")
	tm.waitFor("code from the IdP", `signed in at the simulated IdP as dave`, `Code\s+•+`)
	tm.keys("Enter")
	tm.waitFor("exchanged", `signed in \(authorization code \+ PKCE\)`, `dave@contoso\.com \d+:\d\d`)

	tm.keys("q")
	tm.waitFor("terminal restored", `(?m)EXITED=0$`)
	exports, _ := filepath.Glob(filepath.Join(work, "pbxauth-mock-*.yaml"))
	if len(exports) != 1 {
		t.Fatalf("want one exported scenario in %s, got %v", work, exports)
	}
	scen, _ := os.ReadFile(exports[0])
	if bytes.Contains(scen, []byte("Alice#2026")) {
		t.Errorf("the exported scenario holds the password:\n%s", scen)
	}
	t.Logf("exported scenario:\n%s", scen)
	cmd := exec.Command(bin, "run", "--mock", "--var", "password_alice=Alice#2026", exports[0])
	cmd.Env = tm.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("pbxauth run --mock %s: %v\n%s\n%s", exports[0], err, out, scen)
	}
	hist, err := os.ReadFile(filepath.Join(data, "pbxauth", "history", "mock.jsonl"))
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if !bytes.Contains(hist, []byte("/login/oauth/revoke")) || bytes.Contains(hist, []byte("Alice#2026")) ||
		bytes.Count(hist, []byte("oauthToken")) < 3 || !bytes.Contains(hist, []byte("code_verifier=[REDACTED]")) {
		t.Errorf("the history should hold the grants, the revoke and the refresh, redacted:\n%s", hist)
	}
}
