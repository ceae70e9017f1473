package sparkline

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
)

func TestModel_View(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	for _, c := range []struct {
		name          string
		width, height int
		values        []float64
		want          string
	}{
		// 8 fills the cell; 4 is half; 1 is an eighth; 0 is blank; one column unused.
		{"scales to the largest shown point", 6, 1, []float64{0, 1, 2, 4, 8}, " ▁▂▄█ "},
		{"two rows stack eighths", 3, 2, []float64{16, 8, 4}, "█  \n██▄"},
		// 1 of 1000 rounds to nothing, yet it is not an empty second.
		{"a small point still shows", 2, 1, []float64{1000, 1}, "█▁"},
		// The old 100 scrolled out and no longer sets the scale.
		{"shows the newest width", 2, 1, []float64{100, 1, 2}, "▄█"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New(c.width, c.height)
			for _, v := range c.values {
				m.Push(v)
			}
			assert.Equal(t, c.want, m.View())
		})
	}
}

func TestModel_Push_boundedAndSane(t *testing.T) {
	m := New(10, 1)
	for i := range Cap + 50 {
		m.Push(float64(i))
	}
	assert.Equal(t, Cap, m.Len(), "a long run keeps at most Cap points")
	assert.Equal(t, float64(Cap+49), m.Last())
	m.Push(math.NaN())
	m.Push(-3)
	m.Push(math.Inf(1))
	assert.Zero(t, m.Last(), "nonsense counts as zero")
	assert.Equal(t, float64(Cap+49), m.Max())
	m.Reset()
	assert.Equal(t, strings.Repeat(" ", 10), m.View(), "an empty chart is blank, full width")
}
