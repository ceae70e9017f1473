package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// ErrInvalidCall marks a call that cannot be built: an unknown operation or field, a
// missing path parameter, a value of the wrong type. Nothing was sent.
var ErrInvalidCall = errors.New("invalid call")

// ErrUnknownOperation is an operationId the document does not have. It wraps ErrInvalidCall.
var ErrUnknownOperation = fmt.Errorf("%w: unknown operation", ErrInvalidCall)

// BuildRequest turns an operationId and string values into a request. Each name is a path
// parameter, a query parameter or a body field of the operation; anything else is
// refused. Values are typed by the document's schema: a boolean or integer field
// must hold one and is sent as one, while a string field that happens to read
// "true" or "42" stays a string. loginWithMicrosoft's fields go in a form. The
// bearer is attached only when the operation takes one.
func BuildRequest(opID string, values map[string]string, bearer Secret) (Request, error) {
	op, ok := spec.OperationByID(opID)
	if !ok {
		return Request{}, fmt.Errorf("%w %q", ErrUnknownOperation, opID)
	}
	r := Request{Operation: op.ID, Method: op.Method}
	path := op.Path
	body := map[string]any{}
	form := url.Values{}

	for _, name := range slices.Sorted(maps.Keys(values)) {
		v := values[name]
		if p, ok := op.Param(name); ok {
			if err := checkScalar(p.Type, v); err != nil {
				return Request{}, fmt.Errorf("%w: %s %s: %v", ErrInvalidCall, p.In, name, err)
			}
			switch p.In {
			case "path":
				if v == "" {
					return Request{}, fmt.Errorf("%w: path parameter %s must not be empty", ErrInvalidCall, name)
				}
				path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
			case "query":
				if r.Query == nil {
					r.Query = url.Values{}
				}
				r.Query.Set(name, v)
			default:
				return Request{}, fmt.Errorf("%w: %s parameters (%s) are not supported", ErrInvalidCall, p.In, name)
			}
			continue
		}
		f, ok := op.Field(name)
		if !ok {
			takes := "it takes none"
			if names := fieldNames(op); len(names) > 0 {
				takes = "it takes " + strings.Join(names, ", ")
			}
			return Request{}, fmt.Errorf("%w: %s has no field %q (%s)", ErrInvalidCall, op.ID, name, takes)
		}
		if op.ContentType == "application/x-www-form-urlencoded" {
			form.Set(name, v)
			continue
		}
		typed, err := typedValue(f.Type, v)
		if err != nil {
			return Request{}, fmt.Errorf("%w: field %s: %v", ErrInvalidCall, name, err)
		}
		body[name] = typed
	}
	for _, p := range op.Params {
		if p.In == "path" && strings.Contains(path, "{"+p.Name+"}") {
			return Request{}, fmt.Errorf("%w: %s needs the path parameter %s", ErrInvalidCall, op.ID, p.Name)
		}
	}
	r.Path = path

	switch op.ContentType {
	case "":
	case "application/x-www-form-urlencoded":
		r.Body, r.ContentType = []byte(form.Encode()), op.ContentType
	default:
		b, err := json.Marshal(body)
		if err != nil {
			return Request{}, fmt.Errorf("%w: encode body: %v", ErrInvalidCall, err)
		}
		r.Body, r.ContentType = b, "application/json"
	}
	if op.Bearer {
		r.Bearer = bearer
	}
	return r, nil
}

// Invoke builds the request (see BuildRequest) and sends it: any operation of the
// document by its operationId, with its parameters and body fields given as strings,
// the shape scripts (`pbxauth call`) have. A non-2xx answer comes back with an
// *APIError and the response, so callers can show both. An empty bearer on a
// bearer operation falls back to the client's WithBearerToken.
func (c *Client) Invoke(ctx context.Context, opID string, values map[string]string, bearer Secret) (*Response, error) {
	if bearer.IsZero() {
		bearer = c.BearerToken()
	}
	r, err := BuildRequest(opID, values, bearer)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	return resp, CheckResponse(resp)
}

// checkScalar validates a parameter value against its schema type; parameters
// travel as text, so the value itself is kept.
func checkScalar(typ, v string) error {
	_, err := typedValue(typ, v)
	return err
}

func typedValue(typ, v string) (any, error) {
	switch typ {
	case "boolean":
		switch v {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("want true or false, got %q", v)
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want an integer, got %q", v)
		}
		return n, nil
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return nil, fmt.Errorf("want a number, got %q", v)
		}
		return json.Number(v), nil
	case "array", "object":
		if !json.Valid([]byte(v)) {
			return nil, fmt.Errorf("want JSON (%s), got %q", typ, v)
		}
		return json.RawMessage(v), nil
	}
	return v, nil
}

// fieldNames lists what an operation takes: its parameters, then its body fields.
func fieldNames(op spec.Operation) []string {
	var names []string
	for _, p := range op.Params {
		names = append(names, p.Name)
	}
	for _, f := range op.Body {
		names = append(names, f.Name)
	}
	return names
}
