package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

type runFlags struct {
	suite          string
	url            string
	mock           bool
	tags           []string
	parallel       int
	junit, json    string
	html           string
	failFast       bool
	vars           []string
	spec           string
	allowMutations bool
	insecure       bool
	timeout        time.Duration
	list, check    bool
	schema         bool
	verbose        bool
	load           bool
	duration       time.Duration
	concurrency    int
	rate           float64
	ramp           time.Duration
	iterations     int64
	validate       string
	strict         bool
	coverage       bool
	requireVars    bool
	profile        string
	mail           string
	mailAllow      []string
	allowHosts     []string
}

func newRunCmd(s *streams) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run [FILES|DIRS...]",
		Short: runSummary,
		Long: `Run conformance scenarios (YAML, see scenarios/FORMAT.md) and report the results.

Without files, or with --suite builtin, the built-in suite runs. The target is
--url (or PBXAUTH_URL), or the in-process mock PBX (--mock, also the default when
no URL is given): each scenario then gets its own fresh mock.

Exit status: 0 all passed, 1 an assertion or spec check failed, 2 usage or file
error, 3 the target could not be reached or timed out.`,
		Example: `  pbxauth run --suite builtin --mock --junit report.xml
  pbxauth run ./qa --url https://pbx.example.com --insecure --var password=...
  pbxauth run --check ./qa
  pbxauth run --load --duration 30s --concurrency 50 --url https://pbx.example.com
  pbxauth run --load --rate 500 --ramp 10s --duration 1m --concurrency 200 --json load.json --url ...`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCheckedOutput(s, func(s *streams) error { return runRun(cmd, s, f, args) })
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.suite, "suite", "", `run a built-in suite ("builtin"), in addition to FILES`)
	fl.StringVar(&f.url, "url", "", "PBX address (env PBXAUTH_URL); with --mock, a standalone pbxauth mock")
	fl.BoolVar(&f.mock, "mock", false, "run against the in-process mock PBX, a fresh one per scenario (default without --url); with --url, the URL is a standalone pbxauth mock")
	fl.BoolVar(&f.coverage, "coverage", false, "after the run (or with --list, instead of it) print which scenarios check each documented response and field rule; gaps read GAP")
	fl.BoolVar(&f.strict, "strict", false, "failed recommended-level scenarios (findings) fail the run")
	fl.BoolVar(&f.requireVars, "require-vars", false, "refuse to start (exit 2) when a scenario's variables have no value, instead of skipping it")
	fl.StringVar(&f.profile, "profile", "", "take the target and variables from a TUI profile (passwords from --var, the environment or a prompt)")
	fl.StringSliceVar(&f.tags, "tags", nil, "select scenarios with any of these tags; !tag excludes")
	fl.IntVar(&f.parallel, "parallel", 4, "scenarios run at once")
	fl.StringVar(&f.junit, "junit", "", "write a JUnit XML report to FILE")
	fl.StringVar(&f.html, "html", "", "write a self-contained HTML report (redacted, loads nothing) to FILE")
	fl.StringVar(&f.json, "json", "", "write a JSON report (redacted exchanges) to FILE")
	markReportFlag(fl, "junit")
	markReportFlag(fl, "json")
	markReportFlag(fl, "html")
	fl.BoolVar(&f.failFast, "fail-fast", false, "stop starting scenarios after the first failure")
	fl.StringArrayVar(&f.vars, "var", nil, "set a variable, name=value (repeatable)")
	fl.StringVar(&f.spec, "spec", "fail", "what a response that breaks the OpenAPI document does: fail, warn or off")
	fl.BoolVar(&f.allowMutations, "allow-mutations", false, "run mutating scenarios against a real PBX")
	fl.StringArrayVar(&f.allowHosts, "allow-host", nil, "a host (name or name:port) absolute-URL request steps may reach besides the target's (repeatable)")
	fl.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate verification (self-signed PBX certificates)")
	fl.DurationVar(&f.timeout, "timeout", runner.DefaultStepTimeout, "time limit of each step that sets none")
	fl.BoolVar(&f.list, "list", false, "list the selected scenarios with their tags, run nothing")
	fl.BoolVar(&f.check, "check", false, "validate the scenario files, send nothing")
	fl.BoolVar(&f.schema, "schema", false, "print the JSON Schema of the scenario format")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "list every step, not only failing ones")
	fl.BoolVar(&f.load, "load", false, "load mode: repeat the selection as virtual users for --duration")
	fl.DurationVar(&f.duration, "duration", 30*time.Second, "load mode: how long to run")
	fl.IntVar(&f.concurrency, "concurrency", 10, "load mode: virtual users, the cap on requests in flight")
	fl.Float64Var(&f.rate, "rate", 0, "load mode: open loop, start this many iterations per second on schedule (requests/s for one-request scenarios); without it, closed loop")
	fl.DurationVar(&f.ramp, "ramp", 0, "load mode with --rate: raise the rate from 0 over this long")
	fl.Int64Var(&f.iterations, "iterations", 0, "load mode without --rate: stop after this many iterations (or at --duration)")
	fl.StringVar(&f.validate, "validate", "", "answers checked against the OpenAPI document: all, once (the first of each operation, status and body shape) or off (default all; once with --load)")
	fl.StringVar(&f.mail, "mail", "", "receive the PBX's mail over SMTP for outbox steps, e.g. smtp://127.0.0.1:2525 (point the PBX's SMTP setting there)")
	fl.StringSliceVar(&f.mailAllow, "mail-allow", nil, "with --mail on a non-loopback address: the PBX addresses (IP or CIDR) that may deliver")
	cmd.MarkFlagsMutuallyExclusive("profile", "mock")
	cmd.MarkFlagsMutuallyExclusive("list", "check", "schema")
	return cmd
}

