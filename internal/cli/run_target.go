package cli

import (
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// runOptions turns the flags into the runner's options: the target (a PBX, a
// standalone mock, or in-process mocks), its mail and the run's settings. cleanup
// stops what it started (the mock pool, the mail receiver) and is never nil.
func runOptions(cmd *cobra.Command, s *streams, f *runFlags, list []*scenarios.Scenario, vars map[string]string) (opts runner.Options, cleanup func(), err error) {
	var stops []func()
	cleanup = func() {
		for _, stop := range slices.Backward(stops) {
			stop()
		}
	}
	validate, err := validateMode(f.validate)
	if err != nil {
		return opts, cleanup, err
	}
	opts = runner.Options{
		Validate: validate, Parallel: f.parallel, FailFast: f.failFast, AllowMutations: f.allowMutations,
		Spec: runner.SpecMode(f.spec), Timeout: f.timeout, Vars: vars, Insecure: f.insecure,
		Strict: f.strict, DropResults: true,
		MockToken: os.Getenv(mockTokenEnv), AllowHosts: f.allowHosts,
	}
	if f.parallel < 1 {
		return opts, cleanup, usageErrorf("--parallel must be at least 1")
	}
	if f.timeout <= 0 {
		return opts, cleanup, usageErrorf("--timeout must be positive")
	}
	// With --profile, f.url is the profile's: an empty --url beside it is not
	// the target. --mock named at all, even as --mock=false, keeps PBXAUTH_URL out.
	url, err := targetURL(f.url, cmd.Flags().Changed("url") && f.profile == "", f.mock || cmd.Flags().Changed("mock"))
	if err != nil {
		return opts, cleanup, err
	}
	switch {
	case url != "" && f.mock:
		// The user says it is a standalone pbxauth mock; nothing probes for it.
		opts.BaseURL, opts.SharedMock = url, true
	case url == "":
		// A mock of its own per scenario, reset and reused rather than restarted.
		pool := runner.NewMockPool(mockserver.Options{})
		stops = append(stops, func() { pool.Close() })
		opts.NewMock = pool.Get
		if !f.mock {
			fmt.Fprintln(s.err, "pbxauth: no --url (or PBXAUTH_URL): running against the in-process mock PBX")
		}
	default:
		opts.BaseURL = url
		// Only a real target asks: against the mock the demo data fills accounts.
		if err := fillSecretVars(s, list, vars, !f.list); err != nil {
			return opts, cleanup, withCode(ExitUsage, err)
		}
	}
	if f.mail != "" {
		mail, stop, err := receivePBXMail(s, f.mail, f.mailAllow, url == "" || f.mock)
		if err != nil {
			return opts, cleanup, err
		}
		stops = append(stops, stop)
		opts.Mail = mail
	}
	warnInsecure(s, f.insecure)
	return opts, cleanup, nil
}
