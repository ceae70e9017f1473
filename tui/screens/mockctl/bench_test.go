package mockctl

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// BenchmarkUpdateView_perKey is the cost of one key press with a full journal.
func BenchmarkUpdateView_perKey(b *testing.B) {
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := tuitest.Context(nil)
	m := New(ctx, srv.Control())
	m.SetSize(80, 20)
	for range journalKeep {
		m.journal = append(m.journal, mockserver.JournalEntry{Time: time.Now(), Method: "POST", Path: "/api/auth/sign_in", Status: 200, Operation: "signInWithCredentials"})
	}
	for _, c := range []struct {
		name string
		pane pane
		keys []tea.KeyMsg
	}{
		{"journal-scroll", paneJournal, []tea.KeyMsg{tuitest.Key("down"), tuitest.Key("up")}},
		{"faults-move", paneFaults, []tea.KeyMsg{tuitest.Key("down"), tuitest.Key("up")}},
		{"switch-pane", paneJournal, []tea.KeyMsg{tuitest.Key("tab")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			m.pane = c.pane
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Update(c.keys[i%len(c.keys)])
				_ = m.View()
			}
		})
	}
}
