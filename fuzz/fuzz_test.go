package fuzz

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/internal/altpbx"
	"github.com/pbxauth/pbxauth/mailbox"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// alice is the run's account, given as a real PBX's would be.
var alice = map[string]string{"username": "alice", "password": "Alice#2026", "domain": "example.com"}

// replayVars are what `pbxauth run` needs with --var for files saved against a real PBX.
func replayVars() map[string]string {
	flipped, _ := flipCase(alice["password"])
	return map[string]string{"password": alice["password"], "password_case_flipped": flipped}
}

func fuzzRun(t *testing.T, url string, examples int, seed uint64, mock bool) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := Run(ctx, Options{BaseURL: url, Seed: seed, MaxExamples: examples, Mode: ModeAll, Vars: alice, Mock: mock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// replayFile runs a saved scenario with the runner, as `pbxauth run FILE --url URL`.
func replayFile(t *testing.T, file string, opts runner.Options) *runner.RunResult {
	t.Helper()
	list, err := scenarios.NewLoader().Paths(file)
	if err != nil {
		data, _ := os.ReadFile(file)
		t.Fatalf("saved scenario does not load: %v\n%s", err, data)
	}
	opts.Vars = replayVars()
	r, err := runner.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r.Run(context.Background(), list, nil)
}

func TestSeededDefectsAreFoundShrunkSavedAndReplayed(t *testing.T) {
	cases := []struct {
		name   string
		defect defect
		check  string
		op     string
		level  Level
	}{
		{"500 on non-ASCII input", nonASCII500, CheckNoServerError, "", LevelContract},
		{"user endpoint ignores the bearer", userIgnoresBearer, CheckBearerRequired, "getUserAuthInfo", LevelContract},
		{"any bearer accepted", anyBearer, CheckBearerRequired, "getUserAuthInfo", LevelContract},
		{"refresh token reusable after rotation", refreshReusable(), CheckEndedStaysEnded, "refreshToken", LevelRecommended},
		{"schema violation", schemaViolation, CheckConforms, "getUserAuthInfo", LevelContract},
		{"case-insensitive password", caseInsensitivePassword, CheckExactCreds, "", LevelContract},
		{"web login ignores the password", webLoginIgnoresPassword, CheckExactCreds, "login", LevelContract},
		{"refresh token accepted as a bearer", refreshAsBearer(), CheckBearerRequired, "getUserAuthInfo", LevelRecommended},
		{"session cookie without HttpOnly", scriptableCookie, CheckCookie, "login", LevelRecommended},
		{"token answers cacheable", cacheableTokens, CheckNoStore, "signInWithCredentials", LevelRecommended},
		{"unknown accounts told apart", tellsUnknownUsers, CheckNoEnumeration, "signInWithCredentials", LevelRecommended},
		{"revoke leaves the access token alive", revokeIgnored, CheckEndedStaysEnded, "getUserAuthInfo", LevelContract},
		{"refresh grant reusable after rotation", oauthRefreshReusable(), CheckEndedStaysEnded, "oauthToken", LevelRecommended},
	}
	pool := runner.NewMockPool(mockserver.Options{})
	t.Cleanup(func() { _ = pool.Close() })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := defectivePBX(t, tc.defect)
			res := fuzzRun(t, url, 300, 7, false)
			var fd *Found
			for _, f := range res.Found {
				if f.Failure.Check == tc.check && (tc.op == "" || f.Failure.Op == tc.op) {
					fd = f
					break
				}
			}
			if fd == nil {
				t.Fatalf("not found in %d examples; found: %v", res.Examples, res.Found)
			}
			if fd.Failure.Level != tc.level {
				t.Errorf("level %s, want %s", fd.Failure.Level, tc.level)
			}
			if fd.StepsAfter > fd.StepsBefore || fd.StepsAfter > 4 {
				t.Errorf("not shrunk: %d steps from %d", fd.StepsAfter, fd.StepsBefore)
			}
			if tc.check == CheckNoServerError {
				// Shrunk to the offending character: a short body.
				if ex := fd.Steps[fd.Failure.Step].Exchange; len(ex.RequestBody) > 120 {
					t.Errorf("request not shrunk: %s", ex.RequestBody)
				}
			}
			dir := t.TempDir()
			if err := Save(dir, res); err != nil {
				t.Fatal(err)
			}
			if fd.Saved == "" {
				t.Fatal("not saved")
			}
			data, _ := os.ReadFile(fd.Saved)
			t.Logf("%s\n%s", fd.Failure, data)
			if bytes.Contains(data, []byte(alice["password"])) {
				t.Errorf("the real account's password is in the saved file:\n%s", data)
			}
			got := replayFile(t, fd.Saved, runner.Options{BaseURL: url})
			if got.Failed+got.Findings != 1 {
				t.Errorf("replay against the defective PBX: %d failed, %d passed, %d skipped; want the failure\n%s", got.Failed, got.Passed, got.Skipped, data)
			}
			good := replayFile(t, fd.Saved, runner.Options{NewMock: pool.Get})
			if good.Failed != 0 || good.Passed != 1 {
				t.Errorf("replay against the mock: %d failed, %d passed; want a pass\n%s", good.Failed, good.Passed, data)
			}
		})
	}
}

