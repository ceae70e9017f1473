package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	if method != http.MethodGet {
		// The mock refuses state-changing control calls without the JSON type.
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

// latestMail finds the newest mail of a kind for a user (GET /_mock/outbox/last).
func (c *control) latestMail(kind, username string) (mail, error) {
	data, err := c.do(http.MethodGet, "/_mock/outbox/last?kind="+url.QueryEscape(kind)+"&username="+url.QueryEscape(username), nil)
	if err != nil {
		return mail{}, err
	}
	var m mail
	if err := json.Unmarshal(data, &m); err != nil {
		return mail{}, fmt.Errorf("GET /_mock/outbox/last: %w", err)
	}
	if m.Kind != kind {
		return mail{}, fmt.Errorf("GET /_mock/outbox/last?kind=%s answered a %q mail", kind, m.Kind)
	}
	return m, nil
}
