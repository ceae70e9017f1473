package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/oasdiff/kin-openapi/openapi3"
	"github.com/oasdiff/kin-openapi/openapi3filter"
	"github.com/oasdiff/kin-openapi/routers"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// Side says which half of an exchange broke the document.
type Side string

const (
	SideRequest  Side = "request"
	SideResponse Side = "response"
)

// Violation is one way an exchange departs from the document.
type Violation struct {
	Side      Side   `json:"side"`
	Operation string `json:"operation,omitempty"`
	// Field is a JSON pointer into the body, a header or a parameter, when known.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (v Violation) String() string {
	s := string(v.Side)
	if v.Field != "" {
		s += " " + v.Field
	}
	return s + ": " + v.Message
}

// bodylessOK lists operations whose 2xx may come without a body although the document
// describes one: PortSIP's own document gives verify_otp no body at all.
var bodylessOK = map[string]bool{"verifyOTP": true}

// Exchange is what validation reads of an HTTP exchange. apiclient.Exchange's
// Validate fills it in, so that spec needs nothing of the client and the client
// can read the document (apiclient.BuildRequest).
type Exchange struct {
	Method, URL   string
	RequestHeader http.Header
	RequestBody   []byte
	// Status is 0 when no answer came.
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	// Truncated says ResponseBody was cut at a size limit.
	Truncated bool
}

// ValidateExchange checks an exchange's request and answer against the document. An
// exchange that got no answer is checked on its request only. Secrets in the
// exchange never reach the messages: values are not quoted.
func ValidateExchange(ex Exchange) []Violation {
	doc, err := Load()
	if err != nil {
		return []Violation{{Side: SideRequest, Message: err.Error()}}
	}
	u, err := url.Parse(ex.URL)
	if err != nil {
		return []Violation{{Side: SideRequest, Message: "unparsable URL"}}
	}
	rel := u.Path
	if i := strings.Index(rel, "/api/"); i >= 0 {
		rel = rel[i+len("/api"):]
	}
	op, params, allowed, ok := Match(ex.Method, rel)
	if !ok {
		v := Violation{Side: SideRequest, Field: "path", Message: fmt.Sprintf("no operation %s %s in the document", ex.Method, rel)}
		if len(allowed) > 0 {
			v.Field = "method"
			v.Message = fmt.Sprintf("%s %s is not an operation; the path takes %s", ex.Method, rel, strings.Join(allowed, ", "))
		}
		return []Violation{v}
	}
	req, err := http.NewRequest(ex.Method, ex.URL, bytes.NewReader(ex.RequestBody))
	if err != nil {
		return []Violation{{Side: SideRequest, Operation: op.ID, Message: "unbuildable request"}}
	}
	req.Header = ex.RequestHeader.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	item := doc.Paths.Find(op.Path)
	if item == nil || item.GetOperation(op.Method) == nil {
		return []Violation{{Side: SideRequest, Operation: op.ID, Message: "the generated operation table is out of date (go generate ./apiclient/spec)"}}
	}
	route := &routers.Route{Spec: doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: item.GetOperation(op.Method)}
	opts := &openapi3filter.Options{
		MultiError:         true,
		AuthenticationFunc: checkBearer,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}

	var out []Violation
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		out = append(out, toViolations(SideRequest, op.ID, err)...)
	}
	if ex.Status == 0 {
		return out
	}
	if ex.Status >= 200 && ex.Status < 300 && len(bytes.TrimSpace(ex.ResponseBody)) == 0 && bodylessOK[op.ID] {
		return out
	}
	if err := boundedjson.Check(ex.ResponseBody); err != nil {
		// kin-openapi decodes and walks the body recursively: a deep one is refused
		// before it does.
		return append(out, Violation{Side: SideResponse, Operation: op.ID, Field: "body", Message: err.Error()})
	}
	if ex.Truncated {
		return append(out, Violation{Side: SideResponse, Operation: op.ID, Field: "body", Message: "the answer was cut at the size limit, so it can't be checked"})
	}
	ropts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: ex.Status, Header: ex.ResponseHeader, Options: ropts,
		Body: io.NopCloser(bytes.NewReader(ex.ResponseBody)),
	}
	if rin.Header == nil {
		rin.Header = http.Header{}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		out = append(out, toViolations(SideResponse, op.ID, err)...)
	}
	return out
}

func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New("missing Authorization: Bearer header")
	}
	return nil
}

