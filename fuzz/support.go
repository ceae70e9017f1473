package fuzz

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// secrets are the values a run must never show: passwords from its variables and
// every token, code and link it captured.
type secrets struct {
	mu   sync.Mutex
	vals map[string]bool
}

func (s *secrets) add(v string) {
	if len(v) < 4 {
		return // too short to scrub without mangling ordinary text
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vals == nil {
		s.vals = map[string]bool{}
	}
	s.vals[v] = true
}

// scrub replaces every known secret in text, longest first, so one secret that
// contains another is hidden whole.
func (s *secrets) scrub(text string) string {
	s.mu.Lock()
	list := make([]string, 0, len(s.vals))
	for v := range s.vals {
		list = append(list, v)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, v := range list {
		text = strings.ReplaceAll(text, v, "[REDACTED]")
	}
	return text
}

// safeText makes untrusted text (what the PBX answered, values the fuzzer sent) inert
// on a terminal and in a report, on one line, clipped to max characters.
func safeText(s string, max int) string {
	if rs := []rune(s); len(rs) > max {
		s = string(rs[:max]) + "…"
	}
	return termsafe.Line(s)
}

// limiter spaces requests so the PBX never sees more than rate per second; zero
// means no cap.
type limiter struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return &limiter{}
	}
	return &limiter{every: time.Duration(float64(time.Second) / rate)}
}

func (l *limiter) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return errStopped
	}
	if l == nil || l.every == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.every)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return errStopped
	}
}

// mailSource reads the newest mail of a kind ("otp", "reset") for a user; token, when
// given, picks the one-time code mail of that challenge. The mail's fields are code,
// token and link.
type mailSource interface {
	latest(ctx context.Context, kind, user, token string) (map[string]any, error)
}

// mockMail reads pbxauth's mock's outbox through its Controller.
type mockMail struct{ ctl mockserver.Controller }

func (m mockMail) latest(ctx context.Context, kind, user, token string) (map[string]any, error) {
	// The mail may still be on its way: a few short polls.
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		mails, err := m.ctl.Outbox(rctx, mockserver.MailFilter{Kind: kind})
		cancel()
		if err != nil {
			return nil, err
		}
		for i := len(mails) - 1; i >= 0; i-- {
			ml := &mails[i]
			if !strings.EqualFold(ml.Username, user) || token != "" && ml.Token != "" && ml.Token != token {
				continue
			}
			return map[string]any{"code": ml.Code, "token": ml.Token, "link": ml.Link}, nil
		}
		if attempt == 5 {
			return nil, fmt.Errorf("no %s mail for %s", kind, url.PathEscape(user))
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return nil, errStopped
		}
	}
}

// realMail reads a real PBX's mail through the runner's mail source (the SMTP
// receiver of --mail). Only mail newer than the request before the read counts, so
// an earlier code or link is never taken for the one that request sent.
type realMail struct {
	src runner.MailSource
	// mark is the source's position before the latest request.
	mark atomic.Uint64
}

func (m *realMail) markNow() { m.mark.Store(m.src.Mark()) }

func (m *realMail) latest(ctx context.Context, kind, user, _ string) (map[string]any, error) {
	fm, err := m.src.Find(ctx, scenarios.OutboxQuery{To: user, Kind: kind}, m.mark.Load(), 30*time.Second)
	if err != nil {
		return nil, err
	}
	if fm == nil || fm.Doc == nil {
		return nil, fmt.Errorf("no %s mail came to %s", kind, m.src.Where())
	}
	return fm.Doc, nil
}
