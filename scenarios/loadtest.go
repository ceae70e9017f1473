package scenarios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// LoadOptions configure a load run.
type LoadOptions struct {
	// Duration is how long virtual users keep starting scenarios.
	Duration time.Duration
	// Concurrency is the number of virtual users. Each sends one request at a time,
	// so no more than Concurrency requests are ever in flight.
	Concurrency int
	// Progress, when set, is called about once a second from one goroutine.
	Progress func(LoadProgress)
}

// LoadProgress is a snapshot of a running load.
type LoadProgress struct {
	Elapsed  time.Duration
	Requests int64
	Errors   int64
}

// LoadResult sums up a load run.
type LoadResult struct {
	Target      string
	Duration    time.Duration
	Concurrency int
	// Interrupted is true when the context ended the run before Duration.
	Interrupted bool
	// Iterations counts scenario runs; IterationsFailed those that did not pass.
	Iterations, IterationsFailed int64
	Requests                     int64
	// Throughput is requests per second.
	Throughput         float64
	P50, P90, P99, Max time.Duration
	Mean               time.Duration
	// Statuses counts the answers by HTTP status, expected or not.
	Statuses map[int]int64
	// Errors counts the requests that did not pass, by cause: "HTTP 500 UNKNOWN",
	// "network: connection refused", "timeout", "assertion: ...", "spec".
	Errors []ErrorCount
	// Excluded lists the scenarios left out of the load, with the reason.
	Excluded []Exclusion
	// Backoffs counts the pauses virtual users took after a network error or a
	// timeout, and BackoffTime their total, so a dead target is not hammered.
	Backoffs    int64
	BackoffTime time.Duration
}

// Backoff after an iteration that ended on a network error or a timeout: a refused
// connection costs microseconds, so without a pause a virtual user would send tens
// of thousands of attempts a second at a dead target.
const (
	loadBackoffMin = 100 * time.Millisecond
	loadBackoffMax = time.Second
)

// loadBackoff is one virtual user's pause, doubling while the target stays
// unreachable and starting over once an iteration gets through.
type loadBackoff struct{ cur time.Duration }

func (b *loadBackoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = loadBackoffMin
	} else {
		b.cur = min(2*b.cur, loadBackoffMax)
	}
	return b.cur
}

func (b *loadBackoff) reset() { b.cur = 0 }

// Exclusion is a scenario left out of a load and why.
type Exclusion struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ErrorCount is one cause of failure and how often it happened.
type ErrorCount struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// ErrorTotal is the number of requests that did not pass.
func (r *LoadResult) ErrorTotal() int64 {
	var n int64
	for _, e := range r.Errors {
		n += e.Count
	}
	return n
}

// loadable says why a scenario can't be part of a load, or "".
func (r *Runner) loadable(s *Scenario, kind targetKind) string {
	if s.MockOnly() {
		return "mock-only: virtual users would read each other's mails and share the clock"
	}
	if s.Mutating() && !r.opts.AllowMutations {
		return "mutating: it would change state under the other virtual users (--allow-mutations to include it)"
	}
	return r.skipReason(s, kind)
}

// vuStats is one virtual user's tally, merged at the end so the hot path takes no lock.
type vuStats struct {
	hist     *histogram
	statuses map[int]int64
	errors   map[string]int64
	iters    int64
	failed   int64
	backoffs int64
	paused   time.Duration
}

