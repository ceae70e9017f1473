package cli

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/fuzz"
	"github.com/pbxauth/pbxauth/mockserver"
)

type fuzzFlags struct {
	url            string
	mock           bool
	operations     []string
	seed           uint64
	budget         time.Duration
	maxExamples    int
	mode           string
	allowMutations bool
	rate           float64
	vars           []string
	save           string
	junit, json    string
	html           string
	strict         bool
	insecure       bool
	timeout        time.Duration
	probes         int
	verbose        bool
	mail           string
	mailAllow      []string
}

func newFuzzCmd(s *streams) *cobra.Command {
	f := &fuzzFlags{}
	cmd := &cobra.Command{
		Use:   "fuzz",
		Short: fuzzSummary,
		Long: `Fuzz a PBX's authentication API: valid requests, requests that break one rule
at a time, and sequences along the token lifecycle (sign in, who am I, refresh,
reuse of the old refresh token, sign out, web login and logout, 2FA and
forgot/reset where mail can be read), generated from pbxauth's OpenAPI document
and PortSIP's field rules.

Every answer is checked: no 5xx, statuses and bodies as documented, invalid input
refused with a 4xx, valid input accepted, protected operations refuse a missing
or garbage bearer, ended tokens and sessions stay ended, an unknown account and
a wrong password answer alike, passwords compared exactly. Checks have levels as
in the suite: contract failures fail the run; recommended ones are findings
(they fail it with --strict); mock-level ones run only against pbxauth's mock.

The seed is printed first: the same seed sends the same cases. Each failure is
shrunk to a minimal request or sequence; --save DIR writes it as a scenario that
'pbxauth run FILE' replays.

On a real PBX: accounts come from --var (username, password, domain,
twofa_username, ...; nothing defaults), cases that change the PBX (reset a
password, mail a real account) need --allow-mutations, generated credentials are
of accounts that do not exist, the real account gets at most a few wrong
passwords (--credential-probes), requests are capped by --rate, and the run stops
at --budget whatever it is doing.

Exit status: 0 no failure, 1 a failure (or a finding with --strict), 2 usage
error, 3 the target could not be reached.`,
		Example: `  pbxauth fuzz --mock --budget 60s --mode all
  pbxauth fuzz --url https://pbx.example.com:8887 --insecure --var username=qa1 --var password=... --var domain=example.com --save ./found
  pbxauth fuzz --mock --operations signInWithCredentials,refreshToken --seed 42 --max-examples 200`,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFuzz(cmd, s, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "PBX address (env PBXAUTH_URL); with --mock, a standalone pbxauth mock")
	fl.BoolVar(&f.mock, "mock", false, "fuzz the in-process mock PBX (default without --url); with --url, the URL is a standalone pbxauth mock")
	fl.StringSliceVar(&f.operations, "operations", nil, "only these operationIds (comma-separated)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed of the generator (default: a random one, printed)")
	fl.DurationVar(&f.budget, "budget", 60*time.Second, "wall-time budget of the run, shrinking included")
	fl.IntVar(&f.maxExamples, "max-examples", 0, "stop after this many cases (instead of --budget)")
	fl.StringVar(&f.mode, "mode", "all", "positive, negative or all")
	fl.BoolVar(&f.allowMutations, "allow-mutations", false, "run cases that change a real PBX (password resets, mail to the account)")
	fl.Float64Var(&f.rate, "rate", 0, "at most this many requests per second (default: 20 on a real PBX, no cap on the mock)")
	fl.StringArrayVar(&f.vars, "var", nil, "set a variable, name=value (repeatable): username, password, domain, twofa_username, ...")
	fl.StringVar(&f.save, "save", "", "write each failure as a scenario file into DIR")
	fl.StringVar(&f.junit, "junit", "", "write a JUnit XML report to FILE")
	fl.StringVar(&f.json, "json", "", "write a JSON report (redacted exchanges) to FILE")
	fl.StringVar(&f.html, "html", "", "write a self-contained HTML report (redacted exchanges) to FILE")
	for _, name := range []string{"junit", "json", "html"} {
		markReportFlag(fl, name)
	}
	fl.BoolVar(&f.strict, "strict", false, "recommended-level findings fail the run too")
	fl.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate verification (self-signed PBX certificates)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "time limit of each request")
	fl.IntVar(&f.probes, "credential-probes", 6, "wrong passwords sent for the real account per run (real PBX; each followed by a right one)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print each failure's redacted exchanges")
	fl.StringVar(&f.mail, "mail", "", "receive the PBX's mail over SMTP for the 2FA and forgot/reset sequences, e.g. smtp://127.0.0.1:2525")
	fl.StringSliceVar(&f.mailAllow, "mail-allow", nil, "with --mail on a non-loopback address: the PBX addresses (IP or CIDR) that may deliver")
	return cmd
}

