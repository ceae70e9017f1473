package common

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// Requests tracks a screen's one in-flight request: its ID (so a stale reply is
// dropped) and its cancel func (so esc stops it). The zero value is ready.
type Requests struct {
	last    uint64
	pending uint64
	cancel  context.CancelFunc
}

// Start cancels any request in flight and returns the context and ID of a new one.
func (r *Requests) Start(parent context.Context, timeout time.Duration) (context.Context, uint64) {
	r.Cancel()
	if parent == nil {
		parent = context.Background()
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	r.last++
	r.pending, r.cancel = r.last, cancel
	return ctx, r.pending
}

// Cancel stops the request in flight, if any; its reply will be dropped.
func (r *Requests) Cancel() bool {
	if r.cancel == nil {
		return false
	}
	r.cancel()
	r.cancel, r.pending = nil, 0
	return true
}

// Finish reports whether id is the request in flight, and if so marks it done.
// A false answer means the reply is stale and must be ignored.
func (r *Requests) Finish(id uint64) bool {
	if id == 0 || id != r.pending {
		return false
	}
	r.cancel()
	r.cancel, r.pending = nil, 0
	return true
}

// Busy reports whether a request is in flight.
func (r *Requests) Busy() bool { return r.pending != 0 }

// DescribeError turns a client error into one readable line for a person. The
// line quotes the server's messages, so it comes out terminal-safe, and cut to
// maxDescribed bytes: a PBX's message may be a megabyte, and the line is wrapped
// under a form on every frame.
func DescribeError(err error) string {
	s := termsafe.Line(describeError(err))
	if len(s) <= maxDescribed {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes more)", strings.ToValidUTF8(s[:maxDescribed], ""), len(s)-maxDescribed)
}

// maxDescribed is what DescribeError shows of an error: a dozen lines of a form.
const maxDescribed = 1024

func describeError(err error) string {
	if err == nil {
		return ""
	}
	var ae *apiclient.APIError
	if errors.As(err, &ae) {
		msgs := make([]string, 0, len(ae.Errors))
		for _, it := range ae.Errors {
			m := it.Message
			if len(it.Detail) > 0 && string(it.Detail) != "null" {
				// A PBX may echo input in detail; never show a secret from it.
				m += " " + string(apiclient.RedactBody(it.Detail, "application/json"))
			}
			msgs = append(msgs, m)
		}
		if len(msgs) == 0 {
			return ae.Error()
		}
		return strings.TrimSpace(strconv.Itoa(ae.Status) + " " + ae.DisplayCode() + ": " + strings.Join(msgs, "; "))
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	var te *apiclient.TransportError
	if errors.As(err, &te) {
		if te.Timeout {
			return "timed out: " + te.URL
		}
		msg := te.Kind() + ": " + te.Err.Error()
		if hint := te.Hint(); hint != "" {
			msg += " (" + hint + ")"
		}
		return msg
	}
	return err.Error()
}
