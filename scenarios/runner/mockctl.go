package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
)

// mockControl drives the mock a scenario runs on through its control API
// (mockserver.ControlClient, the same for an in-process mock and `pbxauth mock`),
// handing each call's exchange to the step that made it. Steps of concurrent
// scenarios or virtual users may share it.
type mockControl struct{ c *mockserver.ControlClient }

func newMockControl(apiBase string, hc *http.Client, token string) (*mockControl, error) {
	c, err := mockserver.NewControlClient(apiBase, mockserver.WithControlHTTPClient(hc), mockserver.WithControlToken(token))
	if err != nil {
		return nil, err
	}
	return &mockControl{c: c}, nil
}

// call runs one control call and returns its exchange beside its error.
func (m *mockControl) call(ctx context.Context, do func(context.Context) error) (*apiclient.Exchange, error) {
	var ex *apiclient.Exchange
	err := do(mockserver.WithControlExchange(ctx, func(e *apiclient.Exchange) { ex = e }))
	if errors.Is(err, mockserver.ErrControlToken) {
		err = fmt.Errorf("mock control: %w (set $PBXAUTH_MOCK_TOKEN to its --control-token)", err)
	} else if err != nil {
		err = fmt.Errorf("mock control %w", err)
	}
	return ex, err
}

// reset puts a shared mock back to its data before a scenario. Faults are the
// tester's setup for the whole run (POST /_mock/faults before `pbxauth run`), not
// scenario state, so the mock is asked to keep them.
func (m *mockControl) reset(ctx context.Context) error {
	_, err := m.call(ctx, func(ctx context.Context) error {
		return m.c.Reset(ctx, mockserver.ResetOptions{KeepFaults: true})
	})
	return err
}

// advance moves the mock's clock by d, a positive duration the step checked.
func (m *mockControl) advance(ctx context.Context, d time.Duration) (*apiclient.Exchange, error) {
	return m.call(ctx, func(ctx context.Context) error {
		_, err := m.c.AdvanceClock(ctx, d)
		return err
	})
}

// latestMail reads the outbox and picks the newest mail matching q, as the fields
// the control API names them. A miss is not an error here: the caller reports it
// as a failed expectation.
func (m *mockControl) latestMail(ctx context.Context, q scenarios.OutboxQuery) (map[string]any, *apiclient.Exchange, error) {
	var mails []mockserver.Mail
	ex, err := m.call(ctx, func(ctx context.Context) (err error) {
		// Kind and domain the mock filters; a recipient may be a username or an
		// address, and a token is the step's own, so those are matched here.
		mails, err = m.c.Outbox(ctx, mockserver.MailFilter{Kind: q.Kind, Domain: q.Domain})
		return err
	})
	if err != nil {
		return nil, ex, err
	}
	// The outbox lists mails in the order they were sent: the last match is the newest.
	for i := len(mails) - 1; i >= 0; i-- {
		if mailMatches(&mails[i], q) {
			return mailDoc(&mails[i]), ex, nil
		}
	}
	return nil, ex, nil
}

func mailMatches(ml *mockserver.Mail, q scenarios.OutboxQuery) bool {
	return (q.To == "" || strings.EqualFold(ml.Username, q.To) || strings.EqualFold(ml.To, q.To)) &&
		(q.Token == "" || ml.Token == q.Token)
}

// mailDoc is a mail as assertions and captures read it: its JSON fields.
func mailDoc(ml *mockserver.Mail) map[string]any {
	b, err := json.Marshal(ml)
	var doc map[string]any
	if err == nil {
		err = boundedjson.Unmarshal(b, &doc)
	}
	if err != nil {
		return map[string]any{} // a Mail always encodes; nothing to read otherwise
	}
	return doc
}
