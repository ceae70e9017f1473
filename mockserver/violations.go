package mockserver

import (
	"fmt"
	"net/http"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// violation is one broken rule of one field: one VALIDATE_FAILED entry. Its message
// comes from the rule's formatter in ruleTexts, so a rule reads the same on every
// endpoint whichever check found it (the OpenAPI document, apiclient/rules, a
// handler, the control API).
type violation struct {
	field string
	rule  string
	// limit is the rule's bound (a length, a range) and goes into the detail; nil
	// when the rule has none.
	limit any
	// hint completes the text of the rules that need it: what a type or format must
	// be, the allowed values, what is wrong in a JSON body.
	hint string
}

// violationDetail is the detail of a VALIDATE_FAILED entry.
type violationDetail struct {
	Field string `json:"field"`
	Rule  string `json:"rule"`
	Limit any    `json:"limit,omitempty"`
}

func (v violation) message() string {
	if f, ok := ruleTexts[v.rule]; ok {
		return v.field + " " + f(v)
	}
	return v.field + " breaks the " + v.rule + " rule"
}

// Error makes a violation usable as an error (ValidateFaults).
func (v violation) Error() string { return v.message() }

func fixed(s string) func(violation) string { return func(violation) string { return s } }

func withHint(prefix, sep string) func(violation) string {
	return func(v violation) string {
		if v.hint == "" {
			return prefix
		}
		return prefix + sep + v.hint
	}
}

// ruleTexts formats each rule: one formatter per rule name.
var ruleTexts = map[string]func(violation) string{
	"required": withHint("is required", ": "),
	"min_length": func(v violation) string {
		if v.limit == 1 {
			return "must not be empty (leave it out instead)"
		}
		return fmt.Sprintf("must be at least %v characters", v.limit)
	},
	"max_length":    func(v violation) string { return fmt.Sprintf("must be at most %v characters", v.limit) },
	"type":          withHint("must be", " "),
	"format":        withHint("must be", " "),
	"range":         withHint("must be", " "),
	"one_of":        withHint("must be one of", ": "),
	"json":          withHint("is not valid JSON", ": "),
	"form":          fixed("is not a valid URL-encoded form"),
	"query":         withHint("is not a valid URL query", ": "),
	"read":          fixed("could not be read completely"),
	"schema":        fixed("does not match the document"),
	"unknown_field": withHint("is not a field of this request", "; expected "),
	"charset": func(v violation) string {
		if t, ok := charsetTexts[v.field]; ok {
			return t
		}
		return "holds characters that are not allowed"
	},
	"period_edge":       fixed("must not start or end with a period"),
	"reserved":          fixed("is reserved for the system administrator (who signs in without a domain)"),
	"unknown_tenant":    fixed("is not a tenant of this PBX"),
	"ms365_disabled":    fixed("has no Microsoft 365 sign-in"),
	"unsupported":       fixed("is not supported: microsoft is the only identity provider PortSIP supports"),
	"url":               fixed("must be an absolute http or https URL"),
	"invalid":           withHint("is unknown, expired or already used", "; "),
	"letter":            fixed("must contain a letter"),
	"digit":             fixed("must contain a digit"),
	"upper":             fixed("must contain an upper-case letter"),
	"lower":             fixed("must contain a lower-case letter"),
	"symbol":            fixed("must contain a symbol"),
	"unknown_operation": fixed("is not an operationId of the API"),
	"unknown":           fixed("is not the state of an authorization request this PBX started, or it expired"),
	"tenant":            fixed("belongs to an authorization request for another tenant"),
	"mismatch":          withHint("does not match", " "),
	"conflict":          fixed("is given twice (in the query and in the form) with different values"),
	"stale":             fixed("has expired or already opened a session; start the sign-in again"),
	"browser":           fixed("belongs to a sign-in this browser did not start (no matching " + StateCookie + " cookie)"),
	"redirect_uri":      fixed("was issued for another redirect_uri (an app's callback), not for the PBX's web login"),
}

// charsetTexts are the character rules of apiclient/rules, per field.
var charsetTexts = map[string]string{
	"username": "may hold only ASCII letters, digits and _ - ' .",
	"domain":   "must be a host name or IP address without spaces or slashes",
}

// validationFailed answers 400 VALIDATE_FAILED with one entry per broken rule.
func validationFailed(vs []violation) response {
	items := make([]errorItem, len(vs))
	for i, v := range vs {
		items[i] = errorItem{
			Code:    apiclient.CodeValidateFailed,
			Message: v.message(),
			Detail:  violationDetail{Field: v.field, Rule: v.rule, Limit: v.limit},
		}
	}
	return jsonResponse(http.StatusBadRequest, errorBody{Errors: items})
}

func invalid(v violation) response { return validationFailed([]violation{v}) }

// fromRules turns a violation of apiclient/rules into the mock's, taking the limit of
// a length rule from the operation's schema (or the rules' own constants), so the
// rules and the document, which agree, also read alike.
func fromRules(v rules.Violation, schema *openapi3.Schema) violation {
	out := violation{field: v.Field, rule: v.Rule}
	switch v.Rule {
	case "min_length", "max_length":
		out.limit = lengthLimit(v.Field, v.Rule, schema)
	}
	return out
}

// lengthLimit is a field's minLength or maxLength.
func lengthLimit(field, rule string, schema *openapi3.Schema) any {
	if schema != nil {
		if p := schema.Properties[field]; p != nil && p.Value != nil {
			if rule == "min_length" {
				return int(p.Value.MinLength)
			}
			if p.Value.MaxLength != nil {
				return int(*p.Value.MaxLength)
			}
		}
	}
	if rule == "min_length" {
		return 1
	}
	switch field {
	case "username":
		return rules.UsernameMaxLen
	case "domain":
		return rules.DomainMaxLen
	case "role":
		return rules.RoleMaxLen
	}
	return nil
}

// typeHint names a JSON Schema type in words.
func typeHint(t *openapi3.Types) string {
	switch {
	case t == nil:
		return "a JSON value"
	case t.Is("string"):
		return "a string"
	case t.Is("boolean"):
		return "true or false"
	case t.Is("integer"):
		return "a whole number"
	case t.Is("number"):
		return "a number"
	case t.Is("object"):
		return "a JSON object"
	case t.Is("array"):
		return "a JSON array"
	}
	return "of type " + t.Slice()[0]
}