func runRun(cmd *cobra.Command, s *streams, f *runFlags, args []string) error {
	if err := checkRunFlags(cmd, f); err != nil {
		return err
	}
	if f.schema {
		_, err := s.out.Write(scenarios.Schema)
		return err
	}
	if f.suite != "" && f.suite != "builtin" {
		return usageErrorf("unknown suite %q (there is one: builtin)", f.suite)
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return err
	}
	if err := checkReportPaths(cmd, inputFiles(args)); err != nil {
		return err
	}
	list, files, err := loadSelection(f, args)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if f.check {
		return checkOnly(s, list, files, vars)
	}
	list = scenarios.Select(list, f.tags)
	if f.list {
		if f.coverage {
			return report.WriteCoverage(s.out, report.Coverage(list, nil), false)
		}
		return printList(s.out, list)
	}
	if len(list) == 0 {
		return usageErrorf("no scenario matches the selection (tags %s)", strings.Join(f.tags, ","))
	}

	if f.profile != "" {
		if err := applyProfile(f, vars); err != nil {
			return err
		}
	}
	opts, cleanup, err := runOptions(cmd, s, f, list, vars)
	defer cleanup()
	if err != nil {
		return err
	}
	rn, err := runner.New(opts)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	missing := scenarios.UnsetEnv(list, nil)
	if f.requireVars {
		missing = rn.MissingVars(list)
	}
	if len(missing) > 0 {
		return withCode(ExitUsage, errors.New("missing variables:\n  "+strings.Join(missing, "\n  ")))
	}

	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt)
	defer stop()
	if f.load {
		return runLoad(ctx, s, f, opts, list)
	}
	return runAndReport(ctx, s, f, rn, list)
}

