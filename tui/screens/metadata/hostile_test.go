package metadata

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/hostiletest"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// TestHostilePBX sends the Metadata screen's request, through the real client,
// to each attack of the hostile PBX: the frame and the bytes written to the
// terminal hold nothing a terminal would obey, and each case ends in a message.
func TestHostilePBX(t *testing.T) {
	srv := hostiletest.Start(t)
	want := map[string]string{
		"controls":  "web_domain",
		"ctlheader": "not with valid HTTP",
		"error":     "400 UNKNOWN",
		"text":      "502 UNKNOWN",
		"deep":      "nested deeper than 64 levels",
		"deep200":   "nested deeper than 64 levels",
		"huge":      "larger than 1 MiB",
		"bigheader": "headers larger than 64 KiB",
		"drip":      "timed out",
	}
	for mode, text := range want {
		t.Run(mode, func(t *testing.T) {
			c, err := apiclient.New(apiclient.WithBaseURL(srv.URL(mode)), apiclient.WithTimeout(2*time.Second))
			require.NoError(t, err)
			ctx := tuitest.Context(c)
			ctx.Width, ctx.Height = 100, 30
			m := New(ctx)
			tm := teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(100, 30))
			tm.Send(tuitest.Key("enter"))
			var seen []byte
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				seen = append(seen, b...)
				return bytes.Contains(seen, []byte(text))
			}, teatest.WithDuration(screentest.WaitTimeout), teatest.WithCheckInterval(20*time.Millisecond))
			frame := string(screentest.Final(t, tm))
			rest, _ := io.ReadAll(tm.Output())
			out := string(append(seen, rest...))
			if i, bad := hostiletest.RawControl(frame, true); bad {
				t.Fatalf("the frame holds a raw control at %d: %q", i, frame[max(0, i-30):min(len(frame), i+30)])
			}
			for _, bad := range []string{"\x1b]", "\x1bP", "\x1b[2J\x1bP", "\u009b", "\u009d", "\u202e", "\u2066", "\xff", "\r\u009b"} {
				assert.NotContains(t, out, bad, "bytes written to the terminal")
			}
		})
	}
}
