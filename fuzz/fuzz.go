package fuzz

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sort"
	"time"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// Options configure a fuzz run.
type Options struct {
	// BaseURL is the PBX (or a standalone mock) under test.
	BaseURL string
	// Transport carries the requests (tests); Insecure skips TLS verification.
	Transport http.RoundTripper
	Insecure  bool
	// Mock says the target is pbxauth's mock (--mock): mock-level checks run, its
	// outbox is the mail source and a mutating case is followed by a reset. It is
	// never guessed by probing the target: a real PBX that answered a mock path must
	// not be fuzzed as the mock.
	Mock bool
	// Control drives the mock when Mock is set: an in-process server's Control(), or
	// nil for the control API beside BaseURL (a standalone `pbxauth mock`).
	Control mockserver.Controller
	// MockToken is the control token of a standalone mock that requires one.
	MockToken string
	// Operations limits the run to these operationIds (all when empty).
	Operations []string
	Seed       uint64
	// Budget bounds the run's wall time (shrinking included); MaxExamples bounds the
	// number of cases. At least one must be set.
	Budget      time.Duration
	MaxExamples int
	Mode        Mode
	// AllowMutations lets cases run that change the PBX beyond their own sessions.
	AllowMutations bool
	// Rate caps requests per second (0: no cap).
	Rate float64
	// Vars are the run's accounts: username, password, domain, twofa_*, ms365_domain.
	Vars map[string]string
	// Mail reads a real PBX's mail (the SMTP receiver of --mail), for the 2FA and
	// forgot/reset sequences; the mock's outbox is used without it.
	Mail runner.MailSource
	// Timeout bounds each request (default 10 s).
	Timeout time.Duration
	// CredentialProbes bounds the wrong passwords sent for the real account (default
	// 6 on a real PBX, each followed by the right one; unlimited on the mock).
	CredentialProbes int
	// ShrinkRuns bounds the re-runs spent shrinking one failure (default 60).
	ShrinkRuns int
}

// EventKind tells what happened.
type EventKind string

const (
	EventStarted EventKind = "started"
	EventExample EventKind = "example" // a case ran
	EventFound   EventKind = "found"   // a new failure, already shrunk
	EventDone    EventKind = "done"
)

// Event is what a running fuzz reports, for live progress (CLI, TUI).
type Event struct {
	Kind   EventKind
	Op     string
	Found  *Found
	Result *Result // counts so far (a snapshot for EventDone only; read-only)
}

// OpStats counts one operation's traffic.
type OpStats struct {
	Operation string `json:"operation"`
	Examples  int    `json:"examples"` // cases about this operation
	Requests  int    `json:"requests"` // requests sent to it, in any case
	Failures  int    `json:"failures"`
	Findings  int    `json:"findings"`
}

// Found is one distinct failure (a check on an operation), shrunk.
type Found struct {
	Failure Failure `json:"failure"`
	// Case is the shrunk case; Steps its run, exchanges redacted.
	Case        *Case        `json:"-"`
	Steps       []StepResult `json:"-"`
	Occurrences int          `json:"occurrences"`
	// StepsBefore/After: the case's length before and after shrinking.
	StepsBefore int `json:"steps_before"`
	StepsAfter  int `json:"steps_after"`
	ShrinkRuns  int `json:"shrink_runs"`
	// Saved is the scenario file written for it (with a save directory).
	Saved string `json:"saved,omitempty"`
	// Scenario is the scenario YAML that reproduces it.
	Scenario []byte `json:"-"`
}

// Finding reports whether the failure is a recommended-level one.
func (f *Found) Finding() bool { return f.Failure.Level == LevelRecommended }

// Result is a whole run.
type Result struct {
	Seed     uint64        `json:"seed"`
	Target   string        `json:"target"`
	Mock     bool          `json:"mock"`
	Mode     Mode          `json:"mode"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Examples int           `json:"examples"`
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"` // cases that got no answer
	// Stopped counts cases cut short because a value a later step needed did not come
	// (a sign-in refused, no mail): their remaining steps were not sent.
	Stopped int `json:"stopped"`
	// StoppedWhy is the first such case and why, to look into.
	StoppedWhy string     `json:"stopped_why,omitempty"`
	Ops        []*OpStats `json:"operations"`
	Found      []*Found   `json:"failures"`
	Notes      []string   `json:"notes,omitempty"`
	Unreached  bool       `json:"unreached,omitempty"` // the target stopped answering
	opIndex    map[string]*OpStats
}

