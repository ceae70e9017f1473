package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table commands start from must say what the document says.
func TestGeneratedOperations_matchTheDocument(t *testing.T) {
	want, err := DocumentOperations()
	require.NoError(t, err)
	got := Operations()
	for i := range got {
		got[i].segs = nil
	}
	assert.Equal(t, want, got, "operations_table.go is out of date: run go generate ./apiclient/spec")
}
