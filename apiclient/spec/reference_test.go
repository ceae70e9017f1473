package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// referenceName is PortSIP's published authentication section, kept beside the
// checkout in ../shared/reference (see NOTES.md there).
const referenceName = "portsip-auth-openapi.json"

// knownDifferences are the deliberate departures from the reference, each
// documented in NOTES.md. The test fails when one is no longer needed, so the
// list cannot go stale.
var knownDifferences = map[string]string{
	"forgetPassword required domain": "since PortSIP v22.6 system users reset without a domain (NOTES.md, field rules)",
}

// findReference walks up from the test's directory to the module root and looks
// for ../shared/reference beside it.
func findReference(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "reference", referenceName)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("PortSIP's reference document is not beside the checkout (looked for %s); "+
					"put the shared/ folder next to the repository to run this comparison", p)
			}
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("no go.mod above the test directory, so %s cannot be located", referenceName)
		}
		dir = parent
	}
}

// refDoc is the part of an OpenAPI document the comparison reads. The reference
// inlines every schema, so no $ref resolution is needed on its side.
type refDoc struct {
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type refOperation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema refSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema refSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type refSchema struct {
	Required   []string             `json:"required"`
	Properties map[string]refSchema `json:"properties"`
	OneOf      []refSchema          `json:"oneOf"`
}

// properties lists the property names of a schema and of its oneOf alternatives.
func (s refSchema) properties() []string {
	var out []string
	for name := range s.Properties {
		out = append(out, name)
	}
	for _, alt := range s.OneOf {
		out = append(out, alt.properties()...)
	}
	return out
}

func ourProperties(ref *openapi3.SchemaRef) map[string]bool {
	out := map[string]bool{}
	if ref == nil || ref.Value == nil {
		return out
	}
	for name := range ref.Value.Properties {
		out[name] = true
	}
	for _, alt := range ref.Value.OneOf {
		for name := range ourProperties(alt) {
			out[name] = true
		}
	}
	return out
}

func TestDocument_coversReference(t *testing.T) {
	path := findReference(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref refDoc
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	doc := spec.MustLoad()
	used := map[string]bool{}
	differs := func(key string) bool {
		if _, ok := knownDifferences[key]; ok {
			used[key] = true
			return true
		}
		return false
	}
	count := 0
	for p, methods := range ref.Paths {
		item := doc.Paths.Value(p)
		if item == nil {
			t.Errorf("path %s is missing", p)
			continue
		}
		for method, rawOp := range methods {
			if method == "parameters" || strings.HasPrefix(method, "x-") {
				continue
			}
			var ro refOperation
			if err := json.Unmarshal(rawOp, &ro); err != nil {
				t.Fatalf("%s %s: %v", method, p, err)
			}
			count++
			where := strings.ToUpper(method) + " " + p
			op := item.GetOperation(strings.ToUpper(method))
			if op == nil {
				t.Errorf("%s is missing", where)
				continue
			}
			if op.OperationID != ro.OperationID {
				t.Errorf("%s: operationId %q, reference says %q", where, op.OperationID, ro.OperationID)
			}
			for _, rp := range ro.Parameters {
				ours := op.Parameters.GetByInAndName(rp.In, rp.Name)
				if ours == nil {
					ours = item.Parameters.GetByInAndName(rp.In, rp.Name)
				}
				if ours == nil {
					t.Errorf("%s: %s parameter %s is missing", where, rp.In, rp.Name)
					continue
				}
				if ours.Required != rp.Required {
					t.Errorf("%s: parameter %s required=%v, reference says %v", where, rp.Name, ours.Required, rp.Required)
				}
			}
			if ro.RequestBody != nil {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					t.Errorf("%s: request body is missing", where)
					continue
				}
				for ct, media := range ro.RequestBody.Content {
					our := op.RequestBody.Value.Content.Get(ct)
					if our == nil || our.Schema == nil || our.Schema.Value == nil {
						t.Errorf("%s: request body media type %s is missing", where, ct)
						continue
					}
					props := ourProperties(our.Schema)
					for _, name := range media.Schema.properties() {
						if !props[name] {
							t.Errorf("%s: request field %s is missing", where, name)
						}
					}
					required := map[string]bool{}
					for _, r := range our.Schema.Value.Required {
						required[r] = true
					}
					for _, r := range media.Schema.Required {
						if !required[r] && !differs(ro.OperationID+" required "+r) {
							t.Errorf("%s: field %s is required by the reference but not by ours", where, r)
						}
					}
					for r := range required {
						if !contains(media.Schema.Required, r) {
							t.Errorf("%s: field %s is required by ours but not by the reference", where, r)
						}
					}
				}
			}
			for status, resp := range ro.Responses {
				ourResp := op.Responses.Value(status)
				if ourResp == nil || ourResp.Value == nil {
					t.Errorf("%s: response %s is missing", where, status)
					continue
				}
				for ct, media := range resp.Content {
					our := ourResp.Value.Content.Get(ct)
					if our == nil {
						t.Errorf("%s: response %s media type %s is missing", where, status, ct)
						continue
					}
					props := ourProperties(our.Schema)
					for _, name := range media.Schema.properties() {
						if !props[name] {
							t.Errorf("%s: response %s field %s is missing", where, status, name)
						}
					}
				}
			}
		}
	}
	if count != 14 {
		t.Errorf("the reference has %d operations, NOTES.md lists 14", count)
	}
	for key, why := range knownDifferences {
		if !used[key] {
			t.Errorf("documented difference %q (%s) no longer applies: remove it", key, why)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDocument_everyOperationHasTheErrorBodyOn4XX(t *testing.T) {
	doc := spec.MustLoad()
	errorBody := doc.Components.Schemas["ErrorBody"]
	if errorBody == nil {
		t.Fatal("components.schemas.ErrorBody is missing")
	}
	ops := spec.Operations()
	if len(ops) != 16 {
		t.Fatalf("%d operations, want 16 (PortSIP's 14 and the guide's 2)", len(ops))
	}
	for _, o := range ops {
		item := doc.Paths.Value(o.Path)
		op := item.GetOperation(o.Method)
		resp := op.Responses.Value("4XX")
		if resp == nil || resp.Value == nil {
			t.Errorf("%s: no 4XX response", o.ID)
			continue
		}
		media := resp.Value.Content.Get("application/json")
		if media == nil || media.Schema == nil || media.Schema.Value != errorBody.Value {
			t.Errorf("%s: 4XX does not answer the ErrorBody schema", o.ID)
		}
	}
	eb := errorBody.Value
	if !contains(eb.Required, "errors") {
		t.Error("ErrorBody does not require errors")
	}
	item := eb.Properties["errors"].Value.Items.Value
	for _, f := range []string{"code", "message"} {
		if !contains(item.Required, f) {
			t.Errorf("error item does not require %s", f)
		}
	}
	if _, ok := item.Properties["detail"]; !ok {
		t.Error("error item has no detail")
	}
}

func TestDocument_newerFields(t *testing.T) {
	doc := spec.MustLoad()
	for schema, fields := range map[string][]string{
		"Metadata":     {"enable_dataflow"},
		"UserAuthInfo": {"domain", "role_id", "role_name", "capabilities"},
	} {
		s := doc.Components.Schemas[schema]
		if s == nil {
			t.Errorf("schema %s is missing", schema)
			continue
		}
		for _, f := range fields {
			if _, ok := s.Value.Properties[f]; !ok {
				t.Errorf("%s.%s is missing", schema, f)
			}
		}
	}
	if typ := doc.Components.Schemas["Metadata"].Value.Properties["enable_dataflow"].Value.Type; !typ.Is("boolean") {
		t.Errorf("enable_dataflow type = %v, want boolean", typ)
	}
	if typ := doc.Components.Schemas["UserAuthInfo"].Value.Properties["capabilities"].Value.Type; !typ.Is("array") {
		t.Errorf("capabilities type = %v, want array", typ)
	}
	// The user info is what GET /auth/user answers, and the metadata what GET /info answers.
	for opPath, schema := range map[string]string{"/auth/user": "UserAuthInfo", "/info": "Metadata"} {
		got := doc.Paths.Value(opPath).Get.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
		if got != doc.Components.Schemas[schema].Value {
			t.Errorf("GET %s does not answer %s", opPath, schema)
		}
	}
}

func TestOperations(t *testing.T) {
	ids := spec.OperationIDs()
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	want := []string{"forgetPassword", "getLoginStatus", "getUserAuthInfo", "login", "loginWithMicrosoft", "logout",
		"oauthRevoke", "oauthToken", "refreshToken", "resetPassword", "retrieveMetadata", "sendOTP", "signInWithCredentials", "signInWithSocialAccount", "signOut", "verifyOTP"}
	if strings.Join(sorted, ",") != strings.Join(want, ",") {
		t.Errorf("operationIds = %v", sorted)
	}
	bearer := map[string]bool{}
	for _, o := range spec.Operations() {
		bearer[o.ID] = o.Bearer
	}
	for id, b := range bearer {
		if b != (id == "getUserAuthInfo" || id == "signOut" || id == "oauthRevoke") {
			t.Errorf("%s: Bearer = %v", id, b)
		}
	}
	op, ok := spec.OperationByID("loginWithMicrosoft")
	if !ok || op.ContentType != "application/x-www-form-urlencoded" || op.Method != "POST" || op.Path != "/login/by_microsoft" {
		t.Errorf("loginWithMicrosoft = %+v", op)
	}
	op, _ = spec.OperationByID("signInWithCredentials")
	if p, ok := op.Param("qr"); !ok || p.In != "query" || p.Type != "boolean" || p.Required {
		t.Errorf("qr = %+v", p)
	}
	if f, ok := op.Field("password"); !ok || !f.Required || f.Type != "string" {
		t.Errorf("password = %+v", f)
	}
	op, _ = spec.OperationByID("oauthToken")
	if op.ContentType != "application/x-www-form-urlencoded" || op.Method != "POST" || op.Path != "/login/oauth/token" {
		t.Errorf("oauthToken = %+v", op)
	}
	if f, ok := op.Field("grant_type"); !ok || !f.Required {
		t.Errorf("grant_type = %+v", f)
	}
	if _, ok := spec.OperationByID("nope"); ok {
		t.Error("found an unknown operation")
	}
}

func TestMatch(t *testing.T) {
	op, params, _, ok := spec.Match("post", "/auth/sign_in/microsoft/")
	if !ok || op.ID != "signInWithSocialAccount" || params["provider"] != "microsoft" {
		t.Errorf("Match = %v %v %v", op.ID, params, ok)
	}
	_, _, allowed, ok := spec.Match("DELETE", "/login")
	if ok || strings.Join(allowed, ",") != "GET,POST" {
		t.Errorf("DELETE /login: ok %v allowed %v", ok, allowed)
	}
	_, _, allowed, ok = spec.Match("GET", "/nope")
	if ok || len(allowed) != 0 {
		t.Errorf("GET /nope: ok %v allowed %v", ok, allowed)
	}
	if _, _, _, ok := spec.Match("POST", "/auth/sign_in//"); ok {
		t.Error("matched an empty path parameter")
	}
}

// TestDocument_optionalDomainIsNullableDomain: the optional domain of the sign-in and
// forget_password bodies takes null (PortSIP's blank) but otherwise keeps Domain's
// limits, and the required domains stay non-nullable.
func TestDocument_optionalDomainIsNullableDomain(t *testing.T) {
	doc := spec.MustLoad()
	dom, opt := doc.Components.Schemas["Domain"].Value, doc.Components.Schemas["OptionalDomain"].Value
	if dom.Nullable || !opt.Nullable {
		t.Errorf("Domain nullable=%v, OptionalDomain nullable=%v; want false, true", dom.Nullable, opt.Nullable)
	}
	if !opt.Type.Is("string") || opt.MinLength != dom.MinLength || *opt.MaxLength != *dom.MaxLength {
		t.Errorf("OptionalDomain drifted from Domain: type %v len %d..%d, Domain %d..%d",
			opt.Type, opt.MinLength, *opt.MaxLength, dom.MinLength, *dom.MaxLength)
	}
	for _, id := range []string{"signInWithCredentials", "login", "forgetPassword", "signInWithSocialAccount", "loginWithMicrosoft"} {
		o, _ := spec.OperationByID(id)
		op := doc.Paths.Value(o.Path).GetOperation(o.Method)
		body := op.RequestBody.Value.Content.Get(o.ContentType).Schema.Value
		f, _ := o.Field("domain")
		got := body.Properties["domain"].Value
		if want := !f.Required; got.Nullable != want {
			t.Errorf("%s: domain required=%v nullable=%v", id, f.Required, got.Nullable)
		}
		if f.Type != "string" {
			t.Errorf("%s: domain type %q", id, f.Type)
		}
	}
}
