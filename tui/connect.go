package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
)

// ClientConnector connects with apiclient.New over HTTP.
type ClientConnector struct {
	// Timeout bounds each call (apiclient.DefaultTimeout when zero).
	Timeout time.Duration
}

// Connect implements Connector.
func (c ClientConnector) Connect(t common.Target, observe func(*apiclient.Exchange)) (apiclient.API, error) {
	opts := []apiclient.Option{
		apiclient.WithBaseURL(t.BaseURL),
		apiclient.WithInsecureSkipVerify(t.Insecure),
		apiclient.WithUserAgent("pbxauth-tui/" + apiclient.Version),
	}
	if c.Timeout > 0 {
		opts = append(opts, apiclient.WithTimeout(c.Timeout))
	}
	if observe != nil {
		opts = append(opts, apiclient.WithObserver(observe))
	}
	if t.Transport != nil {
		opts = append(opts, apiclient.WithTransport(t.Transport))
	}
	return apiclient.New(opts...)
}

// MockOutbox reads the built-in mock's outbox through its Controller.
type MockOutbox struct{ Ctl mockserver.Controller }

// NewMockOutbox reads the outbox of the mock ctl controls.
func NewMockOutbox(ctl mockserver.Controller) *MockOutbox { return &MockOutbox{Ctl: ctl} }

// latest is the newest mail of kind for username (any user when empty).
func (o *MockOutbox) latest(ctx context.Context, kind, username string) (mockserver.Mail, error) {
	mails, err := o.Ctl.Outbox(ctx, mockserver.MailFilter{Kind: kind})
	if err != nil {
		return mockserver.Mail{}, fmt.Errorf("read the mock's outbox: %w", err)
	}
	// The outbox is oldest first: the last match is the newest.
	for i := len(mails) - 1; i >= 0; i-- {
		if username == "" || strings.EqualFold(mails[i].Username, username) {
			return mails[i], nil
		}
	}
	who := username
	if who == "" {
		who = "anyone"
	}
	return mockserver.Mail{}, fmt.Errorf("no %s mail for %s in the mock's outbox", kind, who)
}

// LatestOTP implements Outbox.
func (o *MockOutbox) LatestOTP(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, mockserver.MailOTP, username)
	return m.Code, err
}

// LatestResetToken implements Outbox.
func (o *MockOutbox) LatestResetToken(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, mockserver.MailReset, username)
	if err != nil {
		return "", err
	}
	if m.Token == "" {
		return "", fmt.Errorf("the newest reset mail for %s holds no token", username)
	}
	return m.Token, nil
}
