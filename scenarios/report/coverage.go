package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A documented fact the suite can check: one response of an operation, or one
// field rule. Keys tie rules (and response variants) to scenarios through their
// source: a scenario checks the item when its source names one of the keys.
type coverageDef struct {
	method, path string // empty for field rules
	item         string
	source       string
	keys         []string
}

// coverageCatalog lists PortSIP's documented responses (the reference OpenAPI and
// the guide's OAuth endpoints) and the field rules of NOTES.md.
var coverageCatalog = []coverageDef{
	{"GET", "/info", "200", "openapi", nil},
	{"GET", "/info", "4XX", "openapi", nil},
	{"POST", "/auth/sign_in", "200 token pair", "openapi", nil},
	{"POST", "/auth/sign_in", "200 two-factor challenge", "openapi", []string{"two_factor_enabled", "NOTES: 2FA"}},
	{"POST", "/auth/sign_in", "4XX", "openapi", nil},
	{"POST", "/auth/sign_in/{provider}", "200", "openapi", nil},
	{"POST", "/auth/sign_in/{provider}", "4XX", "openapi", nil},
	{"POST", "/auth/sign_out", "200", "openapi", nil},
	{"POST", "/auth/sign_out", "4XX", "openapi", nil},
	{"POST", "/auth/send_otp", "200", "openapi", nil},
	{"POST", "/auth/send_otp", "4XX", "openapi", nil},
	{"POST", "/auth/verify_otp", "200", "openapi", nil},
	{"POST", "/auth/verify_otp", "4XX", "openapi", nil},
	{"POST", "/auth/forget_password", "200", "openapi", nil},
	{"POST", "/auth/forget_password", "4XX", "openapi", nil},
	{"POST", "/auth/reset_password", "200", "openapi", nil},
	{"POST", "/auth/reset_password", "4XX", "openapi", nil},
	{"POST", "/auth/refresh_token", "200", "openapi", nil},
	{"POST", "/auth/refresh_token", "4XX", "openapi", nil},
	{"GET", "/auth/user", "200", "openapi", nil},
	{"GET", "/auth/user", "401", "openapi (no content)", nil},
	{"GET", "/login", "200", "openapi", nil},
	{"GET", "/login", "401", "openapi (no content)", nil},
	{"POST", "/login", "200", "openapi", nil},
	{"POST", "/login", "4XX", "openapi", nil},
	{"POST", "/login/by_microsoft", "302", "openapi", nil},
	{"POST", "/login/by_microsoft", "4XX", "openapi", nil},
	{"POST", "/logout", "204", "openapi", nil},
	{"POST", "/logout", "4XX", "openapi", nil},
	{"POST", "/login/oauth/token", "200 password grant (tenant user)", "guide", []string{"password grant (tenant user)"}},
	{"POST", "/login/oauth/token", "200 password grant (system administrator)", "guide", []string{"password grant (system administrator)"}},
	{"POST", "/login/oauth/token", "200 refresh grant", "guide", []string{"refresh grant"}},
	{"POST", "/login/oauth/token", "400 UNAUTHORIZED (failed login)", "guide", []string{"400 UNAUTHORIZED"}},
	{"POST", "/login/oauth/token", "400 UNKNOWN (failed refresh)", "guide", []string{"400 UNKNOWN"}},
	{"POST", "/login/oauth/revoke", "200", "guide", nil},

	{"", "", "username: 1 to 64 characters", "NOTES: field rules", []string{"username 1-64"}},
	{"", "", "username: letters, digits and _ - ' . only", "NOTES: field rules", []string{"username charset"}},
	{"", "", "username: not starting or ending with a period", "NOTES: field rules", []string{"starting or ending with ."}},
	{"", "", "username: admin, system, administrator, root are the system admin's", "NOTES: field rules", []string{"reserved names"}},
	{"", "", "domain: 1 to 280 characters", "NOTES: field rules", []string{"domain 1-280"}},
	{"", "", "domain: optional; without it a system-level account", "NOTES: field rules", []string{"no domain", "domain optional"}},
	{"", "", "forget_password: no domain for system users", "v22.6", []string{"v22.6"}},
	{"", "", "GET /auth/user: domain, role_id, role_name, capabilities", "v22.3", []string{"v22.3"}},
	{"", "", "GET /info: enable_dataflow", "seeds", []string{"enable_dataflow"}},
	{"", "", "roles: built-in or the tenant's own, at most 64 characters", "NOTES: roles", []string{"roles"}},
	{"", "", "blank fields are sent as null", "NOTES: blank fields", []string{"blank fields"}},
	{"", "", "timestamps are RFC 3339 in UTC", "NOTES: transport", []string{"RFC 3339"}},
	{"", "", "errors: VALIDATE_FAILED for a field that fails validation", "NOTES: errors", []string{"VALIDATE_FAILED"}},
	{"", "", "errors: UNAUTHORIZED for a failed login", "NOTES: errors; guide", []string{"UNAUTHORIZED"}},
	{"", "", "2FA: a challenge, the code by mail, verify_otp completes the sign-in", "NOTES: 2FA", []string{"NOTES: 2FA"}},
	{"", "", "the one-time code is valid for 10 minutes", "mail template: 2fa_verification", []string{"valid for 10 minutes"}},
	{"", "", "the reset link expires in 10 minutes", "mail template: reset_password_notification", []string{"expires in 10 minutes"}},
	{"", "", "access tokens: expires_in (1800 in PortSIP's examples)", "guide", []string{"expires_in 1800"}},
	{"", "", "Microsoft 365 sign-in per tenant", "NOTES: Microsoft 365", []string{"Microsoft 365 per tenant"}},
	{"", "", "OAuth: the fixed client_id", "guide", []string{"fixed client_id"}},
}

