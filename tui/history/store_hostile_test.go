package history_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/history"
)

// A hostile PBX's answer, as large as the client reads (1 MiB), made of control
// bytes: each becomes \u00XX, six times its size, in the JSON line. It must not
// cost the history what was recorded after it.
func TestStore_Load_hostileAnswerDoesNotHideLaterEntries(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	hostile := secretExchange(1)
	hostile.ResponseHeader = http.Header{"Content-Type": {"text/plain"}}
	hostile.ResponseBody = bytes.Repeat([]byte{0x01}, apiclient.MaxBody)
	hostile.RequestBody = bytes.Repeat([]byte{0x02}, apiclient.MaxBody)
	st.Record(history.Entry{Seq: 1, Target: "lab", Exchange: hostile})
	st.Record(history.Entry{Seq: 2, Target: "lab", Exchange: secretExchange(2)})
	require.NoError(t, st.Close())

	got, err := loadAgain(t, dir, "lab")
	require.NoError(t, err)
	require.Len(t, got, 2, "both entries come back")
	assert.True(t, got[0].Exchange.Truncated, "the hostile one with its bodies cut, and said so")
	assert.Equal(t, 2, got[1].Seq)
}

// A line longer than Load reads (written by an older pbxauth, or by hand) is
// skipped and counted, and the entries after it still load.
func TestStore_Load_overlongLineIsSkippedNotTheRest(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	st.Record(history.Entry{Seq: 1, Target: "lab", Exchange: secretExchange(1)})
	require.NoError(t, st.Close())
	f, err := os.OpenFile(st.Path("lab"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(append(bytes.Repeat([]byte("x"), 5<<20), '\n'))
	require.NoError(t, errors.Join(err, f.Close()))
	again, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	again.Record(history.Entry{Seq: 3, Target: "lab", Exchange: secretExchange(3)})
	require.NoError(t, again.Close())

	got, err := loadAgain(t, dir, "lab")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1 unreadable line")
	require.Len(t, got, 2)
	assert.Equal(t, []int{1, 3}, []int{got[0].Seq, got[1].Seq})
}

// loadAgain is what a later session finds of profile's history in dir.
func loadAgain(t *testing.T, dir, profile string) ([]history.Entry, error) {
	t.Helper()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st.Load(profile)
}