// checkOnly is --check: the files parse, and what run would refuse for want of a
// value is only a warning, since --var and the real run's environment may give it.
func checkOnly(s *streams, list []*scenarios.Scenario, files string, vars map[string]string) error {
	// The built-in suite's account variables are documented (FORMAT.md) and
	// filled by the mock's demo data or --var: not worth a warning each.
	var mine []*scenarios.Scenario
	for _, sc := range list {
		if !strings.HasPrefix(sc.Pos.File, scenarios.BuiltinPrefix) {
			mine = append(mine, sc)
		}
	}
	warnings := scenarios.MissingVars(mine, vars, os.LookupEnv)
	for _, w := range warnings {
		fmt.Fprintf(s.err, "pbxauth: warning: %s\n", w)
	}
	fmt.Fprintf(s.out, "ok: %d scenario(s) in %s", len(list), files)
	if n := len(warnings); n > 0 {
		fmt.Fprintf(s.out, " (%d warning(s): variables without a value here)", n)
	}
	fmt.Fprintln(s.out)
	return nil
}

// validateMode is --validate's value; "" leaves the default (all for a run, once
// for a load).
func validateMode(s string) (runner.ValidateMode, error) {
	m, err := runner.ValidateMode(s).Resolve("")
	if err != nil {
		return "", usageErrorf("--validate must be all, once or off, got %q", s)
	}
	return m, nil
}

// checkRunFlags refuses flags that would be silently ignored in the mode asked
// for: a user who gives --junit to a load run expects a report.
func checkRunFlags(cmd *cobra.Command, f *runFlags) error {
	set := cmd.Flags().Changed
	if f.load {
		for _, flag := range []string{"junit", "html"} {
			if set(flag) {
				return usageErrorf("--load writes no --%s report: it prints a summary of requests, latency and errors (--json FILE writes it as JSON); leave --%s out", flag, flag)
			}
		}
		for _, flag := range []string{"check", "list", "schema"} {
			if set(flag) {
				return usageErrorf("--load and --%s do not go together: --%s sends nothing", flag, flag)
			}
		}
		if set("fail-fast") {
			return usageErrorf("--fail-fast does not apply to --load: a load runs for --duration and counts the failures")
		}
		if set("parallel") {
			return usageErrorf("--parallel does not apply to --load: use --concurrency for the number of virtual users")
		}
		if set("mail") {
			return usageErrorf("--mail does not apply to --load: a load sends no mail it reads")
		}
		return nil
	}
	for _, flag := range []string{"duration", "concurrency", "rate", "ramp", "iterations"} {
		if set(flag) {
			return usageErrorf("--%s applies only to --load", flag)
		}
	}
	for _, mode := range []string{"check", "list", "schema"} {
		if !set(mode) {
			continue
		}
		for _, flag := range []string{"json", "junit", "html", "fail-fast", "validate"} {
			if set(flag) {
				return usageErrorf("--%s sends nothing, so --%s has nothing to do; leave it out", mode, flag)
			}
		}
	}
	return nil
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// loadSelection reads FILES/DIRS and the built-in suite; with neither, the built-in
// suite is the selection.
func loadSelection(f *runFlags, args []string) ([]*scenarios.Scenario, string, error) {
	loader := scenarios.NewLoader()
	var list []*scenarios.Scenario
	var what []string
	if f.suite == "builtin" || len(args) == 0 {
		b, err := loader.Builtin()
		if err != nil {
			return nil, "", err
		}
		list = append(list, b...)
		what = append(what, "the built-in suite")
	}
	if len(args) > 0 {
		u, err := loader.Paths(args...)
		if err != nil {
			return nil, "", err
		}
		list = append(list, u...)
		what = append(what, strings.Join(args, ", "))
	}
	return list, strings.Join(what, " and "), nil
}

func parseVars(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErrorf("--var %q: want name=value", kv)
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, nil
}

func printList(w io.Writer, list []*scenarios.Scenario) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLEVEL\tSOURCE\tTAGS\tFILE")
	for _, s := range list {
		// Scenario files are untrusted: what they name reaches the terminal inert.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", termsafe.Line(s.Name), s.EffectiveLevel(), termsafe.Line(orDash(s.Source)),
			termsafe.Line(strings.Join(s.Tags, ",")), termsafe.Line(s.Pos.String()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d scenario(s)\n", len(list))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
