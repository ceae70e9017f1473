package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The control API under /_mock/ drives the mock from scenarios and scripts: read the
// outbox and the journal, reset, move the clock, inject faults. It speaks JSON and
// answers errors with PortSIP's error body. guard.go decides who may call it; calls
// that change state must say Content-Type: application/json (`curl --json '{...}'`).

type controlHandler func(*http.Request, url.Values) response

// ServeHTTP is never called: the control mux only resolves a request to its handler,
// which serveControl runs inside the guard and the panic net.
func (controlHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

// controlPaths are the control endpoints and their handlers by method.
func (s *Server) controlPaths() map[string]map[string]controlHandler {
	return map[string]map[string]controlHandler{
		"/_mock":             {http.MethodGet: s.ctlIndex},
		"/_mock/{$}":         {http.MethodGet: s.ctlIndex},
		"/_mock/outbox":      {http.MethodGet: s.ctlOutbox, http.MethodDelete: s.ctlClearOutbox},
		"/_mock/outbox/last": {http.MethodGet: s.ctlLastMail},
		"/_mock/requests":    {http.MethodGet: s.ctlRequests},
		"/_mock/reset":       {http.MethodPost: s.ctlReset},
		"/_mock/clock":       {http.MethodGet: s.ctlClock, http.MethodPost: s.ctlAdvance},
		"/_mock/faults":      {http.MethodGet: s.ctlFaults, http.MethodPost: s.ctlSetFaults, http.MethodDelete: s.ctlClearFaults},
		"/_mock/stats":       {http.MethodGet: s.ctlStats},
	}
}

// controlMux routes the control API on method patterns ("GET /_mock/outbox"; GET
// patterns take HEAD too). Each path also gets a method-less pattern, which the
// method patterns outrank, answering 405 (or OPTIONS' 204) with Allow in PortSIP's
// error body rather than ServeMux's plain text; "/_mock/" catches unknown paths.
func (s *Server) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	for path, methods := range s.controlPaths() {
		allowed := make([]string, 0, len(methods))
		for method, h := range methods {
			mux.Handle(method+" "+path, controlHandler(func(r *http.Request, _ url.Values) response {
				if resp, refused := needsJSON(r); refused {
					return resp
				}
				q, v := parseQuery(r)
				if v != nil {
					return invalid(*v)
				}
				return h(r, q)
			}))
			allowed = append(allowed, method)
		}
		mux.Handle(path, controlHandler(func(r *http.Request, _ url.Values) response {
			return methodNotAllowed(r.Method, allowed...)
		}))
	}
	mux.Handle("/_mock/", controlHandler(notControl))
	return mux
}

func notControl(r *http.Request, _ url.Values) response {
	return errorResponse(http.StatusNotFound, CodeNotFound, "no control endpoint at "+r.URL.Path+" (GET /_mock/ lists them)", nil)
}

func (s *Server) serveControl(r *http.Request) response {
	if strings.HasPrefix(r.URL.Path, idpPrefix) {
		return s.serveIdP(r)
	}
	// A path ServeMux would first clean (a redirect of its own making) is no endpoint.
	h, _ := s.ctlMux.Handler(r)
	ch, ok := h.(controlHandler)
	if !ok {
		ch = notControl
	}
	return ch(r, nil)
}

// parseQuery parses a request's query strictly: url.URL.Query drops what it cannot
// parse, which would read ?domain=%ZZ as no domain at all.
func parseQuery(r *http.Request) (url.Values, *violation) {
	if r.URL.RawQuery == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		hint := "a bad %-escape"
		if strings.Contains(err.Error(), "semicolon") {
			hint = "separate parameters with &, not ;"
		}
		return nil, &violation{field: "query", rule: "query", hint: hint}
	}
	return q, nil
}

func (s *Server) ctlIndex(*http.Request, url.Values) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"endpoints": []string{
			"GET /_mock/outbox[?kind=otp|reset&to=&username=&domain=]", "GET /_mock/outbox/last[?same filters]",
			"DELETE /_mock/outbox", "GET /_mock/requests[?limit=N]", "POST /_mock/reset[?keep=faults]",
			"GET /_mock/clock", `POST /_mock/clock {"advance":"31m"}`,
			"GET /_mock/faults", `POST /_mock/faults {"<operationId>":{"status":500,"latency":"300ms","error_rate":0.2,"drop":false}}`,
			"DELETE /_mock/faults (or POST {})", "GET /_mock/stats",
			"GET /_mock/idp/<domain>/oauth2/v2.0/authorize (simulated Microsoft 365 sign-in)",
		},
		"notes": "HEAD works wherever GET does; OPTIONS answers 204 with Allow",
		"now":   s.Now().UTC().Format(time.RFC3339Nano),
	})
}

// mailFilter reads the outbox filters of a query.
func mailFilter(q url.Values) MailFilter {
	return MailFilter{Kind: q.Get("kind"), To: q.Get("to"), Username: q.Get("username"), Domain: q.Get("domain")}
}

func (s *Server) ctlOutbox(_ *http.Request, q url.Values) response {
	return jsonResponse(http.StatusOK, s.filteredMails(mailFilter(q)))
}

func (s *Server) ctlLastMail(_ *http.Request, q url.Values) response {
	mails := s.filteredMails(mailFilter(q))
	if len(mails) == 0 {
		return noMail()
	}
	return jsonResponse(http.StatusOK, mails[len(mails)-1])
}

func (s *Server) ctlClearOutbox(*http.Request, url.Values) response {
	s.ClearOutbox()
	return emptyResponse(http.StatusNoContent)
}

func (s *Server) ctlRequests(_ *http.Request, q url.Values) response {
	limit := 0
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return invalid(badLimit)
		}
		if n == 0 {
			return jsonResponse(http.StatusOK, []JournalEntry{}) // ?limit=0: none
		}
		limit = n
	}
	return jsonResponse(http.StatusOK, s.requests(limit))
}