func TestNoFalseAlarmOnTheMock(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		// In-process, as `pbxauth fuzz --mock` runs it: no listener.
		mock, err := mockserver.New(mockserver.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		res, err := Run(ctx, Options{BaseURL: mockserver.InProcessAPIURL, Transport: mock.Transport(), Seed: seed, MaxExamples: 400, Mode: ModeAll,
			Mock: true, Control: mock.Control()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Found {
			t.Errorf("seed %d: false alarm: %s", seed, f.Failure)
		}
		if res.Stopped > 0 || res.Errors > 0 {
			t.Errorf("seed %d: %d cases cut short, %d without answer", seed, res.Stopped, res.Errors)
		}
		for _, o := range res.Ops {
			if o.Examples == 0 {
				t.Errorf("seed %d: no example for %s", seed, o.Operation)
			}
		}
	}
}

func TestSameSeedSameCases(t *testing.T) {
	g := func() *generator {
		return &generator{ops: loadOpsOnce(), selected: loadOpsOnce(), vars: MockDefaults, mock: true, mail: true,
			allowMutations: true, mode: ModeAll, probeCap: 100}
	}
	a, b := g(), g()
	ra, rb := newRand(99), newRand(99)
	for i := range 200 {
		ca, cb := a.next(ra), b.next(rb)
		if ca.String() != cb.String() || len(ca.Steps) != len(cb.Steps) {
			t.Fatalf("case %d differs: %s vs %s", i, ca, cb)
		}
	}
}

func TestSecretsNeverInReports(t *testing.T) {
	url := defectivePBX(t, refreshReusable())
	res := fuzzRun(t, url, 150, 7, false)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	rep := &TextReporter{W: &buf, Verbose: true}
	for _, f := range res.Found {
		rep.Event(Event{Kind: EventFound, Found: f})
	}
	if err := WriteJUnit(&buf, res, true); err != nil {
		t.Fatal(err)
	}
	flipped, _ := flipCase(alice["password"])
	for _, s := range []string{alice["password"], flipped} {
		if strings.Contains(buf.String(), s) {
			t.Fatalf("report holds a secret %q", s)
		}
	}
	if len(res.Found) == 0 {
		t.Fatal("nothing found: the test would prove nothing")
	}
}

func TestNoFalseAlarmOnAPBXWithOtherChoices(t *testing.T) {
	url := defectivePBX(t, otherChoices)
	res := fuzzRun(t, url, 600, 3, false)
	for _, f := range res.Found {
		if !f.Finding() {
			t.Errorf("false alarm: %s", f.Failure)
		}
	}
	if res.Stopped > res.Examples/20 {
		t.Errorf("%d of %d cases cut short: %s", res.Stopped, res.Examples, res.StoppedWhy)
	}
}

// Through the mock's outbox: the 2FA sequence finds a reusable code, and the saved
// scenario reads the code with an outbox step (mock-only).
func TestMailSequenceDefectIsSavedWithAnOutboxStep(t *testing.T) {
	url := defectiveMock(t, otpReusable())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A standalone mock, as `pbxauth fuzz --url URL --mock` says.
	res, err := Run(ctx, Options{BaseURL: url, Seed: 7, MaxExamples: 400, Operations: []string{"verifyOTP"}, Mock: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Mock {
		t.Fatal("a target said to be the mock is the mock")
	}
	var fd *Found
	for _, f := range res.Found {
		if f.Failure.Check == CheckEndedStaysEnded && f.Failure.Op == "verifyOTP" {
			fd = f
		}
	}
	if fd == nil {
		t.Fatalf("reused code not found in %d examples: %v", res.Examples, res.Found)
	}
	dir := t.TempDir()
	if err := Save(dir, res); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(fd.Saved)
	if !bytes.Contains(data, []byte("outbox:")) || !bytes.Contains(data, []byte("mock-only")) {
		t.Errorf("no outbox step:\n%s", data)
	}
	if got := replayFile(t, fd.Saved, runner.Options{BaseURL: url, SharedMock: true}); got.Failed+got.Findings != 1 {
		t.Errorf("replay against the defective mock: %d failed, %d passed, %d skipped\n%s", got.Failed, got.Passed, got.Skipped, data)
	}
	pool := runner.NewMockPool(mockserver.Options{})
	defer pool.Close()
	if got := replayFile(t, fd.Saved, runner.Options{NewMock: pool.Get}); got.Passed != 1 {
		for _, sr := range got.Scenarios {
			for _, st := range sr.Steps {
				t.Logf("%s %s %v", st.Name, st.Status, st.Failures)
			}
		}
		t.Errorf("replay against the mock: %d failed, %d passed\n%s", got.Failed, got.Passed, data)
	}
}

// The authorization-code grant runs only where the simulated identity provider is (a
// mock): a code that works twice and a PKCE verifier nobody checks are found at mock
// level, shrunk, saved, and the saved scenario replays the failure.
func TestCodeGrantDefectsOnAMock(t *testing.T) {
	pool := runner.NewMockPool(mockserver.Options{})
	t.Cleanup(func() { _ = pool.Close() })
	for _, tc := range []struct {
		name   string
		defect defect
		check  string
	}{
		{"code reusable", codeReusable(), CheckEndedStaysEnded},
		{"PKCE verifier not checked", verifierIgnored, CheckInvalidRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := defectiveMock(t, tc.defect)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := Run(ctx, Options{BaseURL: url, Seed: 7, MaxExamples: 300, Operations: []string{"oauthToken"}, Mock: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var fd *Found
			for _, f := range res.Found {
				if f.Failure.Check == tc.check && f.Failure.Op == "oauthToken" {
					fd = f
				}
			}
			if fd == nil {
				t.Fatalf("not found in %d examples: %v", res.Examples, res.Found)
			}
			if fd.Failure.Level != LevelMock {
				t.Errorf("level %s, want mock", fd.Failure.Level)
			}
			if fd.StepsAfter > fd.StepsBefore || fd.StepsAfter > 4 {
				t.Errorf("not shrunk: %d steps from %d", fd.StepsAfter, fd.StepsBefore)
			}
			dir := t.TempDir()
			if err := Save(dir, res); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(fd.Saved)
			t.Logf("%s\n%s", fd.Failure, data)
			if got := replayFile(t, fd.Saved, runner.Options{BaseURL: url, SharedMock: true}); got.Failed+got.Findings != 1 {
				t.Errorf("replay against the defective mock: %d failed, %d passed, %d skipped\n%s", got.Failed, got.Passed, got.Skipped, data)
			}
			if got := replayFile(t, fd.Saved, runner.Options{NewMock: pool.Get}); got.Passed != 1 {
				t.Errorf("replay against the mock: %d failed, %d passed\n%s", got.Failed, got.Passed, data)
			}
		})
	}
}

// altpbx keeps PortSIP's documents and chooses otherwise where they are silent (and
// follows the recommended practice): the fuzz finds nothing there either.
func TestNoFalseAlarmOnTheSecondPBX(t *testing.T) {
	pbx := altpbx.New(altpbx.Options{})
	base, stop, err := pbx.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	for _, seed := range []uint64{1, 2} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := Run(ctx, Options{BaseURL: base, Seed: seed, MaxExamples: 500, Mode: ModeAll, Vars: altpbx.Vars(), CredentialProbes: 50}, nil)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Found {
			t.Errorf("seed %d: false alarm: %s", seed, f.Failure)
		}
		if res.Stopped > res.Examples/20 {
			t.Errorf("seed %d: %d of %d cases cut short: %s", seed, res.Stopped, res.Examples, res.StoppedWhy)
		}
	}
}

// With the PBX's mail (SMTP, as --mail receives it) the 2FA and forgot/reset
// sequences run against a real PBX too, and altpbx passes them.
func TestMailSequencesOnTheSecondPBXOverSMTP(t *testing.T) {
	rcv, err := mailbox.Listen(mailbox.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	pbx := altpbx.New(altpbx.Options{SMTPAddr: rcv.Addr(), From: "pbx@acme.test"})
	base, stop, err := pbx.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := Run(ctx, Options{BaseURL: base, Seed: 4, MaxExamples: 120, Vars: altpbx.Vars(), AllowMutations: true,
		Mail: &runner.SMTPMail{Box: rcv.Box(), Addr: rcv.Addr()}, Operations: []string{"verifyOTP", "resetPassword"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Found {
		t.Errorf("false alarm: %s", f.Failure)
	}
	if res.Stopped > 0 {
		t.Errorf("%d cases cut short: %s", res.Stopped, res.StoppedWhy)
	}
	var otp, reset int
	for _, o := range res.Ops {
		switch o.Operation {
		case "sendOTP":
			otp = o.Requests
		case "forgetPassword":
			reset = o.Requests
		}
	}
	if otp == 0 || reset == 0 {
		t.Errorf("the mail sequences did not run: %d send_otp, %d forget_password requests", otp, reset)
	}
}

// A target says what it is: one that answers the mock's control API is still a real
// PBX unless the run says it is the mock (`--mock`), so nothing probes a PBX's paths.
func TestRun_aControlAPIDoesNotMakeAMock(t *testing.T) {
	url := defectiveMock(t, func(h http.Handler) http.Handler { return h })
	res, err := Run(context.Background(), Options{BaseURL: url, Seed: 1, MaxExamples: 20, Vars: alice}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mock {
		t.Fatal("a target answering /_mock/ was taken for the mock without --mock")
	}
}