// Failed counts contract failures; Findings counts recommended ones.
func (r *Result) Failed() int   { return r.count(false) }
func (r *Result) Findings() int { return r.count(true) }

func (r *Result) count(finding bool) int {
	n := 0
	for _, f := range r.Found {
		if f.Finding() == finding {
			n++
		}
	}
	return n
}

// ExitCode is 0 when nothing failed, 1 on a contract failure (or a finding when
// strict), 3 when the target could not be reached.
func (r *Result) ExitCode(strict bool) int {
	switch {
	case r.Unreached:
		return 3
	case r.Failed() > 0, strict && r.Findings() > 0:
		return 1
	}
	return 0
}

func (r *Result) op(id string) *OpStats {
	if s, ok := r.opIndex[id]; ok {
		return s
	}
	s := &OpStats{Operation: id}
	r.opIndex[id] = s
	r.Ops = append(r.Ops, s)
	sort.Slice(r.Ops, func(i, j int) bool { return r.Ops[i].Operation < r.Ops[j].Operation })
	return s
}

// fuzzer is one run.
type fuzzer struct {
	opts Options
	t    *target
	gen  *generator
	sec  *secrets
	res  *Result
	emit func(Event)
}

// Run fuzzes the target until the budget or the example count is spent.
func Run(ctx context.Context, opts Options, emit func(Event)) (*Result, error) {
	f, err := newFuzzer(ctx, opts, emit)
	if err != nil {
		return nil, err
	}
	return f.run(ctx), nil
}

func (f *fuzzer) run(ctx context.Context) *Result {
	res := f.res
	res.Started = time.Now()
	if f.opts.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.opts.Budget)
		defer cancel()
	}
	for _, o := range f.gen.selected {
		res.op(o.ID)
	}
	f.emit(Event{Kind: EventStarted, Result: res})
	r := newRand(f.opts.Seed)
	seen := map[string]*Found{}
	unreachable := 0
	for f.opts.MaxExamples <= 0 || res.Examples < f.opts.MaxExamples {
		if ctx.Err() != nil {
			break
		}
		c := f.gen.next(r)
		cr := f.runCase(ctx, c)
		if errors.Is(cr.errored, errStopped) || ctx.Err() != nil {
			break
		}
		res.Examples++
		res.op(c.Op).Examples++
		if cr.errored != nil {
			res.Errors++
			if unreachable++; unreachable >= 5 {
				res.Unreached = true
				res.Notes = append(res.Notes, "the target stopped answering: "+f.sec.scrub(safeText(cr.errored.Error(), 200)))
				break
			}
		} else {
			unreachable = 0
		}
		if cr.stopped != "" {
			res.Stopped++
			if res.StoppedWhy == "" {
				res.StoppedWhy = c.String() + ": " + cr.stopped
			}
		}
		for _, fl := range cr.failures {
			if fd, ok := seen[fl.key()]; ok {
				fd.Occurrences++
				continue
			}
			fd := f.shrink(ctx, c, fl, cr)
			seen[fl.key()] = fd
			res.Found = append(res.Found, fd)
			if fd.Finding() {
				res.op(fl.Op).Findings++
			} else {
				res.op(fl.Op).Failures++
			}
			f.emit(Event{Kind: EventFound, Op: fl.Op, Found: fd})
		}
		f.emit(Event{Kind: EventExample, Op: c.Op})
	}
	res.Duration = time.Since(res.Started)
	f.emit(Event{Kind: EventDone, Result: res})
	return res
}

// runCase runs a case, counts its requests and puts a mock back after a mutating one.
func (f *fuzzer) runCase(ctx context.Context, c *Case) caseResult {
	cr := f.t.run(ctx, c, f.gen.vars, f.sec)
	f.res.Requests += cr.sent
	for _, sr := range cr.steps {
		if sr.Exchange != nil {
			f.res.op(opOf(c, sr.Step)).Requests++
		}
	}
	if c.Mutating && f.t.reset != nil && ctx.Err() == nil {
		if err := f.t.reset(ctx); err != nil {
			f.res.Notes = append(f.res.Notes, "could not reset the mock after a mutating case: "+safeText(err.Error(), 200))
		}
	}
	return cr
}

func opOf(c *Case, i int) string {
	if i < len(c.Steps) && c.Steps[i].Op != "" {
		return c.Steps[i].Op
	}
	return c.Op
}

// newRand is the run's generator: the seed alone fixes every case.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
