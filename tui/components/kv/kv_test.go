package kv

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/tui/styles"
)

func TestView_longValuesWrapUnderTheValueColumn(t *testing.T) {
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.Ascii)
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
	st := styles.DefaultStyles()
	msg := "401 UNAUTHORIZED: the access token has expired; sign in again with POST /auth/sign_in and retry the request"
	out := View(&st, []Row{{Value: "GET /login"}, {Key: "error", Value: msg}, {Key: "role", Value: "Admin"}}, 40)

	assert.NotContains(t, out, "…", "nothing is cut")
	var joined []string
	for i, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(l), 40, "line %d fits", i)
		if strings.HasPrefix(l, "error  ") || strings.HasPrefix(l, "       ") {
			joined = append(joined, strings.TrimSpace(strings.TrimPrefix(l, "error")))
		}
	}
	assert.Equal(t, msg, strings.Join(joined, " "), "the whole message, on lines indented under the value")
	assert.Contains(t, out, "\nrole   Admin", "the next row keeps its column")
}

func TestView_serverDataIsInert(t *testing.T) {
	st := styles.DefaultStyles()
	out := View(&st, []Row{{Key: "k\x1b[2J", Value: "x\x1b]52;c;AAAA\x07\r\u009b1m\u202e"}}, 80)
	assert.NotContains(t, out, "\x1b]", "no OSC")
	assert.NotContains(t, out, "\x1b[2J", "no erase")
	assert.NotContains(t, out, "\r")
	assert.NotContains(t, out, "\u009b")
	assert.NotContains(t, out, "\u202e")
	assert.Contains(t, ansi.Strip(out), `^[]52;c;AAAA^G^M\u009b1m\u202e`, "shown as visible notation")
}
