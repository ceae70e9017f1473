// Package exchangeview lays an HTTP exchange out as a textdoc.Doc: request line,
// status and duration, spec violations, headers and syntax-coloured bodies.
package exchangeview

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/tui/components/textdoc"
)

// Build lays out ex, which the caller has redacted. violations come from
// Exchange.Validate on the real exchange (redaction can break formats).
func Build(ex *apiclient.Exchange, violations []spec.Violation) textdoc.Doc {
	var d textdoc.Doc
	seg := func(t string, r textdoc.Role) textdoc.Segment { return textdoc.Segment{Text: t, Role: r} }
	if ex == nil {
		d.Add(seg("no exchange: the step sent nothing", textdoc.Faint))
		return d
	}
	d.Add(seg(ex.Method, textdoc.Method), seg(" "+ex.URL, textdoc.Plain))
	status := []textdoc.Segment{seg("status ", textdoc.Faint)}
	switch {
	case ex.Err != "":
		status = append(status, seg("no answer: "+ex.Err, textdoc.Err))
	default:
		r := textdoc.OK
		if ex.Status >= 400 {
			r = textdoc.Err
		} else if ex.Status >= 300 {
			r = textdoc.Warn
		}
		status = append(status, seg(strconv.Itoa(ex.Status)+" "+http.StatusText(ex.Status), r))
	}
	status = append(status, seg("  ·  "+Duration(ex.Duration), textdoc.Faint))
	if ex.Operation != "" {
		status = append(status, seg("  ·  "+ex.Operation, textdoc.Faint))
	}
	d.Add(status...)
	if len(violations) > 0 {
		d.Blank()
		d.Add(seg("Spec violations ("+strconv.Itoa(len(violations))+")", textdoc.Warn))
		for _, v := range violations {
			d.Add(seg("  ! ", textdoc.Warn), seg(v.String(), textdoc.Plain))
		}
	}
	d.Blank()
	d.Add(seg("Request headers", textdoc.Section))
	headers(&d, ex.RequestHeader)
	if len(ex.RequestBody) > 0 {
		d.Blank()
		d.Add(seg("Request body", textdoc.Section))
		d.Body(ex.RequestBody)
	}
	if ex.Err == "" {
		d.Blank()
		d.Add(seg("Response headers", textdoc.Section))
		headers(&d, ex.ResponseHeader)
		d.Blank()
		d.Add(seg("Response body", textdoc.Section))
		if ex.Truncated {
			d.Add(seg("(cut: the answer was larger than "+strconv.Itoa(apiclient.MaxBody>>20)+" MiB; only its start was read)", textdoc.Warn))
		}
		d.Body(ex.ResponseBody)
	}
	return d
}

func headers(d *textdoc.Doc, h http.Header) {
	if len(h) == 0 {
		d.Add(textdoc.Segment{Text: "  (none)", Role: textdoc.Faint})
		return
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			d.Add(textdoc.Segment{Text: "  " + k + ": ", Role: textdoc.Key}, textdoc.Segment{Text: v, Role: textdoc.Plain})
		}
	}
}

// Duration is a short, readable duration: 850µs, 12ms, 1.2s.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + "µs"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return d.Round(100 * time.Millisecond).String()
}
