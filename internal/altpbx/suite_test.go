package altpbx_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/altpbx"
	"github.com/pbxauth/pbxauth/mailbox"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// runSuite runs the built-in suite against altpbx as a QA team would against their
// PBX: a real target (no mock defaults), the accounts as variables, mutations
// allowed, one scenario at a time since they share the PBX's accounts.
func runSuite(t *testing.T, opts runner.Options) *runner.RunResult {
	t.Helper()
	ss, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	r, err := runner.New(opts)
	require.NoError(t, err)
	return r.Run(context.Background(), ss, nil)
}

func logResult(t *testing.T, res *runner.RunResult) {
	t.Helper()
	for _, sr := range res.Scenarios {
		switch {
		case sr.Status == runner.StatusSkipped:
			t.Logf("SKIP %s: %s", sr.Scenario.Name, sr.Reason)
		case sr.Status != runner.StatusPassed:
			msg := sr.Reason
			if fs := sr.FailedStep(); fs != nil {
				msg = fs.Name + ": " + fs.Message()
			}
			t.Logf("%s %s (finding %v): %s", sr.Status, sr.Scenario.Name, sr.Finding, msg)
		}
	}
	t.Logf("passed %d, failed %d, findings %d, errored %d, skipped %d of %d",
		res.Passed, res.Failed, res.Findings, res.Errored, res.Skipped, len(res.Scenarios))
}

// runOnAltPBX runs the built-in suite, without mail, on an altpbx with opts.
func runOnAltPBX(t *testing.T, opts altpbx.Options) *runner.RunResult {
	t.Helper()
	base, stop, err := altpbx.New(opts).Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	res := runSuite(t, runner.Options{BaseURL: base, Vars: altpbx.Vars(), AllowMutations: true, Parallel: 1})
	logResult(t, res)
	return res
}

// The suite asserts what PortSIP documents: against a PBX that keeps the documents
// but chooses otherwise where they are silent, nothing fails.
func TestBuiltinSuite_zeroFailuresAgainstAnotherPBX(t *testing.T) {
	res := runOnAltPBX(t, altpbx.Options{})
	assert.Zero(t, res.Failed, "failures")
	assert.Zero(t, res.Errored, "errors")
	assert.Zero(t, res.Findings, "findings: altpbx follows the recommended practice")
	assert.Equal(t, 0, res.ExitCode())
	for _, sr := range res.Scenarios {
		if sr.Status == runner.StatusSkipped {
			assert.NotContains(t, sr.Reason, "needs variables", "every variable is given")
		}
	}
}

// With its mail delivered over SMTP to pbxauth's receiver (run --mail), the
// two-factor and password-reset flows run against it too: every scenario runs but
// the ones bound to pbxauth's mock (mock level, or mock-only: the clock, the
// simulated identity provider), and nothing fails.
func TestBuiltinSuite_withMailMostOfTheSuiteRuns(t *testing.T) {
	rcv, err := mailbox.Listen(mailbox.Options{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rcv.Close() })
	pbx := altpbx.New(altpbx.Options{SMTPAddr: rcv.Addr()})
	base, stop, err := pbx.Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	res := runSuite(t, runner.Options{BaseURL: base, Vars: altpbx.Vars(), AllowMutations: true, Parallel: 1,
		Mail: &runner.SMTPMail{Box: rcv.Box(), Addr: rcv.Addr()}})
	logResult(t, res)
	assert.Zero(t, res.Failed, "failures")
	assert.Zero(t, res.Errored, "errors")
	assert.Zero(t, res.Findings, "findings")
	ran := len(res.Scenarios) - res.Skipped
	t.Logf("%d of %d ran", ran, len(res.Scenarios))
	for _, sr := range res.Scenarios {
		if sr.Status == runner.StatusSkipped {
			assert.NotContains(t, sr.Reason, "outbox", "%s: mail arrives over SMTP", sr.Scenario.Name)
			assert.True(t, sr.Scenario.Level == scenarios.LevelMock || sr.Scenario.MockOnly(),
				"%s: skipped though a PBX with mail can run it: %s", sr.Scenario.Name, sr.Reason)
		}
	}
}