// Load runs the scenarios over and over as Concurrency virtual users for Duration
// against one shared target (one mock for everybody when NewMock is set). It stops
// at Duration or when ctx ends, whichever comes first, and always returns the tally.
func (r *Runner) Load(ctx context.Context, list []*Scenario, lo LoadOptions) (*LoadResult, error) {
	if lo.Duration <= 0 {
		return nil, fmt.Errorf("scenarios: load duration must be positive")
	}
	if lo.Concurrency < 1 {
		return nil, fmt.Errorf("scenarios: load concurrency must be at least 1")
	}
	res := &LoadResult{Target: r.Target(), Concurrency: lo.Concurrency, Statuses: map[int]int64{}}
	hc := r.httpClient()
	if t, ok := hc.Transport.(*http.Transport); ok {
		// One kept-alive connection per virtual user: without it, connections churn
		// and the load measures TCP setup instead of the PBX.
		t.MaxIdleConnsPerHost = lo.Concurrency
		t.MaxConnsPerHost = lo.Concurrency
	}
	base, kind := r.opts.BaseURL, targetPBX
	var ctl *mockControl
	if r.opts.NewMock != nil {
		b, stop, err := r.opts.NewMock()
		if err != nil {
			return nil, fmt.Errorf("scenarios: start the mock PBX: %w", err)
		}
		defer stop()
		base, kind = b, targetOwnMock
		ctl = newMockControl(b, hc)
	} else if c := newMockControl(base, hc); c.isMock(ctx) {
		kind, ctl = targetSharedMock, c
	}
	var run []*Scenario
	for _, s := range list {
		if why := r.loadable(s, kind); why != "" {
			res.Excluded = append(res.Excluded, Exclusion{s.Name, why})
			continue
		}
		run = append(run, s)
	}
	if len(run) == 0 {
		return res, fmt.Errorf("scenarios: %w: every selected scenario is excluded", ErrNothingToLoad)
	}

	// Parse the OpenAPI document now, not inside the first virtual user's clock.
	if _, err := spec.Load(); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, lo.Duration)
	defer cancel()
	var requests, errCount atomic.Int64
	stats := make([]*vuStats, lo.Concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for vu := 0; vu < lo.Concurrency; vu++ {
		st := &vuStats{hist: newHistogram(), statuses: map[int]int64{}, errors: map[string]int64{}}
		stats[vu] = st
		wg.Add(1)
		go func(vu int) {
			defer wg.Done()
			var bo loadBackoff
			for i := vu; runCtx.Err() == nil; i++ {
				s := run[i%len(run)]
				x, err := r.newExec(s, base, ctl, hc, func(sr *StepResult) {
					if runCtx.Err() != nil || (sr.Kind != KindCall && sr.Kind != KindRequest) {
						return // cut short by the end of the run, or not a PBX call
					}
					requests.Add(1)
					if sr.Exchange != nil && sr.Exchange.Status != 0 {
						st.statuses[sr.Exchange.Status]++
						st.hist.record(sr.Exchange.Duration)
					}
					if sr.Status != StatusPassed {
						errCount.Add(1)
						st.errors[errorKey(sr)]++
					}
				})
				if err != nil {
					st.errors["setup: "+err.Error()]++
					return
				}
				sr := &ScenarioResult{Scenario: s}
				x.run(runCtx, sr)
				if runCtx.Err() != nil {
					return // an iteration cut by the deadline is neither pass nor fail
				}
				st.iters++
				if sr.Status != StatusPassed {
					st.failed++
				}
				if sr.Status != StatusError {
					bo.reset()
					continue
				}
				d := bo.next()
				st.backoffs++
				pause := time.NewTimer(d)
				started := time.Now()
				select {
				case <-runCtx.Done():
				case <-pause.C:
				}
				pause.Stop()
				st.paused += time.Since(started)
			}
		}(vu)
	}
	progressDone := make(chan struct{})
	if lo.Progress == nil {
		close(progressDone)
	} else {
		go func() {
			defer close(progressDone)
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-runCtx.Done():
					return
				case <-tick.C:
					lo.Progress(LoadProgress{Elapsed: time.Since(start), Requests: requests.Load(), Errors: errCount.Load()})
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	<-progressDone // no Progress call may outlive Load
	res.Duration = time.Since(start)
	res.Interrupted = ctx.Err() != nil

	hist := newHistogram()
	errs := map[string]int64{}
	for _, st := range stats {
		hist.merge(st.hist)
		for k, v := range st.statuses {
			res.Statuses[k] += v
		}
		for k, v := range st.errors {
			errs[k] += v
		}
		res.Iterations += st.iters
		res.IterationsFailed += st.failed
		res.Backoffs += st.backoffs
		res.BackoffTime += st.paused
	}
	res.Requests = requests.Load()
	if secs := res.Duration.Seconds(); secs > 0 {
		res.Throughput = float64(res.Requests) / secs
	}
	res.P50, res.P90, res.P99, res.Max = hist.quantile(0.50), hist.quantile(0.90), hist.quantile(0.99), hist.max
	if hist.n > 0 {
		res.Mean = hist.sum / time.Duration(hist.n)
	}
	for k, v := range errs {
		res.Errors = append(res.Errors, ErrorCount{k, v})
	}
	sort.Slice(res.Errors, func(i, j int) bool {
		if res.Errors[i].Count != res.Errors[j].Count {
			return res.Errors[i].Count > res.Errors[j].Count
		}
		return res.Errors[i].Key < res.Errors[j].Key
	})
	return res, nil
}

// errorKey names why a request did not pass, for the breakdown: the answer's status
// and PortSIP code when the status was wrong, the network cause, or the check.
func errorKey(sr *StepResult) string {
	if sr.Status == StatusError {
		switch {
		case strings.Contains(sr.Err, "timed out"):
			return "timeout"
		case strings.Contains(sr.Err, "connection refused"):
			return "network: connection refused"
		case strings.Contains(sr.Err, "connection reset"), strings.Contains(sr.Err, "EOF"):
			return "network: connection dropped"
		}
		return "network: other"
	}
	for _, f := range sr.Failures {
		if f.Check == "status" && sr.Exchange != nil {
			return "HTTP " + statusCode(sr.Exchange.Status, sr.Exchange.ResponseBody)
		}
	}
	if len(sr.Failures) > 0 {
		if sr.Failures[0].Check == "spec" {
			return "spec violation"
		}
		return "assertion: " + sr.Failures[0].Check
	}
	if sr.Err != "" {
		return "error: " + sr.Err
	}
	return "unknown"
}

// statusCode is "500" or "401 UNAUTHORIZED": the status and PortSIP's error code.
func statusCode(status int, body []byte) string {
	var e struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	s := fmt.Sprint(status)
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 && e.Errors[0].Code != "" {
		s += " " + e.Errors[0].Code
	}
	return s
}

// WriteLoadSummary prints a load result as plain text.
func WriteLoadSummary(w io.Writer, r *LoadResult) error {
	var b strings.Builder
	state := "completed"
	if r.Interrupted {
		state = "interrupted"
	}
	fmt.Fprintf(&b, "Load against %s: %d virtual users, %s (%s)\n", r.Target, r.Concurrency, round(r.Duration), state)
	// One line per reason: a suite can exclude dozens of scenarios for the same one.
	var reasons []string
	byReason := map[string]int{}
	for _, e := range r.Excluded {
		if byReason[e.Reason] == 0 {
			reasons = append(reasons, e.Reason)
		}
		byReason[e.Reason]++
	}
	for _, why := range reasons {
		fmt.Fprintf(&b, "  excluded     %d scenario(s), %s\n", byReason[why], why)
	}
	fmt.Fprintf(&b, "  requests     %d (%.1f/s)\n", r.Requests, r.Throughput)
	fmt.Fprintf(&b, "  iterations   %d (%d failed)\n", r.Iterations, r.IterationsFailed)
	fmt.Fprintf(&b, "  latency      p50 %s  p90 %s  p99 %s  max %s  mean %s\n", round(r.P50), round(r.P90), round(r.P99), round(r.Max), round(r.Mean))
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", c, r.Statuses[c]))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "  statuses     %s\n", strings.Join(parts, "  "))
	}
	if r.Backoffs > 0 {
		fmt.Fprintf(&b, "  backoff      %d pause(s) after network errors or timeouts, %s in all (%s doubling to %s per virtual user)\n",
			r.Backoffs, round(r.BackoffTime), loadBackoffMin, loadBackoffMax)
	}
	if len(r.Errors) == 0 {
		b.WriteString("  errors       none\n")
	} else {
		fmt.Fprintf(&b, "  errors       %d\n", r.ErrorTotal())
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "    %8d  %s\n", e.Count, e.Key)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ErrNothingToLoad is returned when every selected scenario is excluded from a load.
var ErrNothingToLoad = errors.New("nothing to load")
