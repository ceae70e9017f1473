package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios/report"
)

// WriteSummary prints a load result as plain text.
func WriteSummary(w io.Writer, r *Result) error {
	var b strings.Builder
	st := r.Settings
	how := fmt.Sprintf("closed loop, %d virtual users", st.Concurrency)
	if st.Mode == "open" {
		how = fmt.Sprintf("open loop at %g/s", st.Rate)
		if st.Ramp > 0 {
			how += fmt.Sprintf(" (ramp %s)", st.Ramp)
		}
		how += fmt.Sprintf(", at most %d in flight", st.Concurrency)
	}
	state := r.State
	if r.Reason != "" {
		state += ": " + r.Reason
	}
	fmt.Fprintf(&b, "Load against %s: %s, %s (%s)\n", r.Target, how, report.RoundDuration(r.Duration), state)
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
	fmt.Fprintf(&b, "  latency      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s\n",
		report.RoundDuration(r.P50), report.RoundDuration(r.P90), report.RoundDuration(r.P99), report.RoundDuration(r.P999), report.RoundDuration(r.Max), report.RoundDuration(r.Mean))
	if st.Mode == "open" {
		fmt.Fprintf(&b, "  schedule     %d sent more than %s late (worst %s), %d not sent (every virtual user busy)\n",
			r.Late, lateTolerance, report.RoundDuration(r.MaxLateness), r.NotSent)
	}
	if r.Unfinished > 0 {
		fmt.Fprintf(&b, "  unfinished   %d request(s) in flight when the run stopped\n", r.Unfinished)
	}
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
			r.Backoffs, report.RoundDuration(r.BackoffTime), loadBackoffMin, loadBackoffMax)
	}
	if len(r.Errors) == 0 {
		b.WriteString("  errors       none\n")
	} else {
		fmt.Fprintf(&b, "  errors       %d\n", r.ErrorTotal())
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "    %8d  %s\n", e.Count, e.Key)
		}
	}
	// The target and the reasons may come from a profile file or the PBX.
	_, err := io.WriteString(w, termsafe.Text(b.String()))
	return err
}

// resultJSON is the JSON report of a load (`run --load --json FILE`).
type resultJSON struct {
	Target      string             `json:"target"`
	Settings    settingsJSON       `json:"settings"`
	Started     time.Time          `json:"started"`
	DurationS   float64            `json:"duration_s"`
	State       string             `json:"state"`
	Reason      string             `json:"reason,omitempty"`
	Requests    int64              `json:"requests"`
	RPS         float64            `json:"rps"`
	Iterations  int64              `json:"iterations"`
	ItersFailed int64              `json:"iterations_failed"`
	ErrorsTotal int64              `json:"errors_total"`
	Errors      map[string]int64   `json:"errors"`
	Statuses    map[string]int64   `json:"statuses"`
	Latency     map[string]float64 `json:"latency_ms"`
	Schedule    *scheduleJSON      `json:"schedule,omitempty"`
	Unfinished  int64              `json:"unfinished"`
	Excluded    []Exclusion        `json:"excluded,omitempty"`
	Timeline    []Second           `json:"timeline"`
}

type settingsJSON struct {
	Settings
	RampS     float64 `json:"ramp_s,omitempty"`
	DurationS float64 `json:"duration_s"`
	TimeoutS  float64 `json:"timeout_s"`
}

type scheduleJSON struct {
	Late          int64   `json:"late"`
	LateAfterMS   float64 `json:"late_after_ms"`
	MaxLatenessMS float64 `json:"max_lateness_ms"`
	NotSent       int64   `json:"not_sent"`
}

// WriteJSON writes a load result as JSON. Error keys are the runner's own
// words and PortSIP codes (redacted like every failure), never raw bodies.
func WriteJSON(w io.Writer, r *Result) error {
	j := resultJSON{
		Target: r.Target, Started: r.Started.UTC(), DurationS: r.Duration.Seconds(), State: r.State, Reason: r.Reason,
		Settings: settingsJSON{Settings: r.Settings, RampS: r.Settings.Ramp.Seconds(),
			DurationS: r.Settings.Duration.Seconds(), TimeoutS: r.Settings.Timeout.Seconds()},
		Requests: r.Requests, RPS: r.Throughput, Iterations: r.Iterations, ItersFailed: r.IterationsFailed,
		ErrorsTotal: r.ErrorTotal(), Errors: map[string]int64{}, Statuses: map[string]int64{},
		Latency: map[string]float64{"p50": report.Milliseconds(r.P50), "p90": report.Milliseconds(r.P90), "p99": report.Milliseconds(r.P99), "p999": report.Milliseconds(r.P999),
			"max": report.Milliseconds(r.Max), "mean": report.Milliseconds(r.Mean)},
		Unfinished: r.Unfinished, Excluded: r.Excluded, Timeline: r.Timeline,
	}
	if j.Timeline == nil {
		j.Timeline = []Second{}
	}
	for _, e := range r.Errors {
		j.Errors[e.Key] = e.Count
	}
	for c, n := range r.Statuses {
		j.Statuses[strconv.Itoa(c)] = n
	}
	if r.Settings.Mode == "open" {
		j.Schedule = &scheduleJSON{Late: r.Late, LateAfterMS: report.Milliseconds(lateTolerance), MaxLatenessMS: report.Milliseconds(r.MaxLateness), NotSent: r.NotSent}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
