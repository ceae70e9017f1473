package mockserver

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/rules"
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

// Duration is a time.Duration that reads and writes JSON as "300ms" (a number is
// read as nanoseconds).
type Duration time.Duration

// MarshalJSON writes the duration as Go's duration text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "300ms", "1.5s" or nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration must be a string like \"300ms\"")
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: use a form like \"300ms\" or \"2s\"", s)
	}
	*d = Duration(v)
	return nil
}

// String is Go's duration text.
func (d Duration) String() string { return time.Duration(d).String() }

// problem says what is wrong with a fault, for the field named field.
func (f Fault) problems(op string) []rules.Violation {
	var vs []rules.Violation
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		vs = append(vs, rules.Violation{Field: op + ".status", Rule: "range", Message: "must be an error status from 400 to 599"})
	}
	if f.Latency < 0 || time.Duration(f.Latency) > MaxFaultLatency {
		vs = append(vs, rules.Violation{Field: op + ".latency", Rule: "range", Message: "must be between 0 and " + MaxFaultLatency.String()})
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 || f.ErrorRate != f.ErrorRate {
		vs = append(vs, rules.Violation{Field: op + ".error_rate", Rule: "range", Message: "must be between 0 and 1"})
	}
	return vs
}

// checkFaults validates a fault set keyed by operationId.
func checkFaults(f map[string]Fault) []rules.Violation {
	known := map[string]bool{}
	for _, id := range spec.OperationIDs() {
		known[id] = true
	}
	ops := make([]string, 0, len(f))
	for op := range f {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var vs []rules.Violation
	for _, op := range ops {
		if !known[op] {
			vs = append(vs, rules.Violation{Field: op, Rule: "unknown_operation", Message: "is not an operationId of the API"})
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
