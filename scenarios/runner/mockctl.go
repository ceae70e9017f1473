package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/scenarios"
)

// mockControl talks to the mock PBX's control API (/_mock/...), which sits beside
// the /api base. It works the same for an in-process mock and `pbxauth mock`.
type mockControl struct {
	root  string // scheme://host:port, no /api
	http  *http.Client
	token string // the mock's control token, when it requires one
}

func newMockControl(apiBase string, hc *http.Client, token string) *mockControl {
	return &mockControl{root: strings.TrimSuffix(strings.TrimRight(apiBase, "/"), "/api"), http: hc, token: token}
}

// do sends one control request and records it as an exchange.
func (m *mockControl) do(ctx context.Context, method, path string, body any) (*apiclient.Exchange, error) {
	var rd io.Reader
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	ex := &apiclient.Exchange{Operation: "mock " + strings.TrimPrefix(path, "/_mock/"), Method: method, URL: m.root + path, Started: time.Now(), RequestBody: raw}
	req, err := http.NewRequestWithContext(ctx, method, ex.URL, rd)
	if err != nil {
		return ex, err
	}
	req.Header.Set("Accept", "application/json")
	if method != http.MethodGet {
		// The mock refuses state-changing control calls of any other type, so that
		// a web page cannot send them (a text/plain POST needs no CORS preflight).
		req.Header.Set("Content-Type", "application/json")
	}
	if m.token != "" {
		req.Header.Set("Authorization", "Bearer "+m.token)
	}
	ex.RequestHeader = req.Header.Clone()
	resp, err := m.http.Do(req)
	ex.Duration = time.Since(ex.Started)
	if err != nil {
		te := &apiclient.TransportError{Op: method + " " + path, URL: ex.URL, Err: err, Timeout: ctx.Err() == context.DeadlineExceeded}
		ex.Err = te.Error()
		return ex, te
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	ex.Duration = time.Since(ex.Started)
	ex.Status, ex.ResponseHeader, ex.ResponseBody = resp.StatusCode, resp.Header.Clone(), data
	if err != nil {
		ex.Err = err.Error()
		return ex, &apiclient.TransportError{Op: method + " " + path, URL: ex.URL, Err: err}
	}
	if resp.StatusCode == http.StatusUnauthorized && strings.Contains(resp.Header.Get("Www-Authenticate"), `realm="pbxauth mock control"`) {
		return ex, fmt.Errorf("mock control %s %s answered 401: the mock's control API needs its token (set $PBXAUTH_MOCK_TOKEN to its --control-token)", method, path)
	}
	if resp.StatusCode/100 != 2 {
		return ex, fmt.Errorf("mock control %s %s answered %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	return ex, nil
}

// reset puts a shared mock back to its data before a scenario. Faults are the
// tester's setup for the whole run (POST /_mock/faults before `pbxauth run`), not
// scenario state, so the mock is asked to keep them.
func (m *mockControl) reset(ctx context.Context) error {
	_, err := m.do(ctx, http.MethodPost, "/_mock/reset?keep=faults", nil)
	return err
}

func (m *mockControl) advance(ctx context.Context, d string) (*apiclient.Exchange, error) {
	return m.do(ctx, http.MethodPost, "/_mock/clock", map[string]string{"advance": d})
}

// latestMail reads the outbox and picks the newest mail matching q. A miss is not an
// error here: the caller reports it as a failed expectation.
func (m *mockControl) latestMail(ctx context.Context, q scenarios.OutboxQuery) (map[string]any, *apiclient.Exchange, error) {
	ex, err := m.do(ctx, http.MethodGet, "/_mock/outbox", nil)
	if err != nil {
		return nil, ex, err
	}
	var mails []map[string]any
	if err := boundedjson.Unmarshal(ex.ResponseBody, &mails); err != nil {
		return nil, ex, fmt.Errorf("mock outbox is not a JSON list of mails: %v", err)
	}
	// The outbox lists mails in the order they were sent: the last match is the newest.
	var best map[string]any
	for _, mail := range mails {
		if mailMatches(mail, q) {
			best = mail
		}
	}
	return best, ex, nil
}

func mailMatches(mail map[string]any, q scenarios.OutboxQuery) bool {
	field := func(k string) string { s, _ := mail[k].(string); return s }
	if q.To != "" && !strings.EqualFold(field("username"), q.To) && !strings.EqualFold(field("to"), q.To) {
		return false
	}
	if q.Kind != "" && field("kind") != q.Kind {
		return false
	}
	if q.Domain != "" && !strings.EqualFold(field("domain"), q.Domain) {
		return false
	}
	if q.Token != "" && field("token") != q.Token {
		return false
	}
	return true
}
