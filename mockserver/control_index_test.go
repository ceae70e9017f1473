package mockserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// GET /_mock/ lists the endpoints with their query and body shapes, written by
// hand; this keeps the list and the routes the same set of method and path.
func TestControlIndex_listsEveryRoute(t *testing.T) {
	s, err := New(Options{})
	require.NoError(t, err)
	var index struct{ Endpoints []string }
	require.NoError(t, json.Unmarshal(s.ctlIndex(nil, nil).body, &index))

	listed := map[string]bool{}
	for _, e := range index.Endpoints {
		method, rest, _ := strings.Cut(e, " ")
		path := strings.FieldsFunc(rest, func(r rune) bool { return r == '[' || r == ' ' || r == '?' })[0]
		if strings.HasPrefix(path, idpPrefix) {
			continue // served before the control mux
		}
		listed[method+" "+path] = true
	}
	routes := map[string]bool{}
	for path, methods := range s.controlPaths() {
		if path == "/_mock" || path == "/_mock/{$}" {
			continue // the index itself
		}
		for method := range methods {
			routes[method+" "+path] = true
		}
	}
	assert.Equal(t, routes, listed)
}
