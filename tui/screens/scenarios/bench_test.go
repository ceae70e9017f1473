package scenarios

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// BenchmarkUpdateView_perKey is the cost of one key press on the list of the
// built-in suite, then on an opened failure.
func BenchmarkUpdateView_perKey(b *testing.B) {
	setup := func(b *testing.B) *Model {
		ctx := tuitest.Context(nil)
		m := New(ctx, Options{NewRunner: func(common.Target, bool) (Runner, error) { return scripted{}, nil }})
		m.SetSize(80, 20)
		m.Update(tuitest.Run(b, m.Init()))
		return m
	}
	for _, c := range []struct {
		name string
		keys []tea.KeyMsg
	}{
		{"down-up", []tea.KeyMsg{tuitest.Key("down"), tuitest.Key("up")}},
		{"select", []tea.KeyMsg{tuitest.Key("space")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := setup(b)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Update(c.keys[i%len(c.keys)])
				_ = m.View()
			}
		})
	}
	b.Run("failure-scroll", func(b *testing.B) {
		m := setup(b)
		m.Update(tuitest.Key("down"))
		cmd := m.Update(tuitest.Key("enter"))
		cmd().(tea.BatchMsg)[0]()
		for m.Running() {
			m.Update(tuitest.Run(b, m.waitCmd))
		}
		m.Update(tuitest.Key("o"))
		keys := []tea.KeyMsg{tuitest.Key("down"), tuitest.Key("up")}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m.Update(keys[i%2])
			_ = m.View()
		}
	})
}
