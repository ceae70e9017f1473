// Package sparkline draws a series of numbers as a small bar chart of block
// characters, the newest on the right: a live chart of a load's throughput or
// latency per second. No chart library of Bubble Tea v1 is available here, and a
// column of eighth blocks is all a per-second series needs.
package sparkline

import (
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Cap bounds the points kept: the chart shows at most its width of them, so a
// long run's series never grows memory.
const Cap = 1024

// blocks are the eighths of a cell, empty to full.
var blocks = [...]string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// Model is a bounded series and the size of its chart.
type Model struct {
	width, height int
	values        []float64 // oldest first, at most Cap
	// Style draws the bars.
	Style lipgloss.Style
}

// New is an empty chart width columns wide and height rows high.
func New(width, height int) Model {
	m := Model{}
	m.SetSize(width, height)
	return m
}

// SetSize sets the chart's columns and rows (at least one of each).
func (m *Model) SetSize(width, height int) { m.width, m.height = max(1, width), max(1, height) }

// Height is the chart's rows.
func (m Model) Height() int { return m.height }

// Push appends a point; a negative or non-finite one counts as 0.
func (m *Model) Push(v float64) {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	if len(m.values) == Cap {
		m.values = append(m.values[:0], m.values[1:]...)
	}
	m.values = append(m.values, v)
}

// Reset forgets the series.
func (m *Model) Reset() { m.values = m.values[:0] }

// Len is the number of points kept.
func (m Model) Len() int { return len(m.values) }

// Last is the newest point (0 when empty).
func (m Model) Last() float64 {
	if len(m.values) == 0 {
		return 0
	}
	return m.values[len(m.values)-1]
}

// Max is the largest point kept (0 when empty).
func (m Model) Max() float64 {
	top := 0.0
	for _, v := range m.values {
		top = max(top, v)
	}
	return top
}

// View draws the last width points, scaled so the largest of them fills the
// chart's height. A point above zero shows at least its lowest eighth, so a slow
// second is told apart from an empty one.
func (m Model) View() string {
	shown := m.values[max(0, len(m.values)-m.width):]
	top := 0.0
	for _, v := range shown {
		top = max(top, v)
	}
	steps := m.height * 8
	levels := make([]int, len(shown))
	for i, v := range shown {
		if top > 0 && v > 0 {
			levels[i] = max(1, int(math.Round(v/top*float64(steps))))
		}
	}
	rows := make([]string, m.height)
	var b strings.Builder
	for r := range m.height {
		floor := (m.height - 1 - r) * 8 // eighths below this row
		b.Reset()
		for _, l := range levels {
			b.WriteString(blocks[min(8, max(0, l-floor))])
		}
		pad := strings.Repeat(" ", m.width-len(levels))
		rows[r] = m.Style.Render(b.String()) + pad
	}
	return strings.Join(rows, "\n")
}
