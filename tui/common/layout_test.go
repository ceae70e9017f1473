package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
)

// A rerun hint wraps between words, never inside "--mock" or "--var=…" (ansi.Wrap
// breaks after every hyphen); a word wider than the line is still cut.
func TestWrap_breaksAtSpacesOnly(t *testing.T) {
	s := "rerun: pbxauth run /tmp/x/pbxauth-mock-20261130.yaml --mock --var=password_carol=…"
	for w := 12; w <= 60; w++ {
		got := Wrap(s, w)
		lines := strings.Split(got, "\n")
		for _, l := range lines {
			assert.LessOrEqual(t, ansi.StringWidth(l), w, "width %d: %q", w, got)
		}
		for _, word := range strings.Fields(s) {
			if ansi.StringWidth(word) <= w {
				assert.True(t, containsWord(lines, word), "width %d: a word that fits is on one line: %q", w, got)
			}
		}
		assert.Equal(t, strings.ReplaceAll(s, " ", ""), strings.ReplaceAll(strings.ReplaceAll(got, "\n", ""), " ", ""), "width %d: nothing lost", w)
	}
	assert.Equal(t, "ab\ncd", Wrap("ab cd", 3))
	assert.Equal(t, "  indented\nline", Wrap("  indented line", 10), "leading spaces kept")
}

func containsWord(lines []string, word string) bool {
	for _, l := range lines {
		for _, f := range strings.Fields(l) {
			if f == word {
				return true
			}
		}
	}
	return false
}
