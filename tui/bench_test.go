package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// BenchmarkStartup measures building the app to its first real frame: New, Init,
// the first WindowSizeMsg and View.
func BenchmarkStartup(b *testing.B) {
	api := mocks.NewAPI(b)
	b.ReportAllocs()
	for b.Loop() {
		m := newApp(b, api)
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if len(m.View()) == 0 {
			b.Fatal("empty frame")
		}
	}
}

// BenchmarkKey measures one key typed into a form field, Update plus View, the
// cost a person pays per keystroke.
func BenchmarkKey(b *testing.B) {
	m := newApp(b, mocks.NewAPI(b))
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	keys := []tea.KeyMsg{tuitest.Key("a"), tuitest.Key("backspace")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkView measures a redraw with nothing changed (a countdown tick's cost).
func BenchmarkView(b *testing.B) {
	m := newApp(b, mocks.NewAPI(b))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkStartupWithMock is what `pbxauth` does before its first frame: start
// the in-process mock, build the real client and the app, size it and draw.
func BenchmarkStartupWithMock(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			b.Fatal(err)
		}
		target := common.Target{Profile: "mock", BaseURL: mockserver.InProcessURL, Mock: true, Transport: srv.Transport()}
		m, err := New(Options{Target: target, MockTarget: &target, Outbox: NewMockOutbox(srv.Control()), Mock: srv.Control()})
		if err != nil {
			b.Fatal(err)
		}
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if len(m.View()) == 0 {
			b.Fatal("empty frame")
		}
		_ = srv.Close()
	}
}