// CoverageItem is one documented response or field rule with the scenarios that
// check it and, after a run, how they fared.
type CoverageItem struct {
	Operation string   `json:"operation,omitempty"`
	Method    string   `json:"method,omitempty"`
	Path      string   `json:"path,omitempty"`
	Item      string   `json:"item"`
	Source    string   `json:"source"`
	Scenarios []string `json:"scenarios"`
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Skipped   int      `json:"skipped"`
}

// Gap reports whether no scenario checks the item.
func (c CoverageItem) Gap() bool { return len(c.Scenarios) == 0 }

// stepChecks is what a scenario's steps expect: method+path → expected statuses
// (a status class is 4 for 4XX; an empty list a call's documented success).
func stepChecks(steps []*scenarios.Step, out map[string][]int) {
	for _, st := range steps {
		switch st.Kind {
		case scenarios.KindInclude:
			if st.Include.Flow != nil {
				stepChecks(st.Include.Flow.Steps, out)
			}
		case scenarios.KindCall:
			if op, ok := scenarios.LookupOp(st.Call); ok {
				want := st.Expect.Status
				if len(want) == 0 {
					want = op.Success
				}
				out[op.Method+" "+op.Path] = append(out[op.Method+" "+op.Path], want...)
			}
		case scenarios.KindRequest:
			path, _, _ := strings.Cut(st.Path, "?")
			key := strings.ToUpper(st.Method) + " " + path
			if op, _, _, ok := spec.Match(strings.ToUpper(st.Method), path); ok {
				key = op.Method + " " + op.Path
			}
			out[key] = append(out[key], st.Expect.Status...)
		}
	}
}

// checksResponse tells whether expected statuses cover a documented response.
func checksResponse(item string, got []int) bool {
	code, _, _ := strings.Cut(item, " ")
	for _, g := range got {
		switch {
		case code == "4XX" && (g == 4 || g/100 == 4):
			return true
		case code != "4XX" && scenarios.StatusName(g) == code:
			return true
		}
	}
	return false
}

func sourceNames(src string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(src, k) {
			return true
		}
	}
	return false
}

// Coverage maps the catalogue of documented responses and field rules to the
// scenarios that check them; results, when given, add how those scenarios fared.
func Coverage(list []*scenarios.Scenario, results []*runner.ScenarioResult) []CoverageItem {
	status := map[*scenarios.Scenario]runner.Status{}
	for _, r := range results {
		status[r.Scenario] = r.Status
	}
	checks := make([]map[string][]int, len(list))
	for i, s := range list {
		checks[i] = map[string][]int{}
		stepChecks(s.Steps, checks[i])
	}
	out := make([]CoverageItem, 0, len(coverageCatalog))
	for _, d := range coverageCatalog {
		it := CoverageItem{Method: d.method, Path: d.path, Item: d.item, Source: d.source, Scenarios: []string{}}
		if op, _, _, ok := spec.Match(d.method, strings.ReplaceAll(d.path, "{provider}", "microsoft")); ok && d.path != "" {
			it.Operation = op.ID
		}
		for i, s := range list {
			// A mock-level scenario checks pbxauth's mock, not what PortSIP documents.
			if s.EffectiveLevel() == scenarios.LevelMock {
				continue
			}
			var hit bool
			if d.path == "" {
				hit = sourceNames(s.Source, d.keys)
			} else {
				hit = checksResponse(d.item, checks[i][d.method+" "+d.path]) && (d.keys == nil || sourceNames(s.Source, d.keys))
			}
			if !hit {
				continue
			}
			it.Scenarios = append(it.Scenarios, s.Name)
			if st, ran := status[s]; ran {
				switch st {
				case runner.StatusPassed:
					it.Passed++
				case runner.StatusSkipped:
					it.Skipped++
				default:
					it.Failed++
				}
			}
		}
		out = append(out, it)
	}
	return out
}

// WriteCoverage prints the matrix: per operation its documented responses, then the
// field rules, each with the scenarios that check it. Gaps read GAP.
func WriteCoverage(w io.Writer, items []CoverageItem, ran bool) error {
	var b strings.Builder
	b.WriteString("\nCoverage: PortSIP's documented responses and field rules, and the scenarios that check them\n")
	last, gaps, width := "\x00", 0, 0
	for _, it := range items {
		width = max(width, len(it.Item))
	}
	for _, it := range items {
		head := "Field rules"
		if it.Path != "" {
			head = it.Method + " " + it.Path
			if it.Operation != "" {
				head += " (" + it.Operation + ")"
			}
		}
		if head != last {
			fmt.Fprintf(&b, "%s\n", head)
			last = head
		}
		fmt.Fprintf(&b, "  %-*s  ", width, it.Item)
		if it.Gap() {
			gaps++
			fmt.Fprintf(&b, "GAP: no scenario checks it (%s)\n", it.Source)
			continue
		}
		names := slices.Clone(it.Scenarios)
		if len(names) > 2 {
			names = append(names[:2], fmt.Sprintf("+%d more", len(it.Scenarios)-2))
		}
		fmt.Fprintf(&b, "%s", plural(len(it.Scenarios), "scenario"))
		if ran {
			fmt.Fprintf(&b, " (%d passed, %d failed, %d skipped)", it.Passed, it.Failed, it.Skipped)
		}
		fmt.Fprintf(&b, ": %s\n", termsafe.Line(strings.Join(names, "; ")))
	}
	fmt.Fprintf(&b, "%d of %d documented items checked, %d gap(s)\n", len(items)-gaps, len(items), gaps)
	_, err := io.WriteString(w, b.String())
	return err
}
