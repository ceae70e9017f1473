package history_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/history"
)

func secretExchange(i int) *apiclient.Exchange {
	return &apiclient.Exchange{
		Operation: "signInWithCredentials", Method: "POST", URL: "http://pbx/api/auth/sign_in",
		RequestHeader: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer sekrit-access"}},
		RequestBody:   []byte(`{"username":"alice","password":"Alice#2026"}`),
		Status:        200, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody: []byte(`{"access_token":"sekrit-access","refresh_token":"sekrit-refresh","expires_in":1800}`),
		Started:      time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Duration: time.Millisecond,
	}
}

func TestDefaultDir_followsXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	d, err := history.DefaultDir()
	require.NoError(t, err)
	assert.Equal(t, "/data/pbxauth/history", d)

	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	d, err = history.DefaultDir()
	require.NoError(t, err)
	assert.Equal(t, "/home/u/.local/share/pbxauth/history", d)
}

func TestStore_Record_redactsAndIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "h")
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	log := history.New(0)
	log.OnAppend(st.Record)
	log.Append("lab/1", secretExchange(1))
	require.NoError(t, st.Close())

	path := st.Path("lab/1")
	assert.Equal(t, "lab_1.jsonl", filepath.Base(path), "a profile name can't escape the directory")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, s := range []string{"Alice#2026", "sekrit-access", "sekrit-refresh"} {
		assert.NotContains(t, string(data), s)
	}
	assert.Contains(t, string(data), apiclient.Redacted)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	dinfo, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dinfo.Mode().Perm())
}

func TestStore_Load_skipsThisSessionAndBadLines(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	st.Record(history.Entry{Seq: 1, Target: "mock", Exchange: secretExchange(1)})
	require.NoError(t, st.Close())

	f, err := os.OpenFile(st.Path("mock"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, _ = f.WriteString("{not json\n")
	require.NoError(t, f.Close())

	later, err := history.OpenStore(dir, 0)
	require.NoError(t, err)
	later.Record(history.Entry{Seq: 1, Target: "mock", Exchange: secretExchange(2)})
	require.NoError(t, later.Close())
	got, err := later.Load("mock")
	require.Error(t, err, "the bad line is reported")
	assert.Contains(t, err.Error(), "1 unreadable line")
	require.Len(t, got, 1, "only the earlier session's entry: this run's are in the Log")
	assert.Equal(t, "POST", got[0].Exchange.Method)
	assert.Contains(t, string(got[0].Exchange.RequestBody), apiclient.Redacted)

	none, err := later.Load("never-used")
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestStore_isBounded(t *testing.T) {
	dir := t.TempDir()
	st, err := history.OpenStore(dir, 8)
	require.NoError(t, err)
	for i := range 40 {
		st.Record(history.Entry{Seq: i + 1, Target: "mock", Exchange: secretExchange(i)})
	}
	require.NoError(t, st.Close())
	data, err := os.ReadFile(st.Path("mock"))
	require.NoError(t, err)
	n := bytes.Count(data, []byte{'\n'})
	assert.LessOrEqual(t, n, 8+8/4, "compaction keeps the file near its limit")
	assert.GreaterOrEqual(t, n, 8)

	next, err := history.OpenStore(dir, 8)
	require.NoError(t, err)
	defer next.Close()
	got, err := next.Load("mock")
	require.NoError(t, err)
	require.Len(t, got, 8)
	assert.Equal(t, 40, got[len(got)-1].Seq, "the newest entries are kept")
}