// toViolations flattens kin-openapi's nested errors into one line each, rewording
// the ones that read badly out of context (oneOf, undocumented statuses, formats).
func toViolations(side Side, opID string, err error) []Violation {
	// A oneOf failure wraps every alternative's errors; it is summarised before
	// the MultiError below would spread them out.
	if se := oneOfError(err); se != nil {
		return []Violation{{Side: side, Operation: opID, Field: "/" + strings.Join(se.JSONPointer(), "/"), Message: oneOfMessage(se)}}
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []Violation
		for _, e := range multi {
			out = append(out, toViolations(side, opID, e)...)
		}
		return out
	}
	v := Violation{Side: side, Operation: opID}
	var schemaErr *openapi3.SchemaError
	var reqErr *openapi3filter.RequestError
	var respErr *openapi3filter.ResponseError
	var secErr *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &schemaErr):
		v.Field = "/" + strings.Join(schemaErr.JSONPointer(), "/")
		if errors.As(err, &reqErr) && reqErr.Parameter != nil {
			v.Field = reqErr.Parameter.In + " " + reqErr.Parameter.Name
		}
		// A MultiError inside the schema error carries the individual failures.
		var inner openapi3.MultiError
		if errors.As(schemaErr.Origin, &inner) {
			return toViolations(side, opID, inner)
		}
		v.Message = schemaMessage(schemaErr)
	case errors.As(err, &secErr):
		v.Field = "header Authorization"
		v.Message = "missing Authorization: Bearer header"
	case errors.As(err, &reqErr):
		if p := reqErr.Parameter; p != nil {
			v.Field = p.In + " " + p.Name
			if typ := paramType(p); typ != "" {
				v.Message = "must be " + typeWords(typ)
			}
		}
		if v.Message == "" {
			v.Message = reqErr.Reason
		}
		if v.Message == "" && reqErr.Err != nil {
			v.Message = firstLine(reqErr.Err.Error())
		}
	case errors.As(err, &respErr):
		if respErr.Reason == "status is not supported" && respErr.Input != nil {
			v.Field = "status"
			v.Message = undocumentedStatus(opID, respErr.Input)
			return []Violation{v}
		}
		v.Message = respErr.Reason
		if respErr.Err != nil {
			var m openapi3.MultiError
			if errors.As(respErr.Err, &m) {
				return toViolations(side, opID, m)
			}
			var se *openapi3.SchemaError
			if errors.As(respErr.Err, &se) {
				return toViolations(side, opID, se)
			}
			v.Message += ": " + firstLine(respErr.Err.Error())
		}
	default:
		v.Message = firstLine(err.Error())
	}
	if v.Message == "" {
		v.Message = firstLine(err.Error())
	}
	return []Violation{v}
}

// schemaMessage is kin-openapi's reason, without the regular expression it appends
// to format failures (a date-time pattern says less than "RFC 3339").
func schemaMessage(e *openapi3.SchemaError) string {
	if e.SchemaField == "format" && e.Schema != nil {
		switch e.Schema.Format {
		case "date-time":
			return "must be an RFC 3339 date-time, e.g. 2017-07-21T17:32:28Z (format date-time)"
		case "date":
			return "must be an RFC 3339 date, e.g. 2017-07-21 (format date)"
		}
	}
	msg := e.Reason
	if i := strings.Index(msg, " (string doesn't match pattern"); i >= 0 {
		msg = msg[:i]
	}
	if e.SchemaField != "" && !strings.Contains(msg, e.SchemaField) {
		msg += " (" + e.SchemaField + ")"
	}
	return msg
}

// oneOfError finds a oneOf failure along err's chain of single wrappers (a
// ResponseError or RequestError around it), stopping at lists of errors.
func oneOfError(err error) *openapi3.SchemaError {
	for err != nil {
		if se, ok := err.(*openapi3.SchemaError); ok {
			if se.SchemaField == "oneOf" && se.Schema != nil {
				return se
			}
			return nil
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil
		}
		err = u.Unwrap()
	}
	return nil
}

// oneOfMessage says which alternatives a value was checked against and what each
// lacks, instead of kin-openapi's flat list of every alternative's missing fields.
func oneOfMessage(e *openapi3.SchemaError) string {
	var names, fits, reasons []string
	for i, alt := range e.Schema.OneOf {
		name := altName(alt, i)
		names = append(names, name)
		if alt.Value == nil {
			continue
		}
		err := alt.Value.VisitJSON(e.Value, openapi3.MultiErrors())
		if err == nil {
			fits = append(fits, name)
			continue
		}
		reasons = append(reasons, name+" "+lacks(err))
	}
	if len(fits) > 1 {
		return fmt.Sprintf("matches %s at once; oneOf needs exactly one", strings.Join(fits, " and "))
	}
	return fmt.Sprintf("is none of %s: %s", strings.Join(names, ", "), strings.Join(reasons, "; "))
}

func altName(ref *openapi3.SchemaRef, i int) string {
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	if ref.Value != nil && ref.Value.Title != "" {
		return ref.Value.Title
	}
	return fmt.Sprintf("alternative %d", i+1)
}

// lacks summarises why a value fails one alternative: its missing required fields,
// else its first other failure.
func lacks(err error) string {
	var missing, other []string
	var collect func(error)
	collect = func(err error) {
		var m openapi3.MultiError
		if errors.As(err, &m) {
			for _, e := range m {
				collect(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			ptr := se.JSONPointer()
			if se.SchemaField == "required" && len(ptr) > 0 {
				missing = append(missing, ptr[len(ptr)-1])
				return
			}
			other = append(other, "/"+strings.Join(ptr, "/")+" "+schemaMessage(se))
			return
		}
		other = append(other, firstLine(err.Error()))
	}
	collect(err)
	switch {
	case len(missing) > 0:
		return "lacks " + strings.Join(missing, ", ")
	case len(other) > 0:
		return "fails: " + other[0]
	}
	return "does not match"
}

func undocumentedStatus(opID string, in *openapi3filter.ResponseValidationInput) string {
	msg := fmt.Sprintf("status %d is not documented for %s", in.Status, opID)
	if in.RequestValidationInput != nil && in.RequestValidationInput.Route != nil {
		if op := in.RequestValidationInput.Route.Operation; op != nil && op.Responses != nil {
			var codes []string
			for code := range op.Responses.Map() {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			msg += " (documented: " + strings.Join(codes, ", ") + ")"
		}
	}
	return msg
}

func paramType(p *openapi3.Parameter) string {
	if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Type == nil || len(*p.Schema.Value.Type) == 0 {
		return ""
	}
	return (*p.Schema.Value.Type)[0]
}

func typeWords(typ string) string {
	switch typ {
	case "boolean":
		return "a boolean (true or false)"
	case "integer":
		return "an integer"
	case "array", "object":
		return "an " + typ
	}
	return "a " + typ
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
