package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/loadtest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// runLoad is `pbxauth run --load`: the selection as virtual users, then a summary
// (and --json FILE). Exit 1 when any request failed, 3 when the target could not
// be reached at all or went away (every connection refused for a few seconds).
func runLoad(ctx context.Context, s *streams, f *runFlags, opts runner.Options, list []*scenarios.Scenario) error {
	lo, err := loadOptions(f)
	if err != nil {
		return err
	}
	rn, err := runner.New(opts)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if lo.Rate > 0 {
		fmt.Fprintf(s.err, "pbxauth: open-loop load at %g iterations/s for %s, at most %d in flight (Ctrl-C stops early)\n", lo.Rate, lo.Duration, lo.Concurrency)
	} else {
		fmt.Fprintf(s.err, "pbxauth: closed-loop load for %s with %d virtual users (Ctrl-C stops early)\n", lo.Duration, lo.Concurrency)
	}
	lo.Progress = func(p loadtest.Progress) {
		fmt.Fprintf(s.err, "  %5.0fs  %9d requests  %8d/s  p99 %9s  %6d errors\n",
			p.Elapsed.Seconds(), p.Requests, p.Last.Requests, fmtMS(p.Last.P99ms), p.Errors)
	}
	defer loadGC()()
	res, err := loadtest.Run(ctx, rn, list, lo)
	if res != nil {
		if werr := loadtest.WriteSummary(s.out, res); werr != nil {
			return werr
		}
	}
	if errors.Is(err, loadtest.ErrNothingToLoad) {
		return withCode(ExitUsage, err)
	}
	if err != nil {
		return withCode(ExitFailure, err)
	}
	if f.json != "" {
		if err := writeLoadJSON(f.json, res); err != nil {
			return withCode(ExitUsage, err)
		}
	}
	return loadExit(res)
}

// loadGCPercent is the garbage collector's target during a load. A load's live
// heap is small and flat (histograms, a client per virtual user) while every
// request leaves short-lived garbage: collecting at 5x the live heap instead of
// 2x costs a few MiB and took about a tenth off the CPU per request
// (bench/load.sh's scenario, alternating runs).
const loadGCPercent = 400

// loadGC sets loadGCPercent unless the user set GOGC, and returns the undo.
func loadGC() func() {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(loadGCPercent)
	return func() { debug.SetGCPercent(old) }
}

func loadOptions(f *runFlags) (loadtest.Options, error) {
	lo := loadtest.Options{Duration: f.duration, Concurrency: f.concurrency, Rate: f.rate, Ramp: f.ramp,
		Iterations: f.iterations}
	switch {
	case f.concurrency < 1:
		return lo, usageErrorf("--concurrency must be at least 1")
	case f.duration <= 0:
		return lo, usageErrorf("--duration must be positive")
	case f.rate < 0:
		return lo, usageErrorf("--rate must be positive")
	case f.ramp < 0 || (f.ramp > 0 && f.rate == 0):
		return lo, usageErrorf("--ramp needs --rate: it raises the rate from 0 over that long")
	case f.ramp > f.duration:
		return lo, usageErrorf("--ramp %s is longer than --duration %s", f.ramp, f.duration)
	case f.iterations < 0 || (f.iterations > 0 && f.rate > 0):
		return lo, usageErrorf("--iterations bounds a closed-loop load; with --rate, --duration bounds it")
	}
	var err error
	lo.Validate, err = validateMode(f.validate)
	return lo, err
}

func fmtMS(v float64) string {
	if v == 0 {
		return "-"
	}
	return (time.Duration(v * float64(time.Millisecond))).Round(10 * time.Microsecond).String()
}

func writeLoadJSON(path string, res *loadtest.Result) error {
	return writeReportFile(path, func(w io.Writer) error { return loadtest.WriteJSON(w, res) })
}

func loadExit(res *loadtest.Result) error {
	if res.State == loadtest.TargetGone {
		return withCode(ExitNetwork, fmt.Errorf("load ended early: %s", res.Reason))
	}
	if res.ErrorTotal() == 0 {
		return nil
	}
	network := true
	for _, e := range res.Errors {
		if e.Key != "timeout" && !strings.HasPrefix(e.Key, "network:") {
			network = false
		}
	}
	if network && len(res.Statuses) == 0 {
		return withCode(ExitNetwork, fmt.Errorf("no request reached %s", res.Target))
	}
	return withCode(ExitFailure, fmt.Errorf("%d of %d requests failed", res.ErrorTotal(), res.Requests))
}