// resetKeeps are the values of POST /_mock/reset?keep=.
var resetKeeps = []string{"faults"}

func (s *Server) ctlReset(_ *http.Request, q url.Values) response {
	keep := q.Get("keep")
	if keep != "" && keep != "faults" {
		return invalid(violation{field: "keep", rule: "one_of", hint: strings.Join(resetKeeps, ", ") + " (or leave it out)"})
	}
	s.reset(ResetOptions{KeepFaults: keep == "faults"})
	return emptyResponse(http.StatusNoContent)
}

func (s *Server) clockAnswer() response { return jsonResponse(http.StatusOK, clockWire(s.clock())) }

func (s *Server) ctlClock(*http.Request, url.Values) response { return s.clockAnswer() }

const advanceExample = `e.g. {"advance":"31m"}`

func (s *Server) ctlAdvance(r *http.Request, _ url.Values) response {
	obj, resp, ok := readControlObject(r)
	if !ok {
		return resp
	}
	for k := range obj {
		if k != "advance" {
			return invalid(violation{field: k, rule: "unknown_field", hint: "advance"})
		}
	}
	raw, ok := obj["advance"]
	if !ok || isNull(raw) {
		return invalid(violation{field: "advance", rule: "required", hint: advanceExample})
	}
	d, v := parseDuration("advance", raw)
	if v != nil {
		return invalid(*v)
	}
	if v := s.advance(d); v != nil {
		return invalid(*v)
	}
	return s.clockAnswer()
}

func (s *Server) ctlFaults(*http.Request, url.Values) response {
	return jsonResponse(http.StatusOK, s.Faults())
}

func (s *Server) ctlSetFaults(r *http.Request, _ url.Values) response {
	obj, resp, ok := readControlObject(r)
	if !ok {
		return resp
	}
	in, vs := decodeFaults(obj)
	if len(vs) == 0 {
		vs = checkFaults(in)
	}
	if len(vs) > 0 {
		return validationFailed(vs)
	}
	s.SetFaults(in)
	return jsonResponse(http.StatusOK, s.Faults())
}

func (s *Server) ctlClearFaults(*http.Request, url.Values) response {
	s.SetFaults(nil)
	return emptyResponse(http.StatusNoContent)
}

func (s *Server) ctlStats(*http.Request, url.Values) response {
	return jsonResponse(http.StatusOK, s.Stats())
}

// readControlObject reads a control request's body, which must be one JSON object,
// into its raw members. Fields are then decoded one by one, so every error names the
// field and says in words what it must be (no Go type names), and a null body is
// refused rather than read as an empty object.
func readControlObject(r *http.Request) (map[string]json.RawMessage, response, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if len(body) > MaxBodyBytes {
		return nil, tooLarge(), false
	}
	if err != nil {
		return nil, invalid(violation{field: "body", rule: "read"}), false
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, invalid(violation{field: "body", rule: "required", hint: "a JSON object"}), false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, invalid(violation{field: "body", rule: "type", hint: "a JSON object"}), false
		}
		return nil, invalid(violation{field: "body", rule: "json", hint: jsonProblem(err)}), false
	}
	if obj == nil { // the body was null
		return nil, invalid(violation{field: "body", rule: "type", hint: "a JSON object"}), false
	}
	return obj, response{}, true
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// parseDuration reads a duration field: a string with a unit, such as "300ms". A bare
// number is refused: it has no unit, and reading it as nanoseconds surprises.
func parseDuration(field string, raw json.RawMessage) (time.Duration, *violation) {
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return 0, &violation{field: field, rule: "type", hint: `a string with a unit, such as "300ms" or "31m" (a bare number has no unit)`}
	}
	d, err := time.ParseDuration(str)
	if err != nil {
		return 0, &violation{field: field, rule: "format", hint: `a duration such as "300ms", "31m" or "1h30m"`}
	}
	return d, nil
}

// faultFields are the members of a fault, in the order errors list them.
var faultFields = []string{"status", "latency", "error_rate", "drop"}

// decodeFaults reads a fault set keyed by operationId, field by field.
func decodeFaults(obj map[string]json.RawMessage) (map[string]Fault, []violation) {
	ops := make([]string, 0, len(obj))
	for op := range obj {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	out := make(map[string]Fault, len(obj))
	var vs []violation
	for _, op := range ops {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(obj[op], &members); err != nil || members == nil {
			vs = append(vs, violation{field: op, rule: "type", hint: `a JSON object such as {"status":500}`})
			continue
		}
		var f Fault
		for _, k := range slices.Sorted(maps.Keys(members)) {
			raw, field := members[k], op+"."+k
			if isNull(raw) {
				continue
			}
			var err error
			switch k {
			case "status":
				if err = json.Unmarshal(raw, &f.Status); err != nil {
					vs = append(vs, violation{field: field, rule: "type", hint: "a whole number (an HTTP status)"})
				}
			case "latency":
				d, v := parseDuration(field, raw)
				if v != nil {
					vs = append(vs, *v)
				}
				f.Latency = Duration(d)
			case "error_rate":
				if err = json.Unmarshal(raw, &f.ErrorRate); err != nil {
					vs = append(vs, violation{field: field, rule: "type", hint: "a number from 0 to 1"})
				}
			case "drop":
				if err = json.Unmarshal(raw, &f.Drop); err != nil {
					vs = append(vs, violation{field: field, rule: "type", hint: "true or false"})
				}
			default:
				vs = append(vs, violation{field: field, rule: "unknown_field", hint: strings.Join(faultFields, ", ")})
			}
		}
		out[op] = f
	}
	return out, vs
}
