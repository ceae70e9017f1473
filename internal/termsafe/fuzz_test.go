package termsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[2J", "\x1b]52;c;AAAA\x07", "\u009b31m", "a\r\nb\rc", "\u202e\u2066",
		"\xff\xfe", "\xe2\x80", `{"a":"\u001b"}`, "{\"a\":\"\u009b\xff\"}", "\x00\x7f\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, line, js := Text(s), Line(s), JSON(s)
		checkInert(t, text, false)
		checkInert(t, line, true)
		checkInert(t, js, false)
		if Text(text) != text || Line(line) != line {
			t.Fatalf("not idempotent: %q", s)
		}
		if Safe(s) != (text == s) {
			t.Fatalf("Safe disagrees with Text for %q", s)
		}
		// Printable text, and all of it, survives: only what was replaced changes.
		if strings.Count(text, "\n") > strings.Count(s, "\n") {
			t.Fatalf("Text added a line: %q", s)
		}
		if json.Valid([]byte(s)) {
			if !json.Valid([]byte(js)) {
				t.Fatalf("JSON broke a valid document: %q -> %q", s, js)
			}
			var a, b any
			if json.Unmarshal([]byte(s), &a) == nil && json.Unmarshal([]byte(js), &b) == nil {
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				if string(ja) != string(jb) {
					t.Fatalf("JSON changed the meaning: %q -> %q", s, js)
				}
			}
		}
	})
}

func FuzzStyled(f *testing.F) {
	for _, s := range []string{"\x1b[1mok\x1b[0m", "\x1b[31", "\x1b]0;t\x07\x1b[m", "\x1b\x1b[m", "\u009b\x1b[1;2m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Styled(s)
		// Take the SGR sequences out: what is left must be inert text.
		var rest strings.Builder
		for len(out) > 0 {
			j := strings.IndexByte(out, 0x1b)
			if j < 0 {
				rest.WriteString(out)
				break
			}
			rest.WriteString(out[:j])
			n := sgrLen(out[j:])
			if n == 0 {
				t.Fatalf("a bare ESC is left in %q (from %q)", out, s)
			}
			out = out[j+n:]
		}
		checkInert(t, rest.String(), false)
	})
}