// The built-in suite still passes every scenario against pbxauth's mock.
func TestBuiltinSuite_everyScenarioPassesOnTheMock(t *testing.T) {
	pool := runner.NewMockPool(mockserver.Options{})
	t.Cleanup(func() { _ = pool.Close() })
	res := runSuite(t, runner.Options{NewMock: pool.Get, Parallel: 4})
	logResult(t, res)
	assert.Equal(t, len(res.Scenarios), res.Passed)
}

// Where the suite checks a recommended practice PortSIP does not document, a PBX
// that skips it gets findings, never a failure: the contract scenarios (the web
// login flows, logout and sign_out, the Microsoft sign-in) do not require it behind
// the finding's back.
func TestBuiltinSuite_lapsesAreFindingsNotFailures(t *testing.T) {
	res := runOnAltPBX(t, altpbx.Options{Lapses: []altpbx.Lapse{altpbx.LapseCookieFlags, altpbx.LapseNoState, altpbx.LapseRefreshOutlivesSignOut, altpbx.LapseTokenOutlivesLogout}})
	assert.Zero(t, res.Failed, "failures")
	assert.Zero(t, res.Errored, "errors")
	var findings []string
	for _, sr := range res.Scenarios {
		if sr.Finding {
			findings = append(findings, sr.Scenario.Name)
		}
	}
	assert.ElementsMatch(t, []string{
		"the web session cookie is HttpOnly and SameSite",
		"Microsoft sign-in's authorization request carries a state",
		"sign-out also ends the refresh token",
		"logout also ends the session's access token",
	}, findings)
	assert.Equal(t, 0, res.ExitCode())
}

// Each expectation weakened to what its source says still fails a PBX that breaks
// the documented fact: the scenario fails as a failure, not a finding.
func TestBuiltinSuite_defectsStillFail(t *testing.T) {
	all, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	for defect, name := range map[altpbx.Defect]string{
		altpbx.DefectLogoutCrash:     "logout without a session answers a documented status",
		altpbx.DefectNoSessionCookie: "a web login opens a session that GET /login reports",
		altpbx.DefectVerifiedAsText:  "the user endpoint describes the signed-in account",
		altpbx.DefectEmptyTokenMails: "send_otp without a token is refused as invalid",
		altpbx.DefectAnyCode:         "a wrong code is refused without tokens",
		altpbx.DefectLinkOffCallback: "forgot password mails a reset link built on the callback URL",
		altpbx.DefectNoMS365Endpoint: "a Microsoft 365 tenant's metadata names its authorization endpoint",
		altpbx.DefectMS365Everywhere: "a tenant without Microsoft 365 says so in its metadata",
		altpbx.DefectErrorShape:      "reset_password with an unknown token is refused",
	} {
		t.Run(string(defect), func(t *testing.T) {
			var sel []*scenarios.Scenario
			for _, s := range all {
				if s.Name == name {
					sel = append(sel, s)
				}
			}
			require.Len(t, sel, 1, name)
			rcv, err := mailbox.Listen(mailbox.Options{Addr: "127.0.0.1:0"})
			require.NoError(t, err)
			t.Cleanup(func() { _ = rcv.Close() })
			run := func(opts altpbx.Options) *runner.RunResult {
				opts.SMTPAddr = rcv.Addr()
				pbx := altpbx.New(opts)
				base, stop, err := pbx.Start()
				require.NoError(t, err)
				defer stop()
				r, err := runner.New(runner.Options{BaseURL: base, Vars: altpbx.Vars(), AllowMutations: true, Parallel: 1,
					Mail: &runner.SMTPMail{Box: rcv.Box(), Addr: rcv.Addr()}})
				require.NoError(t, err)
				return r.Run(context.Background(), sel, nil)
			}
			require.Equal(t, runner.StatusPassed, run(altpbx.Options{}).Scenarios[0].Status, "passes without the defect")
			res := run(altpbx.Options{Defects: []altpbx.Defect{defect}})
			logResult(t, res)
			sr := res.Scenarios[0]
			assert.Equal(t, runner.StatusFailed, sr.Status)
			assert.False(t, sr.Finding, "a broken documented fact is a failure, not a finding")
			assert.Equal(t, 1, res.ExitCode())
		})
	}
}
