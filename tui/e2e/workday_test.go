package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// metadataScenario is a user scenario that expects the metadata to answer: it
// fails on the live mock once the Mock screen set a 500 fault on it.
const metadataScenario = `name: zz metadata answers on the mock as shaped
tags: [readonly, e2e]
steps:
  - call: retrieveMetadata
    expect: {status: 200}
`

// A working day's tour, as a daily user drives it: sign in with 2FA, status
// with auto-refresh across an expiry (the mock's clock moved +31m), the
// inspector's list filter and an export that keeps the clock step, profiles
// renamed and deleted while in use, and a scenario on the live mock with a fault.
func TestTmux_workingDay(t *testing.T) {
	start := time.Now()
	tm, _, work, data := launch(t)
	scen := filepath.Join(filepath.Dir(filepath.Dir(data)), ".config", "pbxauth", "scenarios")
	if err := os.WriteFile(filepath.Join(scen, "zz-metadata.yaml"), []byte(metadataScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	tm.waitFor("first frame", `built-in mock`, `Sign in · POST /auth/sign_in`, `not signed in`)

	// 1. Sign in with 2FA; the app starts in navigation, tab enters the form.
	tm.keys("Tab")
	tm.text("carol")
	tm.keys("Tab")
	tm.text("Carol#2026")
	tm.keys("Tab")
	tm.text("secure.example.com")
	tm.keys("Enter")
	tm.waitFor("2FA challenge", `Sign in · two-factor code`)
	tm.keys("C-e")
	tm.waitFor("code mailed", `code sent`)
	tm.keys("C-o")
	tm.waitFor("code filled", `code filled from the mock's outbox`)
	tm.keys("Enter")
	tm.waitFor("signed in", `carol@secure\.example\.com \d+:\d\d`, `q quit`)

	// 2. Status with auto-refresh on, across an expiry: the mock's clock jumps
	// +31m on the Mock screen, and the token is renewed although it expired.
	tm.keys("2")
	tm.waitFor("status", `Status · GET /login`, `auto-refresh\s+off`)
	tm.keys("a")
	tm.waitFor("auto-refresh on", `auto-refresh\s+on`)
	tm.keys("9")
	tm.waitFor("mock screen", `Mock PBX`, `Journal`)
	tm.keys(">")
	tm.waitFor("renewed after expiry", `carol@secure\.example\.com (30:00|29:[0-5]\d)`)
	tm.keys("2")
	tm.waitFor("status says so", `token refreshed automatically after it expired`)

	// 3. Inspector: / filters the list; the export keeps the clock move.
	tm.keys("7")
	tm.waitFor("inspector", `/auth/verify_otp`, `/auth/refresh|refresh`)
	tm.keys("/")
	tm.text("verify")
	tm.keys("Enter")
	tm.waitFor("filtered", `/verify: 1 of \d+ exchange\(s\) \(esc clears\)`)
	tm.keys("Escape")
	tm.waitFor("filter cleared", `\d+ exchange\(s\)`, `/auth/sign_in`)
	tm.keys("e")
	tm.waitFor("exported with the clock", `exported \d+ exchange\(s\) and 1 mock clock move\(s\)`)
	exports, _ := filepath.Glob(filepath.Join(work, "pbxauth-mock-*.yaml"))
	if len(exports) != 1 {
		t.Fatalf("want one export, got %v", exports)
	}
	if b, _ := os.ReadFile(exports[0]); !regexp.MustCompile(`clock: 31m0s`).Match(b) {
		t.Errorf("the export lacks the clock step:\n%s", b)
	}

	// 4. Profiles: add one, use it (the session's end is said), rename it while
	// in use (the bar follows), delete it while in use (back to the mock).
	tm.keys("6")
	tm.waitFor("profiles", `Profiles`, `\[built-in mock`)
	tm.keys("a")
	tm.waitFor("new profile form", `New profile`)
	tm.text("lab")
	tm.keys("Tab")
	tm.text("http://127.0.0.1:9")
	tm.keys("Enter")
	tm.waitFor("saved", `saved lab to`)
	tm.keys("j")
	tm.keys("Enter")
	tm.waitFor("switched", `signed out of carol@secure\.example\.com`, `not signed in`)
	tm.keys("e")
	tm.waitFor("edit form", `Edit profile lab`)
	tm.keys("BSpace", "BSpace", "BSpace")
	tm.text("lab2")
	tm.keys("Enter")
	tm.waitFor("renamed in use", `profile lab saved as lab2; still in use`, `lab2\s+http://127\.0\.0\.1:9\s+\[in use\]`)
	tm.keys("d")
	tm.waitFor("asks", `which is in use`)
	tm.keys("y")
	tm.waitFor("deleted, back on the mock", `deleted profile lab2, which was in use`, `\[built-in mock, in use\]`)

	// 5. A 500 fault on retrieveMetadata on the Mock screen; the user scenario
	// runs on the live mock and meets it.
	tm.keys("9")
	tm.waitFor("mock screen", `Mock PBX`)
	tm.keys("Tab", "Tab")
	tm.waitFor("faults pane", `operation\s+fault`)
	for i := 0; i < 20 && !regexp.MustCompile(`›\s*retrieveMetadata`).MatchString(tm.screen()); i++ {
		tm.keys("j")
		time.Sleep(100 * time.Millisecond) // key pacing while looking for the row, not a wait for the app
	}
	tm.keys("f")
	tm.waitFor("fault set", `retrieveMetadata.*500`)
	tm.keys("8")
	tm.waitFor("scenarios", `Scenarios · on fresh in-process mocks`)
	tm.keys("C-r")
	tm.waitFor("reloaded", `2 from`)
	tm.keys("m")
	tm.waitFor("live", `Scenarios · on the live mock`)
	tm.keys("G")
	tm.waitFor("picked", `› \[ \] ★ zz metadata answers`)
	tm.keys("Enter")
	tm.waitFor("failed on the fault", `0 passed · 1 failed`, `expected 200, got 500`)

	tm.keys("q")
	tm.waitFor("terminal restored", `(?m)EXITED=0$`)
	t.Logf("working-day tour took %s (build included)", time.Since(start).Round(time.Millisecond))
}
