package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/pbxauth/pbxauth/apiclient"
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

// ValidateExchange checks an exchange's request and answer against the document. An
// exchange that got no answer is checked on its request only. Secrets in the
// exchange never reach the messages: values are not quoted.
func ValidateExchange(ex *apiclient.Exchange) []Violation {
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
		msg := fmt.Sprintf("no operation %s %s in the document", ex.Method, rel)
		if len(allowed) > 0 {
			msg = fmt.Sprintf("%s %s is not an operation; the path takes %s", ex.Method, rel, strings.Join(allowed, ", "))
		}
		return []Violation{{Side: SideRequest, Message: msg}}
	}
	req, err := http.NewRequest(ex.Method, ex.URL, bytes.NewReader(ex.RequestBody))
	if err != nil {
		return []Violation{{Side: SideRequest, Operation: op.ID, Message: "unbuildable request"}}
	}
	req.Header = ex.RequestHeader.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	route := &routers.Route{Spec: doc, Path: op.Path, PathItem: op.item, Method: op.Method, Operation: op.op}
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

// toViolations flattens kin-openapi's nested errors into one line each.
func toViolations(side Side, opID string, err error) []Violation {
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
		v.Message = schemaErr.Reason
		if schemaErr.SchemaField != "" && !strings.Contains(v.Message, schemaErr.SchemaField) {
			v.Message += " (" + schemaErr.SchemaField + ")"
		}
		if reqErr != nil && reqErr.Parameter != nil {
			v.Field = reqErr.Parameter.In + " " + reqErr.Parameter.Name
		}
		// A MultiError inside the schema error carries the individual failures.
		var inner openapi3.MultiError
		if errors.As(schemaErr.Origin, &inner) {
			return toViolations(side, opID, inner)
		}
	case errors.As(err, &secErr):
		v.Field = "header Authorization"
		v.Message = "missing Authorization: Bearer header"
	case errors.As(err, &reqErr):
		if reqErr.Parameter != nil {
			v.Field = reqErr.Parameter.In + " " + reqErr.Parameter.Name
		}
		v.Message = reqErr.Reason
		if v.Message == "" && reqErr.Err != nil {
			v.Message = firstLine(reqErr.Err.Error())
		}
	case errors.As(err, &respErr):
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

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
