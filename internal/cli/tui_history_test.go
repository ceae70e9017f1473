package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/history"
)

// An entry that never reached the disk is said when the TUI ends, not lost quietly.
func TestCloseHistory_reportsTheLastWriteError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "history")
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	// A file where the folder was: every write fails, for root too.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.WriteFile(dir, nil, 0o600))
	st.Record(history.Entry{Exchange: &apiclient.Exchange{Operation: "signOut"}, Target: "lab"})

	var out strings.Builder
	closeHistory(&out, st)
	assert.Contains(t, out.String(), "pbxauth: history: ")

	ok, err := history.OpenStore(t.TempDir(), 0)
	require.NoError(t, err)
	out.Reset()
	closeHistory(&out, ok)
	assert.Empty(t, out.String(), "nothing to say when every entry was written")
}
