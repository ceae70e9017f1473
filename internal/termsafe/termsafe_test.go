package termsafe

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestText_attacksBecomeVisibleNotation(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"plain":             {"pbx.example.com", "pbx.example.com"},
		"unicode kept":      {"Zoë 日本 ✓", "Zoë 日本 ✓"},
		"clear screen":      {"a\x1b[2Jb", "a^[[2Jb"},
		"window title":      {"\x1b]0;pwned\x07", "^[]0;pwned^G"},
		"OSC 52 clipboard":  {"\x1b]52;c;cm0gLXJmIH4=\x1b\\", "^[]52;c;cm0gLXJmIH4=^[\\"},
		"DCS":               {"\x1bP+q\x1b\\", "^[P+q^[\\"},
		"C1 CSI":            {"x\u009b2J", `x\u009b2J`},
		"C1 OSC and ST":     {"\u009d0;t\u009c", `\u009d0;t\u009c`},
		"lone CR":           {"ok\rFAIL", "ok^MFAIL"},
		"CRLF ends a line":  {"a\r\nb", "a\nb"},
		"NUL and DEL":       {"\x00\x7f", "^@^?"},
		"bidi override":     {"user\u202egnp.exe", `user\u202egnp.exe`},
		"bidi isolates":     {"\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		"marks":             {"\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		"line separator":    {"a\u2028b\u2029", `a\u2028b\u2029`},
		"invalid UTF-8":     {"a\xffb\xc3", `a\xffb\xc3`},
		"newline and tab":   {"a\n\tb", "a\n\tb"},
		"backspace":         {"secret\b\b\b\b\b\b", "secret^H^H^H^H^H^H"},
		"8-bit CSI as byte": {"\x9b2J", `\x9b2J`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, Text(c.in))
		})
	}
}

func TestLine_showsLineBreaks(t *testing.T) {
	assert.Equal(t, "a^Jb^M^Jc\td", Line("a\nb\r\nc\td"))
	assert.Equal(t, "plain", Line("plain"))
}

func TestJSON_staysValidJSONWithTheSameMeaning(t *testing.T) {
	in := "{\"m\": \"\u009b2J \u202e x\xff\", \"k\": [1, true]}"
	out := JSON(in)
	require.True(t, json.Valid([]byte(out)), out)
	assert.Equal(t, `{"m": "\u009b2J \u202e x\ufffd", "k": [1, true]}`, out)
	var a, b any
	require.NoError(t, json.Unmarshal([]byte(in), &a))
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	assert.Equal(t, a, b)
}

func TestText_plainInputIsReturnedAsIs(t *testing.T) {
	s := "GET /api/login 200 OK"
	assert.True(t, Safe(s))
	allocs := testing.AllocsPerRun(100, func() { _ = Text(s) })
	assert.Zero(t, allocs, "the common case costs nothing")
	assert.False(t, Safe("\x1b"))
}

// checkInert is what every output must be: valid UTF-8 holding no control
// character but LF and tab (none at all for Line) and no special code point.
func checkInert(t *testing.T, out string, line bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	for _, r := range out {
		switch {
		case r == '\t':
		case r == '\n' && !line:
		case r < 0x20 || r == 0x7f || special(r):
			t.Fatalf("output holds %U: %q", r, out)
		}
	}
}

func TestStyled_keepsSGRAndDisarmsTheRest(t *testing.T) {
	styled := "\x1b[1;38;5;12mtitle\x1b[0m plain \x1b[38:2::1:2:3mx\x1b[m"
	assert.Equal(t, styled, Styled(styled), "the app's own colours are untouched")
	assert.Zero(t, testing.AllocsPerRun(50, func() { _ = Styled(styled) }))
	in := "\x1b[1mok\x1b[0m \x1b]52;c;AAAA\x07 \x1b[2J \u009b1m \u202e\r"
	assert.Equal(t, "\x1b[1mok\x1b[0m ^[]52;c;AAAA^G ^[[2J \\u009b1m \\u202e^M", Styled(in))
	assert.Equal(t, "^[", Styled("\x1b"))
	assert.Equal(t, "^[[31", Styled("\x1b[31"), "an unfinished SGR is not one")
}
