package cli

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// rawControl reports the first byte a terminal would act on: any C0 control but
// LF and tab, DEL, or the UTF-8 form of a C1 control.
func rawControl(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return i, true
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return i, true
		}
	}
	return 0, false
}

func TestCall_hostileTextNeverReachesTheTerminalRaw(t *testing.T) {
	evil := `\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\r\u009b31m\u202egnp.exe`
	cases := map[string]http.HandlerFunc{
		"error message": answer(400, `{"errors":[{"code":"VALIDATE_FAILED","message":"`+evil+`","detail":{"f":"`+evil+`"}}]}`),
		"json success":  answer(200, `{"web_domain":"`+evil+`"}`),
		"non-JSON body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("bad gateway \x1b]0;owned\x07\x1bP+q\x1b\\ \xff\xfe \u202e"))
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			url, _, _ := testPBX(t, h)
			res := runCLI(t, "call", "retrieveMetadata", "--url", url, "-v")
			for stream, s := range map[string]string{"stdout": res.stdout, "stderr": res.err} {
				if i, bad := rawControl(s); bad {
					t.Fatalf("%s holds a raw control at %d: %q", stream, i, s[max(0, i-20):min(len(s), i+20)])
				}
				assert.NotContains(t, s, "\u202e", stream)
			}
		})
	}
}

func TestCall_hostileJSONStaysValidJSON(t *testing.T) {
	url, _, _ := testPBX(t, answer(200, "{\"name\":\"a\u009bb\u202ec\"}"))
	res := runCLI(t, "call", "retrieveMetadata", "--url", url)
	assert.Equal(t, 0, res.code, res.err)
	assert.Equal(t, "{\n  \"name\": \"a\\u009bb\\u202ec\"\n}\n", res.stdout, "the same JSON, escaped")
	assert.True(t, strings.HasSuffix(res.stdout, "\n"))
}

// failingWriter is a stdout that can't be written: a full disk, a closed pipe.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestCallAndRun_unwritableStdoutIsAFailure(t *testing.T) {
	url, _, _ := testPBX(t, answer(200, `{"web_domain":"pbx.test"}`))
	var errOut bytes.Buffer
	code := Execute([]string{"call", "retrieveMetadata", "--url", url}, strings.NewReader(""), failingWriter{}, &errOut)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errOut.String(), "pbxauth: cannot write the output: no space left on device")

	errOut.Reset()
	code = Execute([]string{"run", "--suite", "builtin", "--mock", "--tags", "metadata"}, strings.NewReader(""), failingWriter{}, &errOut)
	assert.Equal(t, ExitFailure, code, errOut.String())
	assert.Contains(t, errOut.String(), "cannot write the output")
}
