package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pbxauth/pbxauth/scenarios"
)

// runLoad is `pbxauth run --load`: the selection as virtual users, then a summary.
// Exit 1 when any request failed, 3 when the target could not be reached at all.
func runLoad(ctx context.Context, s *streams, f *runFlags, opts scenarios.Options, list []*scenarios.Scenario) error {
	if f.concurrency < 1 {
		return usageErrorf("--concurrency must be at least 1")
	}
	if f.duration <= 0 {
		return usageErrorf("--duration must be positive")
	}
	runner, err := scenarios.NewRunner(opts)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	fmt.Fprintf(s.err, "pbxauth: load for %s with %d virtual users (Ctrl-C stops early)\n", f.duration, f.concurrency)
	res, err := runner.Load(ctx, list, scenarios.LoadOptions{
		Duration: f.duration, Concurrency: f.concurrency,
		Progress: func(p scenarios.LoadProgress) {
			fmt.Fprintf(s.err, "  %5.0fs  %8d requests  %6d errors\n", p.Elapsed.Seconds(), p.Requests, p.Errors)
		},
	})
	if res != nil {
		if werr := scenarios.WriteLoadSummary(s.out, res); werr != nil {
			return werr
		}
	}
	if errors.Is(err, scenarios.ErrNothingToLoad) {
		return withCode(ExitUsage, err)
	}
	if err != nil {
		return withCode(ExitFailure, err)
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
	if network && res.Statuses != nil && len(res.Statuses) == 0 {
		return withCode(ExitNetwork, fmt.Errorf("no request reached %s", res.Target))
	}
	return withCode(ExitFailure, fmt.Errorf("%d of %d requests failed", res.ErrorTotal(), res.Requests))
}
