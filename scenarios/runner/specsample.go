package runner

import (
	"fmt"
	"hash/maphash"
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
// A conformance run checks every answer unless told otherwise: a long suite
// against a slow PBX may sample too.
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

// Resolve is m, or def when m is empty; an error when m is no mode.
func (m ValidateMode) Resolve(def ValidateMode) (ValidateMode, error) {
	switch m {
	case "":
		return def, nil
	case ValidateAll, ValidateOnce, ValidateOff:
		return m, nil
	}
	return "", fmt.Errorf("scenarios: validate must be all, once or off, got %q", m)
}

// SampleSpec is the check of a run in mode: which exchanges to validate. Nil
// (every one) for ValidateAll; one sampler per run, shared by its goroutines.
func SampleSpec(mode ValidateMode) func(*apiclient.Exchange) bool {
	if mode == ValidateAll || mode == "" {
		return nil
	}
	return newSpecSampler(mode).first
}

func newSpecSampler(mode ValidateMode) *specSampler {
	return &specSampler{mode: mode, seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}}
}

// maxShapes bounds the set: an API answering ever new shapes (random keys) would
// otherwise grow it without end; past the bound every exchange is validated.
const maxShapes = 4096

// first reports whether to validate the exchange: always (all), never (off), or
// (once) when its shape is new to the run: its operation (or method and path),
// status, content type and the structure of its body (JSON keys and value kinds,
// not values). Values can break the document too (a string too long), so once is
// a sample, as its help says.
func (p *specSampler) first(ex *apiclient.Exchange) bool {
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
	writeShape(&h, ex.ResponseBody)
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

// writeShape writes the structure of a JSON body without decoding it: brackets,
// object keys, and one letter per value kind (string, number, boolean, null). Bytes
// that are not JSON come out as some shape too: validation then finds them.
func writeShape(h *maphash.Hash, b []byte) {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			end := i + 1
			for end < len(b) && b[end] != '"' {
				if b[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end, len(b)-1)
			j := end + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t') {
				j++
			}
			if j < len(b) && b[j] == ':' {
				h.Write(b[i : end+1]) // a key
			} else {
				h.WriteByte('s')
			}
			i = end
		case c == '-' || (c >= '0' && c <= '9'):
			for i+1 < len(b) && strings.IndexByte("+-.eE0123456789", b[i+1]) >= 0 {
				i++
			}
			h.WriteByte('#')
		case c == 't' || c == 'f' || c == 'n':
			if c == 'n' {
				h.WriteByte('n')
			} else {
				h.WriteByte('b') // true and false are one kind
			}
			for i+1 < len(b) && b[i+1] >= 'a' && b[i+1] <= 'z' {
				i++
			}
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
		default:
			h.WriteByte(c)
		}
	}
}
