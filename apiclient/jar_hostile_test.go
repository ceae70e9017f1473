package apiclient_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
)

// A hostile PBX sets 200 new cookies with every answer, and a few of 8 KiB. A
// long session (the TUI, a run) must not keep them all and send them all back:
// the jar keeps as many as RFC 6265 6.1 asks a client to (50 per host, 4 KiB
// each), and a cookie the PBX deletes makes room for another.
func TestClient_cookieFloodIsBounded(t *testing.T) {
	c, mux, _ := setup(t)
	var call atomic.Int64
	var sent atomic.Int64
	mux.HandleFunc("/info", func(w http.ResponseWriter, r *http.Request) {
		sent.Store(int64(strings.Count(r.Header.Get("Cookie"), "=")))
		n := call.Add(1)
		for i := range 200 {
			w.Header().Add("Set-Cookie", fmt.Sprintf("c%d_%d=v; Path=/", n, i))
		}
		w.Header().Add("Set-Cookie", "big="+strings.Repeat("x", 8<<10)+"; Path=/")
		_, _ = w.Write([]byte(`{}`))
	})
	for range 20 {
		_, err := c.Do(ctx, apiclient.Request{Method: "GET", Path: "/info"})
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, sent.Load(), int64(50), "cookies sent back")
	ex, err := c.Preview(apiclient.Request{Method: "GET", Path: "/info"})
	require.NoError(t, err)
	assert.Less(t, len(strings.Join(ex.RequestHeader.Values("Cookie"), "; ")), 50*64, "no 8 KiB cookie kept")
}

// The jar's bound counts live cookies: a PBX that deletes its cookie and sets a
// new one, over and over, keeps its session.
func TestClient_cookieDeletedMakesRoom(t *testing.T) {
	c, mux, _ := setup(t)
	var call atomic.Int64
	var got atomic.Value
	mux.HandleFunc("/info", func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Cookie"))
		n := call.Add(1)
		if n > 1 {
			w.Header().Add("Set-Cookie", fmt.Sprintf("s%d=gone; Path=/; Max-Age=0", n-1))
		}
		w.Header().Add("Set-Cookie", fmt.Sprintf("s%d=v; Path=/", n))
		_, _ = w.Write([]byte(`{}`))
	})
	for range 120 {
		_, err := c.Do(ctx, apiclient.Request{Method: "GET", Path: "/info"})
		require.NoError(t, err)
	}
	assert.Equal(t, "s119=v", got.Load(), "the newest session cookie, alone")
}
