package scenarios

import (
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// OpInfo is what a call step needs to know about an operation. Its Success lists
// the documented 2xx and 3xx statuses: what a call expects by default.
type OpInfo struct {
	spec.Operation
	// ParamIn maps each path or query parameter to where it goes ("path", "query").
	ParamIn map[string]string
}

// LookupOp finds an operation of the embedded document by operationId. It reads
// the generated operation table: parsing scenario files (run --list, --check)
// does not parse the OpenAPI document.
func LookupOp(id string) (OpInfo, bool) {
	o, ok := opsByID()[id]
	return o, ok
}

var opsByID = sync.OnceValue(func() map[string]OpInfo {
	byID := map[string]OpInfo{}
	for _, o := range spec.Operations() {
		info := OpInfo{Operation: o, ParamIn: map[string]string{}}
		for _, p := range o.Params {
			info.ParamIn[p.Name] = p.In
		}
		byID[o.ID] = info
	}
	return byID
})

// CalledOps lists the operations a scenario's steps send (flows included): calls by
// operationId, raw requests by the operation their method and path match.
func CalledOps(steps []*Step) []string {
	var out []string
	for _, st := range steps {
		switch st.Kind {
		case KindCall:
			out = append(out, st.Call)
		case KindRequest:
			path, _, _ := strings.Cut(st.Path, "?")
			if op, _, _, ok := spec.Match(st.Method, path); ok {
				out = append(out, op.ID)
			}
		case KindInclude:
			out = append(out, CalledOps(st.Include.Flow.Steps)...)
		}
	}
	return out
}
