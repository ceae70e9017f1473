package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// control talks to the mock's control API under /_mock/.
type control struct {
	root string // http://127.0.0.1:PORT
	http *http.Client
}

// mail is the part of an outbox entry the soak reads.
type mail struct {
	Kind     string `json:"kind"`
	To       string `json:"to"`
	Code     string `json:"code"`
	Token    string `json:"token"`
	Link     string `json:"link"`
	Username string `json:"username"`
}

func (c *control) do(method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.root+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	return data, nil
}

func (c *control) reset() error { _, err := c.do(http.MethodPost, "/_mock/reset", nil); return err }

func (c *control) clearOutbox() error {
	_, err := c.do(http.MethodDelete, "/_mock/outbox", nil)
	return err
}

func (c *control) setFaults(f map[string]any) error {
	_, err := c.do(http.MethodPost, "/_mock/faults", f)
	return err
}

// latestMail finds the newest mail of a kind for a user.
func (c *control) latestMail(kind, username string) (mail, error) {
	data, err := c.do(http.MethodGet, "/_mock/outbox", nil)
	if err != nil {
		return mail{}, err
	}
	mails, err := decodeMails(data)
	if err != nil {
		return mail{}, err
	}
	for i := len(mails) - 1; i >= 0; i-- {
		m := mails[i]
		if m.Kind == kind && (m.Username == username || strings.HasPrefix(m.To, username+"@")) {
			return m, nil
		}
	}
	return mail{}, fmt.Errorf("no %s mail for %s in the outbox (%d mails)", kind, username, len(mails))
}

// decodeMails reads the outbox as a list, or as an object holding the list.
func decodeMails(data []byte) ([]mail, error) {
	var list []mail
	if err := json.Unmarshal(data, &list); err == nil {
		return list, nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, fmt.Errorf("outbox is neither a list nor an object: %w", err)
	}
	for _, k := range []string{"mails", "outbox", "items"} {
		if raw, ok := wrapped[k]; ok {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, fmt.Errorf("outbox %q: %w", k, err)
			}
			return list, nil
		}
	}
	return nil, fmt.Errorf("outbox object has no mail list")
}
