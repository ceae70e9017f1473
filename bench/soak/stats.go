package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// Outcome classes of one call, as the client reports them.
const (
	outOK      = "2xx"
	outTimeout = "timeout"
	outNetwork = "network"
	outDecode  = "decode"
)

// classify names what a typed client call returned: "2xx", "status 401",
// "timeout" (the client's deadline), "network" (refused, reset, dropped) or "decode".
func classify(err error) string {
	if err == nil {
		return outOK
	}
	var ae *apiclient.APIError
	if errors.As(err, &ae) {
		return fmt.Sprintf("status %d", ae.Status)
	}
	var te *apiclient.TransportError
	if errors.As(err, &te) {
		if te.Timeout {
			return outTimeout
		}
		return outNetwork
	}
	var de *apiclient.DecodeError
	if errors.As(err, &de) {
		return outDecode
	}
	return "error: " + err.Error()
}

// opStats is what one operation saw during the run.
type opStats struct {
	outcomes   map[string]int
	unexpected map[string]int
	latencies  []time.Duration
	hangs      int // calls that outlived the client timeout plus grace
}

// stats is shared by all virtual users.
type stats struct {
	mu      sync.Mutex
	ops     map[string]*opStats
	samples []string // first unexpected outcomes, for the report
	flows   map[string]int
}

func newStats() *stats { return &stats{ops: map[string]*opStats{}, flows: map[string]int{}} }

func (s *stats) record(op, outcome string, expected bool, d time.Duration, hang bool, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ops[op]
	if o == nil {
		o = &opStats{outcomes: map[string]int{}, unexpected: map[string]int{}}
		s.ops[op] = o
	}
	o.outcomes[outcome]++
	o.latencies = append(o.latencies, d)
	if hang {
		o.hangs++
		if len(s.samples) < 10 {
			s.samples = append(s.samples, fmt.Sprintf("%s took %s, past its timeout and grace (%s)", op, d.Round(time.Millisecond), outcome))
		}
	}
	if !expected {
		o.unexpected[outcome]++
		if len(s.samples) < 10 {
			s.samples = append(s.samples, fmt.Sprintf("%s → %s: %s", op, outcome, detail))
		}
	}
}

func (s *stats) flowDone(name string) {
	s.mu.Lock()
	s.flows[name]++
	s.mu.Unlock()
}

// totals sums calls, 5xx answers, unexpected outcomes and hangs over all operations.
func (s *stats) totals() (calls, fivexx, unexpected, hangs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.ops {
		for k, n := range o.outcomes {
			calls += n
			if strings.HasPrefix(k, "status 5") {
				fivexx += n
			}
		}
		for _, n := range o.unexpected {
			unexpected += n
		}
		hangs += o.hangs
	}
	return
}

// print writes a table of operations: calls, outcome breakdown, latency percentiles.
func (s *stats) print(w io.Writer, elapsed time.Duration) {
	s.mu.Lock()
	names := make([]string, 0, len(s.ops))
	for n := range s.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "| operation | calls | outcomes | unexpected | p50 | p99 | max |\n|---|--:|---|--:|--:|--:|--:|\n")
	for _, n := range names {
		o := s.ops[n]
		sort.Slice(o.latencies, func(i, j int) bool { return o.latencies[i] < o.latencies[j] })
		calls := len(o.latencies)
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s |\n", n, calls, breakdown(o.outcomes), breakdownOrZero(o.unexpected),
			round(pct(o.latencies, 0.50)), round(pct(o.latencies, 0.99)), round(o.latencies[calls-1]))
	}
	flows := make([]string, 0, len(s.flows))
	for f, n := range s.flows {
		flows = append(flows, fmt.Sprintf("%s %d", f, n))
	}
	sort.Strings(flows)
	samples := append([]string(nil), s.samples...)
	s.mu.Unlock()

	calls, fivexx, unexpected, hangs := s.totals()
	fmt.Fprintf(w, "\nflows completed: %s\n", strings.Join(flows, ", "))
	fmt.Fprintf(w, "calls: %d in %s (%.0f/s); 5xx: %d; unexpected outcomes: %d; calls past timeout+grace: %d\n",
		calls, elapsed.Round(time.Millisecond), float64(calls)/elapsed.Seconds(), fivexx, unexpected, hangs)
	for _, smp := range samples {
		fmt.Fprintf(w, "  unexpected: %s\n", smp)
	}
}

func breakdown(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func breakdownOrZero(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	return breakdown(m)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}
