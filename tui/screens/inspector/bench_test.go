package inspector

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// benchScreen is the inspector at 80x24 over a full session: 200 exchanges.
func benchScreen(b *testing.B) *Model {
	b.Helper()
	ctx := tuitest.Context(nil)
	for i := range 200 {
		if i%2 == 0 {
			ctx.History.Append("mock", signIn())
		} else {
			ctx.History.Append("mock", userInfo())
		}
	}
	m := New(ctx, Options{})
	m.SetSize(80, 20)
	m.View()
	return m
}

// BenchmarkUpdateView_perKey is the cost of one key press: Update, then View.
func BenchmarkUpdateView_perKey(b *testing.B) {
	for _, c := range []struct {
		name string
		keys []tea.KeyMsg
	}{
		// Moving the selection lays out (and spec-checks, once) another exchange.
		{"down-up", []tea.KeyMsg{tuitest.Key("down"), tuitest.Key("up")}},
		{"scroll", []tea.KeyMsg{{Type: tea.KeyPgDown}, {Type: tea.KeyPgUp}}},
		{"next-match", []tea.KeyMsg{tuitest.Key("n")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := benchScreen(b)
			m.setQuery("token")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Update(c.keys[i%len(c.keys)])
				_ = m.View()
			}
		})
	}
	b.Run("search-typing", func(b *testing.B) {
		m := benchScreen(b)
		m.Update(tuitest.Key("/"))
		keys := []tea.KeyMsg{tuitest.Key("t"), {Type: tea.KeyBackspace}}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m.Update(keys[i%2])
			_ = m.View()
		}
	})
}

// BenchmarkView_newExchange is the cost of an exchange arriving while the
// inspector follows the newest: the list, the spec check and the layout of it.
func BenchmarkView_newExchange(b *testing.B) {
	m := benchScreen(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.ctx.History.Append("mock", signIn())
		m.Update(common.ExchangeMsg{}) // what the root broadcasts after appending
		_ = m.View()
	}
}
