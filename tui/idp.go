package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/common"
)

// HTTPIdP signs in at the built-in mock's simulated identity provider the way a
// browser would, without following the redirect: the Social screen reads the code
// from it. It only talks to the mock's own origin, whatever address the PBX's
// answer named.
type HTTPIdP struct {
	// Root is the mock's address without /api (e.g. http://127.0.0.1:4000).
	Root   string
	Client *http.Client
}

var _ common.IdP = (*HTTPIdP)(nil)

// NewHTTPIdP drives the simulated identity provider of the mock at baseURL.
func NewHTTPIdP(baseURL string) *HTTPIdP {
	root := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/api")
	return &HTTPIdP{Root: root, Client: &http.Client{
		Timeout: 5 * time.Second,
		// The redirect is the answer: its Location holds the code.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Authorize implements common.IdP.
func (p *HTTPIdP) Authorize(ctx context.Context, authorizeURL, account string) (string, error) {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return "", fmt.Errorf("the login page address does not parse: %w", err)
	}
	root, err := url.Parse(p.Root)
	if err != nil {
		return "", err
	}
	if u.Scheme != root.Scheme || u.Host != root.Host || !strings.HasPrefix(u.Path, "/_mock/idp/") {
		return "", errors.New("the login page is not the built-in mock's simulated identity provider: open it in a browser")
	}
	q := u.Query()
	q.Set("login_hint", account) // skips the account picker, as Microsoft's does
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("simulated identity provider: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("simulated identity provider: %s", termsafe.Line(refusal(resp)))
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", errors.New("simulated identity provider: a redirect without a Location")
	}
	return loc, nil
}

// refusal is the provider's answer in a line: the status and PortSIP-style error.
func refusal(resp *http.Response) string {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	var e struct {
		Errors []struct {
			Message string          `json:"message"`
			Detail  json.RawMessage `json:"detail"`
		} `json:"errors"`
	}
	msg := resp.Status
	if boundedjson.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		msg += ": " + e.Errors[0].Message
		if d := e.Errors[0].Detail; len(d) > 0 && string(d) != "null" {
			msg += " " + string(apiclient.RedactBody(d, "application/json"))
		}
	}
	return msg
}
