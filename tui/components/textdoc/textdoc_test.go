package textdoc

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/tui/styles"
)

func roles(l Line) map[string]Role {
	out := map[string]Role{}
	for _, s := range l {
		if strings.TrimSpace(s.Text) != "" {
			out[s.Text] = s.Role
		}
	}
	return out
}

func TestDoc_Body_colorsJSONRoles(t *testing.T) {
	var d Doc
	d.Body([]byte(`{"a":"x:y","n":-1.5e3,"b":true,"z":null,"q":"say \"hi\""}`))
	require.Len(t, d.Lines, 7)
	assert.Equal(t, map[string]Role{`"a"`: Key, ":": Punct, `"x:y"`: String, ",": Punct}, roles(d.Lines[1]))
	assert.Equal(t, Number, roles(d.Lines[2])["-1.5e3"])
	assert.Equal(t, Literal, roles(d.Lines[3])["true"])
	assert.Equal(t, Literal, roles(d.Lines[4])["null"])
	assert.Equal(t, String, roles(d.Lines[5])[`"say \"hi\""`], "escaped quotes stay inside the string")
}

func TestDoc_Body_textAndEmpty(t *testing.T) {
	var d Doc
	d.Body([]byte("not json\tat all"))
	d.Body(nil)
	assert.Equal(t, "not json    at all", d.Lines[0].Text())
	assert.Equal(t, "(empty)", d.Lines[1].Text())
}

func TestDoc_Find_caseInsensitive(t *testing.T) {
	var d Doc
	d.Text(Plain, "Token token\nnone\nTOKEN")
	m := d.Find("token")
	assert.Equal(t, []Match{{0, 0, 5}, {0, 6, 11}, {2, 0, 5}}, m)
	assert.Nil(t, d.Find(""))
}

func TestDoc_Render_wrapsAndMarksMatches(t *testing.T) {
	var d Doc
	d.Add(Segment{Text: "abcdef", Role: Key}, Segment{Text: "ghij", Role: String})
	d.Add(Segment{Text: "xyz", Role: Plain})
	st := NewStyles(styles.DefaultPalette())
	out, starts := d.Render(st, 4, d.Find("efg"), 0)
	lines := strings.Split(ansi.Strip(out), "\n")
	assert.Equal(t, []string{"abcd", "efgh", "ij", "xyz"}, lines)
	assert.Equal(t, []int{0, 3}, starts, "line 2 starts after the 3 rows of line 1")
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(l), 4)
	}
}

func TestDoc_Render_wideRunesNeverOverflow(t *testing.T) {
	var d Doc
	d.Text(Plain, "日本語のテキスト")
	out, _ := d.Render(NewStyles(styles.DefaultPalette()), 3, nil, -1)
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(l), 3)
	}
	assert.Equal(t, "日本語のテキスト", strings.ReplaceAll(ansi.Strip(out), "\n", ""))
}

func TestRender_usesThePaletteRoles(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	lipgloss.SetDefaultRenderer(r)
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(os.Stdout)) })
	p := styles.DefaultPalette()
	var d Doc
	d.Body([]byte(`{"k":"v"}`))
	out, _ := d.Render(NewStyles(p), 80, nil, -1)
	// The key is drawn in the palette's Key colour (#B392F0 on dark), the string
	// in String.
	assert.Contains(t, out, "38;2;179;146;240m\"k\"")
	assert.Contains(t, out, lipgloss.NewStyle().Foreground(p.String).Render(`"v"`))
	assert.NotContains(t, out, lipgloss.NewStyle().Foreground(p.Key).Render(`"v"`))
}

func TestDoc_hostileBodiesAndSegmentsAreInert(t *testing.T) {
	var d Doc
	d.Add(Segment{Text: "X-Evil: \x1b]0;title\x07\r", Role: Plain})
	d.Body([]byte("{\"a\":\"\\u001b[2J \u009b1m \u202e\xff\"}"))
	d.Body([]byte("<html>\x1bP+q\x1b\\\r\n\xfe\u2066</html>"))
	out, _ := d.Render(NewStyles(styles.DefaultPalette()), 200, nil, -1)
	plain := ansi.Strip(out)
	for _, bad := range []string{"\x1b]", "\x1bP", "\r", "\u009b", "\u202e", "\u2066", "\xff", "\xfe"} {
		assert.NotContains(t, plain, bad)
	}
	assert.Contains(t, plain, `"\u001b[2J \u009b1m \u202e\xff"`, "the JSON escape stays escaped; the rest is shown as notation")
	assert.Contains(t, plain, `^[]0;title^G^M`)
	assert.Contains(t, plain, "<html>^[P+q^[\\\n"+`\xfe\u2066</html>`)
}

func TestDoc_Body_deepJSONIsShownAsTextWithWhy(t *testing.T) {
	var d Doc
	d.Body([]byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)))
	require.Len(t, d.Lines, 2, "one note, one line of text: never 10,000 indented lines")
	assert.Equal(t, "(JSON nested deeper than 64 levels (at byte 64): refused: shown as text)", d.Lines[0].Text())
}
