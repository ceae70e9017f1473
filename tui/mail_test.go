package tui

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/testpbx"
	"github.com/pbxauth/pbxauth/mailbox"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// TestApp_fillsTheCodeFromARealPBXsMail signs in on a PBX that is not the mock:
// its code arrives over SMTP a moment after send_otp answers, and ctrl+o fills it
// from the receiver as it would from the mock's outbox.
func TestApp_fillsTheCodeFromARealPBXsMail(t *testing.T) {
	rcv, err := mailbox.Listen(mailbox.Options{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rcv.Close() })
	pbx := testpbx.New(rcv.Addr(), map[string]time.Duration{"carol": 300 * time.Millisecond})
	srv := httptest.NewServer(pbx.Handler())
	t.Cleanup(srv.Close)

	target, err := URLTarget(srv.URL, false)
	require.NoError(t, err)
	m, err := New(Options{Target: target, Mail: NewMailOutbox(rcv.Box())})
	require.NoError(t, err)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	// ctrl+o comes before the mail is there: the read waits for it.
	signInWithMailedCode(t, tm, "carol", "Right#2026", "secure.example.com")
	require.NoError(t, tm.Quit())
	require.Empty(t, pbx.Wait())
}

func TestMailOutbox_skipsStaleMailAndWaitsForNew(t *testing.T) {
	box := mailbox.NewBox(0)
	now := time.Now()
	box.Add(&mailbox.Mail{Received: now.Add(-11 * time.Minute), To: []string{"carol@x.example"}, Kind: mailbox.KindOTP, Code: "111111"})
	o := &MailOutbox{Box: box, Now: func() time.Time { return now }}

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := o.LatestOTP(short, "carol")
	assert.ErrorContains(t, err, "no otp mail for carol", "a code past its 10 minutes is no use")

	go func() {
		time.Sleep(30 * time.Millisecond)
		box.Add(&mailbox.Mail{Received: now, To: []string{"carol@x.example"}, Kind: mailbox.KindOTP, Code: "222222"})
		box.Add(&mailbox.Mail{Received: now, To: []string{"carol@x.example"}, Kind: mailbox.KindReset, Link: "https://x/r?token=T0KEN", Token: "T0KEN"})
	}()
	ctx, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	code, err := o.LatestOTP(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, "222222", code)
	tok, err := o.LatestResetToken(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, "T0KEN", tok)
}

// signInWithMailedCode signs in a two-factor account on the Sign in screen: the
// code is mailed (ctrl+e) and filled from the mail (ctrl+o), then verified.
func signInWithMailedCode(t *testing.T, tm *teatest.TestModel, user, password, domain string) {
	t.Helper()
	screentest.WaitFor(t, tm, "Sign in")
	tm.Send(tuitest.Key("tab")) // the app starts in navigation
	tm.Type(user)
	tm.Send(tuitest.Key("tab"))
	tm.Type(password)
	tm.Send(tuitest.Key("tab"))
	tm.Type(domain)
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "for "+user)
	tm.Send(tuitest.Key("ctrl+e"))
	screentest.WaitFor(t, tm, "code sent")
	tm.Send(tuitest.Key("ctrl+o"))
	screentest.WaitFor(t, tm, "code filled")
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "signed in (two-factor)")
}
