package loadtest

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to an hour with 3 significant
// digits (0.1 % error): a fixed ~200 KiB per histogram whatever the request count.
const (
	histMin     = 1
	histMax     = int64(time.Hour / time.Microsecond)
	histSigFigs = 3
)

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histSigFigs) }

// durationAt reads a quantile (0-100) of a histogram as a duration.
func durationAt(h *hdrhistogram.Histogram, q float64) time.Duration {
	return time.Duration(h.ValueAtQuantile(q)) * time.Microsecond
}

// maxTimeline bounds the per-second series a load keeps (a day of seconds).
const maxTimeline = 24 * 60 * 60

// Second is one second of a load: what finished in it.
type Second struct {
	// Second counts from 1 at the end of the run's first second.
	Second   int     `json:"second"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	P99ms    float64 `json:"p99_ms"`
}

// recorder tallies a load as requests finish. One lock, held for a few
// hundred nanoseconds per request: on the machines a load runs from, the CPU
// spent sending is what bounds the rate, not this lock.
type recorder struct {
	mu       sync.Mutex
	total    *hdrhistogram.Histogram
	window   *hdrhistogram.Histogram // since the last tick
	winReqs  int64
	winErrs  int64
	statuses map[int]int64
	errors   map[string]int64
	timeline []Second

	requests, errCount atomic.Int64
	iters, itersFailed atomic.Int64
	backoffs           atomic.Int64
	paused             atomic.Int64 // nanoseconds
	late, notSent      atomic.Int64
	maxLate            atomic.Int64 // nanoseconds
	unfinished         atomic.Int64

	// lastReach and lastRefused are unix nanoseconds of the last request that got
	// through (an answer, a timeout, a dropped connection) and of the last refused
	// connection: refusals alone for a few seconds mean the target is gone.
	lastReach, lastRefused atomic.Int64
}

func newRecorder(start time.Time) *recorder {
	r := &recorder{total: newHist(), window: newHist(), statuses: map[int]int64{}, errors: map[string]int64{}}
	r.lastReach.Store(start.UnixNano())
	return r
}

// request records one finished request: its latency (when it got an answer or
// timed out), status (0 without an answer) and, when it did not pass, why.
func (r *recorder) request(latency time.Duration, status int, recordLatency bool, errKey string) {
	r.requests.Add(1)
	now := time.Now().UnixNano()
	if errKey == refusedKey {
		r.lastRefused.Store(now)
	} else {
		r.lastReach.Store(now)
	}
	if errKey != "" {
		r.errCount.Add(1)
	}
	us := min(max(int64(latency/time.Microsecond), histMin), histMax)
	r.mu.Lock()
	if recordLatency {
		_ = r.total.RecordValue(us) // in range by the clamp above
		_ = r.window.RecordValue(us)
	}
	if status != 0 {
		r.statuses[status]++
	}
	r.winReqs++
	if errKey != "" {
		if _, known := r.errors[errKey]; !known && len(r.errors) >= maxErrorKeys {
			errKey = otherErrorsKey
		}
		r.errors[errKey]++
		r.winErrs++
	}
	r.mu.Unlock()
}

// lateBy records a request of an open-loop schedule sent after its intended start.
func (r *recorder) lateBy(d time.Duration) {
	if d <= lateTolerance {
		return
	}
	r.late.Add(1)
	for {
		cur := r.maxLate.Load()
		if int64(d) <= cur || r.maxLate.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// tick closes the current second and returns it.
func (r *recorder) tick(second int) Second {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Second{Second: second, Requests: r.winReqs, Errors: r.winErrs}
	if r.window.TotalCount() > 0 {
		s.P99ms = float64(r.window.ValueAtQuantile(99)) / 1000
	}
	r.window.Reset()
	r.winReqs, r.winErrs = 0, 0
	if len(r.timeline) < maxTimeline {
		r.timeline = append(r.timeline, s)
	}
	return s
}

// gone reports whether every connection has been refused for at least after.
func (r *recorder) gone(now time.Time, after time.Duration) bool {
	reach, refused := r.lastReach.Load(), r.lastRefused.Load()
	return refused > reach && now.UnixNano()-reach >= int64(after)
}

// fill copies the tallies into res.
func (r *recorder) fill(res *Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res.Requests = r.requests.Load()
	res.Iterations, res.IterationsFailed = r.iters.Load(), r.itersFailed.Load()
	res.Backoffs, res.BackoffTime = r.backoffs.Load(), time.Duration(r.paused.Load())
	res.Late, res.MaxLateness, res.NotSent = r.late.Load(), time.Duration(r.maxLate.Load()), r.notSent.Load()
	res.Unfinished = r.unfinished.Load()
	if secs := res.Duration.Seconds(); secs > 0 {
		res.Throughput = float64(res.Requests) / secs
	}
	h := r.total
	res.P50, res.P90, res.P99 = durationAt(h, 50), durationAt(h, 90), durationAt(h, 99)
	res.P999, res.Max = durationAt(h, 99.9), time.Duration(h.Max())*time.Microsecond
	res.Mean = time.Duration(h.Mean() * float64(time.Microsecond))
	for k, v := range r.statuses {
		res.Statuses[k] = v
	}
	for k, v := range r.errors {
		res.Errors = append(res.Errors, ErrorCount{k, v})
	}
	sortErrors(res.Errors)
	res.Timeline = append([]Second(nil), r.timeline...)
}
