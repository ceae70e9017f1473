package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Targets of issue 6.
const (
	minFloorRatioInfo   = 0.7
	minFloorRatioSignIn = 0.5
	minPrismRatio       = 10
	maxFloodRSSMiB      = 200
)

type report struct {
	cfg     config
	started time.Time
	order   []string
	samples map[string]map[string][]sample // call label → target → rounds

	rssIdle, rssBefore, rssAfter float64
	flood                        *sample
	tokBefore, tokAfter          string
	expiry                       []expiryStage

	missed []string
}

// med is the median over rounds of one measure.
func med(ss []sample, f func(sample) float64) float64 {
	if len(ss) == 0 {
		return 0
	}
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (r *report) medRPS(label, target string) float64 {
	return med(r.samples[label][target], sample.rps)
}

// markdown is the report: throughput per call and target, the mock's memory
// through a flood and its tokens' expiry, then which targets were missed. It
// fills r.missed as it goes.
func (r *report) markdown() string {
	var b strings.Builder
	c := r.cfg
	fmt.Fprintf(&b, "Measured %s UTC on %d cores (%s), %s; wrk -t%d -c%d -d%s on loopback, %d round(s) alternating %s; medians over rounds.\n\n",
		r.started.UTC().Format("2006-01-02 15:04"), runtime.NumCPU(), runtime.GOARCH, goVersion(),
		c.threads, c.conns, c.duration, c.rounds, strings.Join(r.order, " → "))
	r.missed = nil
	r.writeThroughput(&b)
	if r.flood != nil {
		r.writeMemory(&b)
	}
	r.writeVerdict(&b)
	return b.String()
}

// writeThroughput writes the table of each call on each target, with the
// mock's ratios to the floor and to Prism, and how the columns were measured.
func (r *report) writeThroughput(b *strings.Builder) {
	c := r.cfg
	b.WriteString("| call | target | req/s | p50 | p99 | errors | server CPU µs/req | vs floor | vs Prism |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for i, cl := range calls {
		floorMin := minFloorRatioInfo
		if i == 1 {
			floorMin = minFloorRatioSignIn
		}
		for _, name := range r.order {
			ss := r.samples[cl.label][name]
			var errs int64
			for _, s := range ss {
				errs += s.errors()
			}
			vsFloor, vsPrism := "", ""
			if name == "mock" {
				vsFloor = r.ratioCell(cl.label, "floor", floorMin)
				vsPrism = r.ratioCell(cl.label, "prism", minPrismRatio)
			}
			if errs > 0 && name != "prism" {
				r.missed = append(r.missed, fmt.Sprintf("%s on %s: %d errors", cl.label, name, errs))
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | %.1f | %s | %s |\n", cl.label, name,
				thousands(med(ss, sample.rps)),
				ms(int64(med(ss, func(s sample) float64 { return float64(s.P50) }))),
				ms(int64(med(ss, func(s sample) float64 { return float64(s.P99) }))),
				errs, med(ss, func(s sample) float64 { return s.CPUus }), vsFloor, vsPrism)
		}
	}
	b.WriteString("\nerrors: non-2xx answers plus socket errors (connect, read, write, timeout), summed over the rounds. ")
	b.WriteString("server CPU µs/req: the server process's user+system time over the run divided by its requests (from /proc/PID/stat), which other load on the machine barely moves.\n")
	fmt.Fprintf(b, "The mock runs as shipped (`pbxauth mock %s`, its one log line per request to %s); Prism with `-v silent`.\n",
		strings.TrimSpace("--addr 127.0.0.1:PORT "+c.mockArgs), c.mockLog)
	b.WriteString(fmt.Sprintf("Targets: mock ≥ %.1f× floor on /info, ≥ %.1f× on sign-in, ≥ %d× Prism on both.\n",
		minFloorRatioInfo, minFloorRatioSignIn, minPrismRatio))
}

// writeMemory writes the mock's RSS idle, through a sign-in flood and as its
// tokens expire, and whether it stayed under the cap and fell back.
func (r *report) writeMemory(b *strings.Builder) {
	c := r.cfg
	b.WriteString("\n| mock | RSS (VmRSS) MiB | access / refresh tokens held |\n|---|--:|--:|\n")
	fmt.Fprintf(b, "| at start, idle | %.1f | |\n", r.rssIdle)
	fmt.Fprintf(b, "| after the rounds, before the flood | %.1f | %s |\n", r.rssBefore, r.tokBefore)
	fmt.Fprintf(b, "| after a %s sign-in flood (%s sign-ins, %s req/s, %d errors) | %.1f | %s |\n",
		c.flood, thousands(float64(r.flood.Requests)), thousands(r.flood.rps()), r.flood.errors(), r.rssAfter, r.tokAfter)
	rssMin := r.rssAfter
	for _, e := range r.expiry {
		fmt.Fprintf(b, "| mock clock +%s, lowest within %s (at +%s), one sign-in a second and light /info load | %.1f | |\n",
			e.label, c.settle/2, e.rssMinAt.Round(time.Second), e.rssMin)
		fmt.Fprintf(b, "| … at the end of those %s | %.1f | %s |\n", c.settle/2, e.rssEnd, e.tokens)
		rssMin = min(rssMin, e.rssMin)
	}
	okMax := r.rssAfter >= 0 && r.rssAfter < maxFloodRSSMiB
	if !okMax {
		r.missed = append(r.missed, fmt.Sprintf("RSS after the flood %.1f MiB ≥ %d MiB", r.rssAfter, maxFloodRSSMiB))
	}
	if r.flood.errors() > 0 {
		r.missed = append(r.missed, fmt.Sprintf("flood: %d errors", r.flood.errors()))
	}
	// Falling back: once its tokens expire the mock gives back at least a third
	// of what it gained since it started idle (a gain under 8 MiB counts as flat).
	grew := r.rssAfter - r.rssIdle
	okFall := grew < 8 || rssMin <= r.rssAfter-grew/3
	if !okFall {
		r.missed = append(r.missed, fmt.Sprintf("RSS did not fall back after expiry (min %.1f MiB)", rssMin))
	}
	fmt.Fprintf(b, "\nRSS after the flood < %d MiB: %s; falls back after expiry (gives back ≥ ⅓ of its gain since idle): %s.\n", maxFloodRSSMiB, mark(okMax), mark(okFall))
}

// writeVerdict says whether every target was met, or why it cannot say.
func (r *report) writeVerdict(b *strings.Builder) {
	hasMock := false
	for _, n := range r.order {
		hasMock = hasMock || n == "mock"
	}
	switch {
	case !hasMock:
		b.WriteString("\nThe mock was not measured: no target checked.\n")
	case len(r.missed) == 0 && (r.samples[calls[0].label]["floor"] == nil || r.samples[calls[0].label]["prism"] == nil):
		b.WriteString("\nNo target missed, but floor or Prism was not measured: their ratios are unchecked.\n")
	case len(r.missed) > 0:
		b.WriteString("\nMissed: " + strings.Join(r.missed, "; ") + "\n")
	default:
		b.WriteString("\nAll targets met.\n")
	}
}

// ratioCell renders mock/other for a call and records a missed target.
func (r *report) ratioCell(label, other string, min float64) string {
	o := r.medRPS(label, other)
	if o == 0 {
		return "–"
	}
	ratio := r.medRPS(label, "mock") / o
	ok := ratio >= min
	if !ok {
		r.missed = append(r.missed, fmt.Sprintf("%s: mock/%s %.2f× < %.1f×", label, other, ratio, min))
	}
	return fmt.Sprintf("%.2f× %s", ratio, mark(ok))
}

func (r *report) allTargetsMet() bool { return len(r.missed) == 0 }

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func thousands(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// goVersion is the toolchain the harness was built with; run.sh builds the mock
// and the floor with the same one.
func goVersion() string { return runtime.Version() }
