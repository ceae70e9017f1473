package tui

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/mockserver/mocks"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// TestApp_WithMockPBX drives a full two-factor sign-in against the in-process mock
// PBX through the real client: code mailed, read from the outbox, verified; then
// the status screen. Every call must land in the session history.
func TestApp_WithMockPBX(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })

	// As `pbxauth` wires it: the client through the transport, the rest through the
	// Controller; no listener.
	target := common.Target{Profile: "mock", BaseURL: mockserver.InProcessURL, Mock: true, Transport: srv.Transport()}
	m, err := New(Options{Target: target, MockTarget: &target, Outbox: NewMockOutbox(srv.Control()), Mock: srv.Control()})
	require.NoError(t, err)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	signInWithMailedCode(t, tm, "carol", "Carol#2026", "secure.example.com")

	tm.Send(tuitest.Key("ctrl+n"))
	tm.Send(tuitest.Key("r"))
	screentest.WaitFor(t, tm, "status checked")
	// Exchanges reach the root on their own channel, so the outcome line can come
	// first; the Inspector's newest row is the last exchange arriving.
	tm.Send(tuitest.Key("7"))
	screentest.WaitFor(t, tm, "· getUserAuthInfo ·")
	require.NoError(t, tm.Quit())
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(screentest.WaitTimeout)).(*Model)

	s := fm.Context().Session
	require.NotNil(t, s)
	assert.Equal(t, "carol@secure.example.com", s.Who())
	assert.True(t, s.Live(time.Now()))

	var ops []string
	for _, e := range fm.Context().History.Entries() {
		ops = append(ops, e.Exchange.Operation)
	}
	assert.Subset(t, ops, []string{"signInWithCredentials", "sendOTP", "verifyOTP", "getLoginStatus", "getUserAuthInfo"},
		"every exchange reaches the history")
}

func TestMockOutbox_picksTheNewestMailForTheUser(t *testing.T) {
	ctl := mocks.NewController(t)
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	ctl.EXPECT().Outbox(mock.Anything, mockserver.MailFilter{Kind: mockserver.MailOTP}).Return([]mockserver.Mail{
		{Kind: "otp", Username: "carol", Code: "111111", SentAt: at},
		{Kind: "otp", Username: "Carol", Code: "222222", SentAt: at.Add(time.Minute)},
		{Kind: "otp", Username: "dave", Code: "333333", SentAt: at.Add(2 * time.Minute)},
	}, nil).Times(2)
	ctl.EXPECT().Outbox(mock.Anything, mockserver.MailFilter{Kind: mockserver.MailReset}).Return([]mockserver.Mail{
		{Kind: "reset", Username: "bob", Token: "rtok", Link: "https://x/reset?token=rtok", SentAt: at.Add(3 * time.Minute)},
	}, nil).Once()
	ob := NewMockOutbox(ctl)
	ctx := context.Background()
	code, err := ob.LatestOTP(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, "222222", code, "the newest of the user's, whatever the case of the name")
	tok, err := ob.LatestResetToken(ctx, "bob")
	require.NoError(t, err)
	assert.Equal(t, "rtok", tok)
	_, err = ob.LatestOTP(ctx, "erin")
	assert.ErrorContains(t, err, "no otp mail for erin")
}

func TestMockOutbox_errors(t *testing.T) {
	ctl := mocks.NewController(t)
	ctl.EXPECT().Outbox(mock.Anything, mock.Anything).Return(nil, errors.New("the mock stopped")).Once()
	_, err := NewMockOutbox(ctl).LatestOTP(context.Background(), "carol")
	assert.ErrorContains(t, err, "read the mock's outbox: the mock stopped")
}
