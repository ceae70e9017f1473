package scenarios

import (
	"hash/maphash"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient"
)

// ValidateMode says how many exchanges a run checks against the OpenAPI document.
type ValidateMode string

// Validate modes. A load sends the same few requests thousands of times: checking
// each distinct answer once finds what checking them all would, at a fraction of
// the CPU (validation was a quarter of a load's CPU when it checked everything).
const (
	ValidateAll  ValidateMode = "all"  // every exchange (default of a conformance run)
	ValidateOnce ValidateMode = "once" // the first exchange of each operation, status and body shape (default of a load)
	ValidateOff  ValidateMode = "off"  // none
)

// specSampler remembers the answer shapes a run has validated. Shapes are few (a
// handful per operation), so the set stays small whatever the request count.
type specSampler struct {
	mode ValidateMode
	seed maphash.Seed
	mu   sync.Mutex
	seen map[uint64]struct{}
}

func newSpecSampler(mode ValidateMode) *specSampler {
	return &specSampler{mode: mode, seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}}
}

// maxShapes bounds the set: an API answering ever new shapes (random keys) would
// otherwise grow it without end; past the bound every exchange is validated.
const maxShapes = 4096

// first reports whether to validate the exchange: always (all), never (off), or
// (once) when its shape is new to the run: its operation (or method and path),
// status, content type and the structure of its JSON body (keys and value kinds,
// not values). Values can break the document too (a string too long), so once is
// a sample, as its help says.
func (p *specSampler) first(ex *apiclient.Exchange, doc any, docErr error) bool {
	switch {
	case p.mode == ValidateOff:
		return false
	case p.mode == ValidateAll, ex == nil:
		return true
	}
	var h maphash.Hash
	h.SetSeed(p.seed)
	h.WriteString(ex.Method)
	if ex.Operation != "" {
		h.WriteString(ex.Operation)
	} else {
		// A raw request: its path, without a query that may differ every time.
		path, _, _ := strings.Cut(ex.URL, "?")
		h.WriteString(path)
	}
	h.WriteString(strconv.Itoa(ex.Status))
	h.WriteString(ex.ResponseHeader.Get("Content-Type"))
	switch {
	case len(ex.ResponseBody) == 0:
		h.WriteString("empty")
	case docErr != nil:
		h.WriteString("not json")
	default:
		writeShape(&h, doc)
	}
	key := h.Sum64()
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.seen[key]; ok {
		return false
	}
	if len(p.seen) < maxShapes {
		p.seen[key] = struct{}{}
	}
	return true
}

// writeShape writes a JSON value's structure: object keys in order with their
// values' shapes, an array's distinct element shapes, a scalar's kind.
func writeShape(h *maphash.Hash, v any) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteByte('{')
		for _, k := range keys {
			h.WriteString(k)
			h.WriteByte(':')
			writeShape(h, t[k])
		}
		h.WriteByte('}')
	case []any:
		h.WriteByte('[')
		for _, e := range t {
			writeShape(h, e)
		}
		h.WriteByte(']')
	case string:
		h.WriteByte('s')
	case bool:
		h.WriteByte('b')
	case nil:
		h.WriteByte('n')
	default:
		h.WriteByte('#')
	}
}
