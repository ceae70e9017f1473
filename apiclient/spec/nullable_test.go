package spec_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// TestValidateExchange_nullBlanks: PortSIP sends blank fields as null (NOTES.md), so an
// answer with null in its optional fields matches the document.
func TestValidateExchange_nullBlanks(t *testing.T) {
	for name, ex := range map[string]*apiclient.Exchange{
		"system metadata": exchange("GET", "/info", "", 200, `{"web_domain":"pbx.example.com","private_ipv4":null,"public_ipv4":null,
			"enable_ipv6":null,"private_ipv6":null,"public_ipv6":null,"primary_dns_server":null,"secondary_dns_server":null,"enable_dataflow":null}`),
		"tenant metadata": exchange("GET", "/info?domain=example.com", "", 200, `{"web_domain":null,"name":"T","domain":null,"website":null,
			"avatar_url":null,"enable_ms365_integration":null,"ms365_authorization_endpoint":null}`),
		"user info": withBearer(exchange("GET", "/auth/user", "", 200, `{"role":null,"password_verified":null,"password_force_reset":null,
			"domain":null,"role_id":null,"role_name":null,"capabilities":null}`)),
		"login status": exchange("GET", "/login", "", 200, `{"access_token":null,"expires_at":null,"expires_in":null,"role":null}`),
		"error detail": exchange("POST", "/auth/send_otp", `{"token":"s"}`, 400, `{"errors":[{"code":"UNKNOWN","message":"m","detail":null}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			if vs := ex.Validate(); len(vs) != 0 {
				t.Errorf("violations: %v", vs)
			}
		})
	}
}

// TestValidateExchange_nullRequiredFieldsAreRefused: null is a blank, and a required
// field may not be blank.
func TestValidateExchange_nullRequiredFieldsAreRefused(t *testing.T) {
	for name, ex := range map[string]*apiclient.Exchange{
		"token pair":    exchange("POST", "/auth/refresh_token", `{"refresh_token":"r"}`, 200, `{"token_type":"Bearer","access_token":null,"refresh_token":"rt","expires_in":1800}`),
		"challenge":     exchange("POST", "/auth/sign_in", `{"username":"carol","password":"p"}`, 200, `{"two_factor_enabled":true,"token":null}`),
		"social url":    exchange("POST", "/auth/sign_in/microsoft", `{"domain":"d","callback_url":"https://cb"}`, 200, `{"url":null}`),
		"error code":    exchange("POST", "/auth/send_otp", `{"token":"s"}`, 400, `{"errors":[{"code":null,"message":"m"}]}`),
		"metadata type": exchange("GET", "/info", "", 200, `{"enable_dataflow":"yes"}`),
	} {
		t.Run(name, func(t *testing.T) {
			if vs := ex.Validate(); len(vs) == 0 {
				t.Error("accepted")
			}
		})
	}
}

// TestDocument_optionalAnswerFieldsAreNullable walks every answer schema: an optional
// property takes null, a required one does not.
func TestDocument_optionalAnswerFieldsAreNullable(t *testing.T) {
	doc := spec.MustLoad()
	var bad []string
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.Schema)
	walk = func(where string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, alt := range s.OneOf {
			walk(where, alt.Value)
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value)
		}
		required := map[string]bool{}
		for _, r := range s.Required {
			required[r] = true
		}
		for name, p := range s.Properties {
			switch {
			case required[name] && takesNull(p.Value):
				bad = append(bad, where+"."+name+" is required but nullable")
			case !required[name] && !takesNull(p.Value):
				bad = append(bad, where+"."+name+" is optional but not nullable")
			}
			walk(where+"."+name, p.Value)
		}
	}
	for _, o := range spec.Operations() {
		op := doc.Paths.Value(o.Path).GetOperation(o.Method)
		for status, resp := range op.Responses.Map() {
			if resp.Value == nil {
				continue
			}
			for _, media := range resp.Value.Content {
				if media.Schema != nil {
					walk(o.ID+" "+status, media.Schema.Value)
				}
			}
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d answer fields:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// TestDocument_optionalRoleKeepsPortSIPLimits: the role of an answer is PortSIP's role
// field (a string of 1 to 64 characters) that may come as null.
func TestDocument_optionalRoleKeepsPortSIPLimits(t *testing.T) {
	role := spec.MustLoad().Components.Schemas["OptionalRole"].Value
	if !role.Nullable || !role.Type.Is("string") || role.MinLength != 1 || role.MaxLength == nil || *role.MaxLength != 64 {
		t.Errorf("OptionalRole: nullable=%v type=%v minLength %d maxLength set %v; want a nullable string of 1..64",
			role.Nullable, role.Type, role.MinLength, role.MaxLength != nil)
	}
}

// takesNull: nullable itself, or (OpenAPI 3.0 allows nullable only beside a type) an
// anyOf with a nullable branch, as the error detail of any JSON type is.
func takesNull(s *openapi3.Schema) bool {
	if s.Nullable {
		return true
	}
	for _, b := range s.AnyOf {
		if b.Value != nil && b.Value.Nullable {
			return true
		}
	}
	return false
}