func runFuzz(cmd *cobra.Command, s *streams, f *fuzzFlags) error {
	opts, err := fuzzOptions(cmd, f)
	if err != nil {
		return err
	}
	if err := checkReportPaths(cmd, nil); err != nil {
		return err
	}
	url, err := targetURL(f.url, cmd.Flags().Changed("url"), f.mock)
	if err != nil {
		return err
	}
	rerun := "--url " + url
	switch {
	case url != "" && f.mock:
		// The user says it is a standalone pbxauth mock; nothing probes for it.
		opts.BaseURL, opts.Mock, opts.MockToken = url, true, os.Getenv(mockTokenEnv)
		rerun += " --mock"
	case url == "":
		// In-process and without a listener: the requests call the mock's handler.
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			return withCode(ExitFailure, err)
		}
		opts.BaseURL, opts.Transport, opts.Mock, opts.Control = mockserver.InProcessAPIURL, srv.Transport(), true, srv.Control()
		if !f.mock {
			fmt.Fprintln(s.err, "pbxauth: no --url (or PBXAUTH_URL): fuzzing the in-process mock PBX")
		}
		rerun = "--mock"
	default:
		opts.BaseURL = url
		if !cmd.Flags().Changed("rate") {
			opts.Rate = 20
		}
	}
	if f.mail != "" {
		mail, stop, err := receivePBXMail(s, f.mail, f.mailAllow, opts.Mock)
		if err != nil {
			return err
		}
		defer stop()
		opts.Mail = mail
	}
	warnInsecure(s, f.insecure)
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt)
	defer stop()
	rep := &fuzz.TextReporter{W: s.out, Verbose: f.verbose}
	res, err := fuzz.Run(ctx, opts, rep.Event)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	return finishFuzz(s, f, rep, res, rerun)
}

// fuzzOptions checks the flags and turns them into the run's options (target aside).
func fuzzOptions(cmd *cobra.Command, f *fuzzFlags) (fuzz.Options, error) {
	set := cmd.Flags().Changed
	var opts fuzz.Options
	if set("budget") && set("max-examples") {
		return opts, usageErrorf("give --budget or --max-examples, not both")
	}
	if f.budget <= 0 && !set("max-examples") || f.maxExamples < 0 {
		return opts, usageErrorf("--budget must be positive (or give --max-examples)")
	}
	if f.rate < 0 || f.timeout <= 0 {
		return opts, usageErrorf("--rate must not be negative and --timeout must be positive")
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return opts, err
	}
	opts = fuzz.Options{
		Operations: f.operations, Seed: f.seed, Mode: fuzz.Mode(f.mode), AllowMutations: f.allowMutations,
		Rate: f.rate, Vars: vars, Timeout: f.timeout, Insecure: f.insecure, CredentialProbes: f.probes,
		Budget: f.budget,
	}
	if set("max-examples") {
		opts.MaxExamples, opts.Budget = f.maxExamples, 0
	}
	if !set("seed") {
		var b [8]byte
		_, _ = rand.Read(b[:])
		opts.Seed = binary.LittleEndian.Uint64(b[:]) >> 1
	}
	return opts, nil
}

// finishFuzz saves the failures, prints the summary, writes the reports and picks
// the exit status.
func finishFuzz(s *streams, f *fuzzFlags, rep *fuzz.TextReporter, res *fuzz.Result, rerun string) error {
	if f.save != "" {
		if err := fuzz.Save(f.save, res); err != nil {
			return withCode(ExitUsage, fmt.Errorf("save: %w", err))
		}
	}
	if err := rep.Summary(res); err != nil {
		return err
	}
	if f.save != "" && len(res.Found) > 0 {
		if res.Mock && rerun != "--mock" {
			rerun += " --mock" // a standalone mock: run treats it as one only when told
		}
		if res.Findings() > 0 {
			rerun += " --strict" // recommended-level files fail a run only when strict
		}
		fmt.Fprintf(s.out, "replay: pbxauth run %s %s%s\n", f.save, rerun, passwordVarsHint(res))
	}
	if err := writeFuzzReports(f, res); err != nil {
		return withCode(ExitUsage, err)
	}
	switch code := res.ExitCode(f.strict); code {
	case ExitOK:
		return nil
	case ExitNetwork:
		return withCode(code, errors.New("the target could not be reached"))
	default:
		return withCode(code, fmt.Errorf("%d failure(s), %d finding(s)", res.Failed(), res.Findings()))
	}
}

func passwordVarsHint(res *fuzz.Result) string {
	if res.Mock {
		return ""
	}
	return " --var password=... (and any other null variable the files declare)"
}

func writeFuzzReports(f *fuzzFlags, res *fuzz.Result) error {
	write := func(path string, fn func(io.Writer) error) error {
		if path == "" {
			return nil
		}
		file, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := fn(file); err != nil {
			file.Close()
			return fmt.Errorf("report %s: %w", path, err)
		}
		return file.Close()
	}
	if err := write(f.junit, func(w io.Writer) error { return fuzz.WriteJUnit(w, res, f.strict) }); err != nil {
		return err
	}
	if err := write(f.html, func(w io.Writer) error { return fuzz.WriteHTML(w, res) }); err != nil {
		return err
	}
	return write(f.json, func(w io.Writer) error { return fuzz.WriteJSON(w, res) })
}
