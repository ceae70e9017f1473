package loadtest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// loadRun is one load: what the virtual users share.
type loadRun struct {
	r      *runner.Runner
	lo     Options
	list   []*scenarios.Scenario
	target *runner.Target
	check  func(*apiclient.Exchange) bool // which answers are validated
	rec    *recorder
	start  time.Time
	end    time.Time // no request starts at or after end
	// ctx ends the run outright: interrupted, the target gone, or the wait for the
	// requests in flight at end is over.
	ctx context.Context

	slot    atomic.Int64 // open loop: the next slot of the schedule
	sent    atomic.Int64 // open loop: slots sent before end
	started atomic.Int64 // closed loop: iterations started
}

// Run runs the scenarios over and over against r's target, one for everybody (a
// single mock when r starts its own), open-loop at lo.Rate or closed-loop as
// lo.Concurrency virtual users. It stops at lo.Duration, when ctx ends or when the
// target refuses every connection for lo.GoneAfter, and always returns the tally.
func Run(ctx context.Context, r *runner.Runner, list []*scenarios.Scenario, lo Options) (*Result, error) {
	if err := checkOptions(&lo); err != nil {
		return nil, err
	}
	ro := r.Options()
	res := &Result{Target: r.Target(), Statuses: map[int]int64{}, Settings: Settings{
		Mode: "closed", Rate: lo.Rate, Ramp: lo.Ramp, Duration: lo.Duration, Concurrency: lo.Concurrency,
		Iterations: lo.Iterations, Timeout: ro.Timeout, Validate: lo.Validate,
	}}
	if lo.Rate > 0 {
		res.Settings.Mode = "open"
	}
	target, err := r.OpenTarget(lo.Concurrency)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	run := &loadRun{r: r, lo: lo, target: target}
	for _, s := range list {
		if why := excluded(s, target, ro.AllowMutations); why != "" {
			res.Excluded = append(res.Excluded, Exclusion{s.Name, why})
			continue
		}
		run.list = append(run.list, s)
		res.Settings.Scenarios = append(res.Settings.Scenarios, s.Name)
	}
	if len(run.list) == 0 {
		return res, fmt.Errorf("scenarios: %w: every selected scenario is excluded", ErrNothingToLoad)
	}
	if lo.Validate != runner.ValidateOff && ro.Spec != runner.SpecOff {
		// Parse the OpenAPI document now, not inside the first request's clock.
		if _, err := spec.Load(); err != nil {
			return nil, err
		}
	}
	run.check = runner.SampleSpec(lo.Validate)
	run.execute(ctx, res)
	return res, nil
}

func checkOptions(lo *Options) error {
	switch {
	case lo.Duration <= 0 && lo.Iterations <= 0:
		return fmt.Errorf("scenarios: load duration must be positive")
	case lo.Concurrency < 1:
		return fmt.Errorf("scenarios: load concurrency must be at least 1")
	case lo.Rate < 0 || math.IsNaN(lo.Rate) || math.IsInf(lo.Rate, 0):
		return fmt.Errorf("scenarios: load rate must be a positive number")
	case lo.Rate > 0 && lo.Duration <= 0:
		return fmt.Errorf("scenarios: an open-loop load needs a duration")
	case lo.Rate > 0 && lo.Iterations > 0:
		return fmt.Errorf("scenarios: iterations bound a closed-loop load; a rate and a duration bound an open one")
	case lo.Ramp < 0 || (lo.Ramp > 0 && lo.Rate == 0):
		return fmt.Errorf("scenarios: a ramp needs a rate")
	}
	if lo.GoneAfter <= 0 {
		lo.GoneAfter = DefaultGoneAfter
	}
	var err error
	lo.Validate, err = lo.Validate.Resolve(runner.ValidateOnce)
	return err
}

// execute runs the virtual users and the once-a-second monitor, then fills res.
func (run *loadRun) execute(parent context.Context, res *Result) {
	ctx, stop := context.WithCancel(parent)
	defer stop()
	run.ctx = ctx
	run.start = time.Now()
	run.end = run.start.Add(run.lo.Duration)
	if run.lo.Duration <= 0 {
		run.end = run.start.Add(100 * 365 * 24 * time.Hour) // bounded by iterations only
	} else {
		// Requests in flight at the end get one step timeout to finish: awaited,
		// never dropped, yet a frozen target cannot hold the run forever.
		wait := time.AfterFunc(run.lo.Duration+run.r.Options().Timeout, stop)
		defer wait.Stop()
	}
	run.rec = newRecorder(run.start)

	var wg sync.WaitGroup
	for i := range run.lo.Concurrency {
		v := newVirtualUser(run, i)
		wg.Go(v.loop)
	}
	usersDone := make(chan struct{})
	go func() { wg.Wait(); close(usersDone) }()
	reason := run.monitor(usersDone, stop)
	<-usersDone
	stop()

	res.Started = run.start
	res.Duration = time.Since(run.start)
	res.State = Completed
	switch {
	case reason != "":
		res.State, res.Reason = TargetGone, reason
	case parent.Err() != nil:
		res.State, res.Interrupted = Interrupted, true
	}
	if run.lo.Rate > 0 {
		due := int64(math.Ceil(arrivals(min(res.Duration, run.lo.Duration), run.lo.Rate, run.lo.Ramp)))
		run.rec.notSent.Store(max(due-run.sent.Load(), 0))
	}
	run.rec.fill(res)
}

// monitor reports progress each second and ends the run when the target is
// gone, until the virtual users are done. It returns why it ended the run, or "".
func (run *loadRun) monitor(done <-chan struct{}, stop context.CancelFunc) string {
	second := time.NewTicker(time.Second)
	defer second.Stop()
	check := time.NewTicker(100 * time.Millisecond)
	defer check.Stop()
	n := 0
	for {
		select {
		case <-done:
			return ""
		case now := <-check.C:
			if run.rec.gone(now, run.lo.GoneAfter) {
				stop()
				return fmt.Sprintf("the target refused every connection for %s", run.lo.GoneAfter)
			}
		case <-second.C:
			n++
			last := run.rec.tick(n)
			if run.lo.Progress != nil {
				run.lo.Progress(Progress{Elapsed: time.Since(run.start), Requests: run.rec.requests.Load(),
					Errors: run.rec.errCount.Load(), Last: last})
			}
		}
	}
}

// arrivals is how many iterations an open-loop schedule starts in its first t:
// the rate climbs linearly over the ramp, then holds.
func arrivals(t time.Duration, rate float64, ramp time.Duration) float64 {
	secs, rs := t.Seconds(), ramp.Seconds()
	if rs > 0 && secs <= rs {
		return rate * secs * secs / (2 * rs)
	}
	return rate*rs/2 + rate*(secs-rs)
}

// slotTime is when slot i (from 0) of an open-loop schedule is due: the inverse
// of arrivals.
func slotTime(i int64, rate float64, ramp time.Duration) time.Duration {
	n, rs := float64(i), ramp.Seconds()
	var secs float64
	if n < rate*rs/2 {
		secs = math.Sqrt(2 * n * rs / rate)
	} else {
		secs = rs + (n-rate*rs/2)/rate
	}
	return time.Duration(secs * float64(time.Second))
}
