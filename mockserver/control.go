package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// The control API under /_mock/ drives the mock from scenarios and scripts: read the
// outbox and the journal, reset, move the clock, inject faults. It speaks JSON and
// answers errors with PortSIP's error body. Request bodies are read as JSON whatever
// their Content-Type, so a bare `curl -d '{...}'` works.

// controlRoutes maps each control path to its methods.
func (s *Server) controlRoute(path string) map[string]func(*http.Request) response {
	switch path {
	case "/_mock", "/_mock/":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlIndex}
	case "/_mock/outbox":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlOutbox, http.MethodDelete: s.ctlClearOutbox}
	case "/_mock/outbox/last":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlLastMail}
	case "/_mock/requests":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlRequests}
	case "/_mock/reset":
		return map[string]func(*http.Request) response{http.MethodPost: s.ctlReset}
	case "/_mock/clock":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlClock, http.MethodPost: s.ctlAdvance}
	case "/_mock/faults":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlFaults, http.MethodPost: s.ctlSetFaults, http.MethodDelete: s.ctlClearFaults}
	case "/_mock/stats":
		return map[string]func(*http.Request) response{http.MethodGet: s.ctlStats}
	}
	return nil
}

func (s *Server) serveControl(r *http.Request) response {
	if strings.HasPrefix(r.URL.Path, idpPrefix) {
		return s.serveIdP(r)
	}
	methods := s.controlRoute(r.URL.Path)
	if methods == nil {
		return errorResponse(http.StatusNotFound, CodeNotFound, "no control endpoint at "+r.URL.Path+" (GET /_mock/ lists them)", nil)
	}
	h, ok := methods[r.Method]
	if !ok {
		allowed := make([]string, 0, len(methods))
		for _, m := range []string{http.MethodDelete, http.MethodGet, http.MethodPost} {
			if methods[m] != nil {
				allowed = append(allowed, m)
			}
		}
		resp := errorResponse(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"method "+r.Method+" is not allowed here; use "+strings.Join(allowed, " or "), map[string]any{"allowed": allowed})
		resp.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
		return resp
	}
	return h(r)
}

func (s *Server) ctlIndex(*http.Request) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"endpoints": []string{
			"GET /_mock/outbox[?kind=otp|reset&to=&username=&domain=]", "GET /_mock/outbox/last[?same filters]",
			"DELETE /_mock/outbox", "GET /_mock/requests[?limit=N]", "POST /_mock/reset[?keep=faults]",
			"GET /_mock/clock", `POST /_mock/clock {"advance":"31m"}`,
			"GET /_mock/faults", `POST /_mock/faults {"<operationId>":{"status":500,"latency":"300ms","error_rate":0.2,"drop":false}}`,
			"DELETE /_mock/faults", "GET /_mock/stats",
			"GET /_mock/idp/<domain>/oauth2/v2.0/authorize (simulated Microsoft 365 sign-in)",
		},
		"now": s.Now().UTC().Format(time.RFC3339Nano),
	})
}

// filteredMails applies the outbox filters of the query.
func (s *Server) filteredMails(r *http.Request) []Mail {
	q := r.URL.Query()
	mails := s.Outbox()
	out := mails[:0]
	for _, m := range mails {
		if (q.Get("kind") == "" || m.Kind == q.Get("kind")) &&
			(q.Get("to") == "" || strings.EqualFold(m.To, q.Get("to"))) &&
			(q.Get("username") == "" || m.Username == q.Get("username")) &&
			(q.Get("domain") == "" || strings.EqualFold(m.Domain, q.Get("domain"))) {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) ctlOutbox(r *http.Request) response {
	return jsonResponse(http.StatusOK, s.filteredMails(r))
}

func (s *Server) ctlLastMail(r *http.Request) response {
	mails := s.filteredMails(r)
	if len(mails) == 0 {
		return errorResponse(http.StatusNotFound, CodeNotFound, "no mail matches", nil)
	}
	return jsonResponse(http.StatusOK, mails[len(mails)-1])
}

func (s *Server) ctlClearOutbox(*http.Request) response {
	s.ClearOutbox()
	return emptyResponse(http.StatusNoContent)
}

func (s *Server) ctlRequests(r *http.Request) response {
	entries := s.Requests()
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return invalid("limit", "type", "must be a whole number of at least 0")
		}
		if n < len(entries) {
			entries = entries[len(entries)-n:]
		}
	}
	return jsonResponse(http.StatusOK, entries)
}

func (s *Server) ctlReset(r *http.Request) response {
	// ?keep=faults: a scenario runner resets between scenarios but keeps the faults
	// the tester set for the whole run.
	faults := s.faults.Load()
	s.Reset()
	if r.URL.Query().Get("keep") == "faults" {
		s.faults.Store(faults)
	}
	return emptyResponse(http.StatusNoContent)
}

type clockState struct {
	Now    string `json:"now"`
	Offset string `json:"offset"`
}

func (s *Server) clockState() response {
	return jsonResponse(http.StatusOK, clockState{
		Now:    s.Now().UTC().Format(time.RFC3339Nano),
		Offset: time.Duration(s.offset.Load()).String(),
	})
}

func (s *Server) ctlClock(*http.Request) response { return s.clockState() }

func (s *Server) ctlAdvance(r *http.Request) response {
	var in struct {
		Advance *Duration `json:"advance"`
	}
	if resp, ok := readControlJSON(r, &in); !ok {
		return resp
	}
	if in.Advance == nil {
		return invalid("advance", "required", `is required, e.g. {"advance":"31m"}`)
	}
	if *in.Advance < 0 {
		return invalid("advance", "range", "must not be negative: the mock clock only moves forward")
	}
	s.AdvanceClock(time.Duration(*in.Advance))
	return s.clockState()
}

func (s *Server) ctlFaults(*http.Request) response { return jsonResponse(http.StatusOK, s.Faults()) }

func (s *Server) ctlSetFaults(r *http.Request) response {
	var in map[string]Fault
	if resp, ok := readControlJSON(r, &in); !ok {
		return resp
	}
	if vs := checkFaults(in); len(vs) > 0 {
		return validationFailed(vs)
	}
	s.SetFaults(in)
	return jsonResponse(http.StatusOK, s.Faults())
}

func (s *Server) ctlClearFaults(*http.Request) response {
	s.SetFaults(nil)
	return emptyResponse(http.StatusNoContent)
}

func (s *Server) ctlStats(*http.Request) response { return jsonResponse(http.StatusOK, s.Stats()) }

// readControlJSON decodes a control request's JSON body strictly (unknown fields are
// refused, so a misspelt key is not silently ignored).
func readControlJSON(r *http.Request, v any) (response, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if len(body) > MaxBodyBytes {
		return tooLarge(), false
	}
	if err != nil {
		return invalid("body", "read", "could not be read completely"), false
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return invalid("body", "required", "is required (a JSON object)"), false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "json: ") {
			msg = strings.TrimPrefix(msg, "json: ")
		}
		return validationFailed([]rules.Violation{{Field: "body", Rule: "json", Message: "is not valid: " + msg}}), false
	}
	if dec.More() {
		return invalid("body", "json", "holds more than one JSON value"), false
	}
	return response{}, true
}
