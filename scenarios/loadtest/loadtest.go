// Package loadtest runs scenarios over and over as virtual users (closed loop) or
// on a fixed schedule (open loop) and sums up latencies, statuses and errors.
package loadtest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// Options configure a load run.
type Options struct {
	// Duration is how long requests keep starting. Requests in flight at the end
	// are awaited (for at most the step timeout) and counted; none is dropped.
	Duration time.Duration
	// Concurrency caps the requests in flight: the number of virtual users, each
	// with its own client, sending one request at a time.
	Concurrency int
	// Rate, when positive, makes the load open-loop: Rate scenario iterations start
	// per second on a fixed schedule, whatever the answers do (requests per second
	// for one-request scenarios). Each iteration's first request is timed from its
	// intended start, so a stall shows in the percentiles even when it held every
	// virtual user back. Without Rate the load is closed-loop: each virtual user
	// starts its next iteration when the last one ends.
	Rate float64
	// Ramp, with Rate, raises the rate linearly from 0 to Rate over this long.
	Ramp time.Duration
	// Iterations, when positive, ends a closed-loop load after that many
	// iterations have started (or at Duration, if that comes first).
	Iterations int64
	// GoneAfter ends the run when every connection has been refused for this long
	// (default DefaultGoneAfter): the target is gone, and a load against nothing
	// measures nothing.
	GoneAfter time.Duration
	// Validate is how many answers are checked against the OpenAPI document
	// (default runner.ValidateOnce).
	Validate runner.ValidateMode
	// Progress, when set, is called once a second from one goroutine.
	Progress func(Progress)
}

// DefaultGoneAfter is how long refused connections alone end a load.
const DefaultGoneAfter = 3 * time.Second

// lateTolerance is how far past its intended start a request of an open-loop
// schedule may go out before it counts as late.
const lateTolerance = 10 * time.Millisecond

// Progress is a snapshot of a running load.
type Progress struct {
	Elapsed  time.Duration
	Requests int64
	Errors   int64
	// Last is the second that just ended: its requests, errors and p99.
	Last Second
}

// Load run states, as the summary and the JSON report name them.
const (
	Completed   = "completed"
	Interrupted = "interrupted"
	TargetGone  = "target gone"
)

// Result sums up a load run.
type Result struct {
	Target   string
	Settings Settings
	Started  time.Time
	// Duration runs from the first request to the last one finished.
	Duration time.Duration
	// State is Completed, Interrupted or TargetGone; Reason says why a
	// run ended early.
	State, Reason string
	// Interrupted is true when the context ended the run before Duration.
	Interrupted bool
	// Iterations counts scenario runs; IterationsFailed those that did not pass.
	Iterations, IterationsFailed int64
	Requests                     int64
	// Throughput is requests per second.
	Throughput                     float64
	P50, P90, P99, P999, Max, Mean time.Duration
	// Late counts the requests of an open-loop schedule that went out more than
	// lateTolerance after their intended start (every virtual user was busy), and
	// MaxLateness is the worst; NotSent counts those due before the end that no
	// virtual user could send in time.
	Late, NotSent int64
	MaxLateness   time.Duration
	// Unfinished counts the requests still in flight when the run stopped short
	// (interrupted, the target gone, or past the wait at the end).
	Unfinished int64
	// Statuses counts the answers by HTTP status, expected or not.
	Statuses map[int]int64
	// Errors counts the requests that did not pass, by cause: "HTTP 500 UNKNOWN",
	// "network: connection refused", "timeout", "assertion: ...", "spec".
	Errors []ErrorCount
	// Excluded lists the scenarios left out of the load, with the reason.
	Excluded []Exclusion
	// Backoffs counts the pauses closed-loop virtual users took after a network
	// error or a timeout, and BackoffTime their total, so a dead target is not
	// hammered.
	Backoffs    int64
	BackoffTime time.Duration
	// Timeline has one entry per second of the run.
	Timeline []Second
}

// Settings are the options a load ran with, for reports.
type Settings struct {
	Mode        string              `json:"mode"` // "open" (a rate) or "closed"
	Rate        float64             `json:"rate,omitempty"`
	Ramp        time.Duration       `json:"-"`
	Duration    time.Duration       `json:"-"`
	Concurrency int                 `json:"concurrency"`
	Iterations  int64               `json:"iterations,omitempty"`
	Timeout     time.Duration       `json:"-"`
	Validate    runner.ValidateMode `json:"validate"`
	Scenarios   []string            `json:"scenarios"`
}

// Backoff after an iteration that ended on a network error or a timeout: a refused
// connection costs microseconds, so without a pause a virtual user would send tens
// of thousands of attempts a second at a dead target.
const (
	loadBackoffMin = 100 * time.Millisecond
	loadBackoffMax = time.Second
)

// backoff is one virtual user's pause, doubling while the target stays
// unreachable and starting over once an iteration gets through.
type backoff struct{ cur time.Duration }

func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = loadBackoffMin
	} else {
		b.cur = min(2*b.cur, loadBackoffMax)
	}
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }

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
func (r *Result) ErrorTotal() int64 {
	var n int64
	for _, e := range r.Errors {
		n += e.Count
	}
	return n
}

// excluded says why a scenario can't be part of a load on t, or "".
func excluded(s *scenarios.Scenario, t *runner.Target, allowMutations bool) string {
	if s.MockOnly() {
		return "mock-only: virtual users would read each other's mails and share the clock"
	}
	if s.Mutating() && !allowMutations {
		return "mutating: it would change state under the other virtual users (--allow-mutations to include it)"
	}
	return t.SkipReason(s)
}

// refusedKey is the error key of a refused connection, which the run watches
// for a target that is gone.
const refusedKey = "network: connection refused"

// The breakdown by cause is keyed partly by what the PBX answered (its error
// code): a hostile one can send a new, long code with every answer. So a key
// is cut to maxKeyLen bytes, shown inert, and past maxErrorKeys kinds the rest
// are counted together under otherErrorsKey.
const (
	maxKeyLen      = 80
	maxErrorKeys   = 32
	otherErrorsKey = "other causes (more kinds than the 32 listed)"
)

// shortKey is untrusted text made fit for the breakdown: inert on a terminal,
// one line, at most maxKeyLen bytes (cut on a character boundary).
func shortKey(s string) string {
	s = termsafe.Line(s)
	if len(s) <= maxKeyLen {
		return s
	}
	return strings.ToValidUTF8(s[:maxKeyLen-3], "") + "..."
}

// sortErrors puts the most frequent cause first.
func sortErrors(es []ErrorCount) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Count != es[j].Count {
			return es[i].Count > es[j].Count
		}
		return es[i].Key < es[j].Key
	})
}

// errorKey names why a request did not pass, for the breakdown: the answer's status
// and PortSIP code when the status was wrong, the network cause, or the check.
func errorKey(sr *runner.StepResult) string {
	if sr.Status == runner.StatusError {
		switch {
		case strings.Contains(sr.Err, "timed out"):
			return "timeout"
		case strings.Contains(sr.Err, "connection refused"):
			return refusedKey
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
		return shortKey("error: " + sr.Err)
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
	if boundedjson.Unmarshal(body, &e) == nil && len(e.Errors) > 0 && e.Errors[0].Code != "" {
		s += " " + e.Errors[0].Code
	}
	return shortKey(s)
}

// ErrNothingToLoad is returned when every selected scenario is excluded from a load.
var ErrNothingToLoad = errors.New("nothing to load")
