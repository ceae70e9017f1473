package tui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
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
	return apiclient.New(opts...)
}

// HTTPOutbox reads the mock's outbox through its control API (GET /_mock/outbox).
type HTTPOutbox struct {
	// Root is the mock's address without /api (e.g. http://127.0.0.1:4000).
	Root   string
	Client *http.Client
}

// NewHTTPOutbox reads the outbox of the mock at baseURL (with or without /api).
func NewHTTPOutbox(baseURL string) *HTTPOutbox {
	root := strings.TrimRight(baseURL, "/")
	root = strings.TrimSuffix(root, "/api")
	return &HTTPOutbox{Root: root, Client: &http.Client{Timeout: 5 * time.Second}}
}

// mail is one outbox entry as the control API returns it.
type mail struct {
	Kind     string    `json:"kind"`
	To       string    `json:"to"`
	Username string    `json:"username"`
	Domain   string    `json:"domain"`
	Code     string    `json:"code"`
	Token    string    `json:"token"`
	Link     string    `json:"link"`
	SentAt   time.Time `json:"sent_at"`
}

func (o *HTTPOutbox) latest(ctx context.Context, kind, username string) (mail, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.Root+"/_mock/outbox", nil)
	if err != nil {
		return mail{}, err
	}
	hc := o.Client
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return mail{}, fmt.Errorf("read the mock's outbox: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return mail{}, fmt.Errorf("read the mock's outbox: %s", resp.Status)
	}
	var mails []mail
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil {
		err = boundedjson.Unmarshal(data, &mails)
	}
	if err != nil {
		return mail{}, fmt.Errorf("read the mock's outbox: %w", err)
	}
	var best mail
	found := false
	for _, m := range mails {
		if m.Kind != kind || (username != "" && !strings.EqualFold(m.Username, username)) {
			continue
		}
		if !found || !m.SentAt.Before(best.SentAt) {
			best, found = m, true
		}
	}
	if !found {
		who := username
		if who == "" {
			who = "anyone"
		}
		return mail{}, fmt.Errorf("no %s mail for %s in the mock's outbox", kind, who)
	}
	return best, nil
}

// LatestOTP implements Outbox.
func (o *HTTPOutbox) LatestOTP(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, "otp", username)
	return m.Code, err
}

// LatestResetToken implements Outbox.
func (o *HTTPOutbox) LatestResetToken(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, "reset", username)
	if err != nil {
		return "", err
	}
	if m.Token == "" {
		return "", fmt.Errorf("the newest reset mail for %s holds no token", username)
	}
	return m.Token, nil
}
