package scenarios

import (
	"sync"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// opInfo is what a call step needs to know about an operation.
type opInfo struct {
	spec.Operation
	// params maps each path or query parameter to where it goes ("path", "query").
	params map[string]string
	// success lists the documented 2xx and 3xx statuses: what a call expects by default.
	success []int
}

var (
	opsOnce sync.Once
	opsByID map[string]opInfo
)

// lookupOp finds an operation of the embedded document by operationId. It reads
// the generated operation table: parsing scenario files (run --list, --check)
// does not parse the OpenAPI document.
func lookupOp(id string) (opInfo, bool) {
	opsOnce.Do(func() {
		opsByID = map[string]opInfo{}
		for _, o := range spec.Operations() {
			info := opInfo{Operation: o, params: map[string]string{}, success: o.Success}
			for _, p := range o.Params {
				info.params[p.Name] = p.In
			}
			opsByID[o.ID] = info
		}
	})
	o, ok := opsByID[id]
	return o, ok
}
