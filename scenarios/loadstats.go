package scenarios

import (
	"math/bits"
	"time"
)

// histogram records latencies in microsecond buckets: exact below 128 µs, then 64
// buckets per power of two (under 1.6% error), so a long load run keeps a fixed,
// small memory whatever its request count.
type histogram struct {
	counts []int64
	n      int64
	sum    time.Duration
	max    time.Duration
}

const (
	histExact = 128
	histSub   = 64
	histSize  = histExact + 57*histSub
)

func newHistogram() *histogram { return &histogram{counts: make([]int64, histSize)} }

func bucketOf(d time.Duration) int {
	us := uint64(d / time.Microsecond)
	if us < histExact {
		return int(us)
	}
	e := bits.Len64(us) - 7 // us>>e is in [64, 128)
	idx := histExact + (e-1)*histSub + int(us>>e) - histSub
	if idx >= histSize {
		idx = histSize - 1
	}
	return idx
}

// bucketValue is the upper edge of a bucket, so percentiles never flatter.
func bucketValue(i int) time.Duration {
	if i < histExact {
		return time.Duration(i) * time.Microsecond
	}
	e := (i-histExact)/histSub + 1
	m := uint64((i-histExact)%histSub + histSub)
	return time.Duration(((m+1)<<e)-1) * time.Microsecond
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(d)]++
	h.n++
	h.sum += d
	if d > h.max {
		h.max = d
	}
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the latency under which a fraction q of the requests fell.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = max(rank, 1)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(bucketValue(i), h.max)
		}
	}
	return h.max
}
