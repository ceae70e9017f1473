package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// Fault makes one operation misbehave, for testing clients against a PBX in trouble.
//
// Latency is added to every request of the operation. A failure answers Status (500
// when unset) with the PortSIP error body, or, with Drop, closes the connection
// without an answer. With ErrorRate above zero that share of requests fails;
// otherwise every request fails as soon as Status or Drop is set.
type Fault struct {
	Status    int      `json:"status,omitempty"`
	Latency   Duration `json:"latency,omitempty"`
	ErrorRate float64  `json:"error_rate,omitempty"`
	Drop      bool     `json:"drop,omitempty"`
}

// MaxFaultLatency bounds Fault.Latency, so a typo cannot hang a test for hours.
const MaxFaultLatency = 5 * time.Minute

// Duration is a time.Duration that reads and writes JSON as Go's duration text,
// such as "300ms".
type Duration time.Duration

// MarshalJSON writes the duration as Go's duration text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "300ms", "1.5s", "31m". A bare number is refused: it carries no
// unit, and reading 5 as 5 nanoseconds surprises everyone who meant seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`a duration must be a string with a unit, such as "300ms" (a bare number has no unit)`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf(`duration %q: use a form like "300ms" or "2s"`, s)
	}
	*d = Duration(v)
	return nil
}

// String is Go's duration text.
func (d Duration) String() string { return time.Duration(d).String() }

// problems says what is wrong with the fault of operation op.
func (f Fault) problems(op string) []violation {
	var vs []violation
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		vs = append(vs, violation{field: op + ".status", rule: "range", limit: []int{400, 599}, hint: "an error status from 400 to 599"})
	}
	if f.Latency < 0 || time.Duration(f.Latency) > MaxFaultLatency {
		vs = append(vs, violation{field: op + ".latency", rule: "range", limit: MaxFaultLatency.String(), hint: "between 0 and " + MaxFaultLatency.String()})
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 || f.ErrorRate != f.ErrorRate {
		vs = append(vs, violation{field: op + ".error_rate", rule: "range", limit: []int{0, 1}, hint: "between 0 and 1"})
	}
	return vs
}

// checkFaults validates a fault set keyed by operationId.
func checkFaults(f map[string]Fault) []violation {
	known := map[string]bool{}
	for _, id := range spec.OperationIDs() {
		known[id] = true
	}
	ops := make([]string, 0, len(f))
	for op := range f {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var vs []violation
	for _, op := range ops {
		if !known[op] {
			vs = append(vs, violation{field: op, rule: "unknown_operation"})
			continue
		}
		vs = append(vs, f[op].problems(op)...)
	}
	return vs
}

// fails decides whether this request fails.
func (f Fault) fails() bool {
	if f.ErrorRate > 0 {
		return rand.Float64() < f.ErrorRate //nolint:gosec // a fault share, not a secret
	}
	return f.Status != 0 || f.Drop
}

func (f Fault) failure() response {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return errorResponse(status, CodeFaultInjected, fmt.Sprintf("fault injected by the mock (status %d)", status), nil)
}

// SetFaults replaces the fault set, keyed by operationId; an empty map clears it.
// Entries that ValidateFaults refuses (unknown operationIds, out-of-range values) are
// left out; check with ValidateFaults first to tell the user.
func (s *Server) SetFaults(f map[string]Fault) {
	c := make(map[string]Fault, len(f))
	for k, v := range f {
		if len(checkFaults(map[string]Fault{k: v})) == 0 {
			c[k] = v
		}
	}
	s.faults.Store(&c)
}

// ValidateFaults says what SetFaults would refuse in a fault set, or nil.
func ValidateFaults(f map[string]Fault) error {
	vs := checkFaults(f)
	if len(vs) == 0 {
		return nil
	}
	errs := make([]error, len(vs))
	for i, v := range vs {
		errs[i] = v
	}
	return errors.Join(errs...)
}

// Faults returns a copy of the fault set.
func (s *Server) Faults() map[string]Fault {
	cur := *s.faults.Load()
	c := make(map[string]Fault, len(cur))
	for k, v := range cur {
		c[k] = v
	}
	return c
}
