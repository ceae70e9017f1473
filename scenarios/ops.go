package scenarios

import (
	"sort"
	"strconv"
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

// lookupOp finds an operation of the embedded document by operationId.
func lookupOp(id string) (opInfo, bool) {
	opsOnce.Do(func() {
		opsByID = map[string]opInfo{}
		doc := spec.MustLoad()
		for _, o := range spec.Operations() {
			info := opInfo{Operation: o, params: map[string]string{}}
			item := doc.Paths.Find(o.Path)
			if item != nil {
				for _, pr := range item.Parameters {
					info.params[pr.Value.Name] = pr.Value.In
				}
				if op := item.GetOperation(o.Method); op != nil {
					for code := range op.Responses.Map() {
						if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
							info.success = append(info.success, n)
						}
					}
					sort.Ints(info.success)
					for _, pr := range op.Parameters {
						info.params[pr.Value.Name] = pr.Value.In
					}
				}
			}
			opsByID[o.ID] = info
		}
	})
	o, ok := opsByID[id]
	return o, ok
}
