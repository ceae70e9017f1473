package fuzz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// applies says whether a check of this level runs against the target.
func (t *target) applies(l Level) bool { return l != LevelMock || t.mock }

// judge runs every check on one answer.
func (t *target) judge(c *Case, i int, st Step, resp *apiclient.Response, prev []StepResult) []Failure {
	op := st.Op
	if op == "" {
		op = c.Op
	}
	fail := func(check string, level Level, msg string) Failure {
		return Failure{Check: check, Level: level, Source: CheckSources[check], Op: op, Step: i, Message: msg}
	}
	var out []Failure
	status := resp.Status
	got := statusText(status, resp.Body)
	if status >= 500 {
		out = append(out, fail(CheckNoServerError, LevelContract, fmt.Sprintf("%s answered %s", describe(st), got)))
	} else if ex := resp.Exchange; ex != nil && !(status/100 == 4 && len(resp.Body) == 0) {
		// An empty 4xx is fine: PortSIP gives its error shape to a 4xx "that has a
		// body", and declares the 401s of /auth/user and /login with no content.
		for _, v := range ex.Validate() {
			if v.Side == spec.SideResponse {
				out = append(out, fail(CheckConforms, LevelContract, fmt.Sprintf("%s: the answer %s breaks the document: %s", describe(st), got, v.String())))
				break
			}
		}
	}
	if status/100 == 2 && carriesToken(resp.Body) && !strings.Contains(strings.ToLower(resp.Header.Get("Cache-Control")), "no-store") {
		out = append(out, fail(CheckNoStore, LevelRecommended, fmt.Sprintf("%s answered %s with a token and Cache-Control %q", describe(st), got,
			safeText(resp.Header.Get("Cache-Control"), 80))))
	}
	if op == "login" && status/100 == 2 {
		for _, c := range resp.Header.Values("Set-Cookie") {
			if !strings.Contains(strings.ToLower(c), "httponly") {
				name, _, _ := strings.Cut(c, "=")
				out = append(out, fail(CheckCookie, LevelRecommended, fmt.Sprintf("%s set the cookie %s without HttpOnly", describe(st), safeText(name, 40))))
				break
			}
		}
	}
	e := st.Expect
	if e.Check != "" && t.applies(e.Level) && status < 500 {
		switch {
		case e.Refused && status/100 != 4:
			out = append(out, fail(e.Check, e.Level, fmt.Sprintf("%s: want a 4xx refusal, got %s", e.Why, got)))
		case e.Accepted && status/100 != 2 && !(status == http.StatusFound && op == "loginWithMicrosoft"):
			out = append(out, fail(e.Check, e.Level, fmt.Sprintf("%s: want success, got %s", e.Why, got)))
		}
	}
	if e.SameAs > 0 && e.SameAs-1 < len(prev) && prev[e.SameAs-1].Exchange != nil && status < 500 {
		first := prev[e.SameAs-1].Exchange
		if first.Status != status || !sameBody(first.ResponseBody, resp.Body, usernames(c, i, e.SameAs-1)) {
			out = append(out, fail(CheckNoEnumeration, LevelRecommended, fmt.Sprintf(
				"an unknown account got %s, a wrong password for a real one got %s", statusText(first.Status, first.ResponseBody), got)))
		}
	}
	return out
}

// usernames are the literal usernames two steps sent, blanked before bodies are compared
// (an error may name the account it was about without telling anything).
func usernames(c *Case, steps ...int) []string {
	var out []string
	for _, i := range steps {
		if b, ok := c.Steps[i].Body.(map[string]any); ok {
			if u, ok := b["username"].(string); ok && !strings.Contains(u, "${") {
				out = append(out, u)
			}
		}
	}
	return out
}

func sameBody(a, b []byte, blank []string) bool {
	norm := func(x []byte) string {
		var v any
		s := string(x)
		if json.Unmarshal(x, &v) == nil {
			n, _ := json.Marshal(v)
			s = string(n)
		}
		for _, u := range blank {
			s = strings.ReplaceAll(s, u, "")
		}
		return s
	}
	return norm(a) == norm(b)
}

// describe names a step for messages: "POST /auth/sign_in".
func describe(st Step) string {
	if st.Raw() {
		return st.Method + " " + st.Path
	}
	if op, ok := spec.OperationByID(st.Op); ok {
		return op.Method + " " + op.Path
	}
	return st.Op
}

// statusText is "400 VALIDATE_FAILED" for PortSIP errors, "500" otherwise. The code
// is untrusted text from the PBX: only a well-formed one is quoted.
func statusText(status int, body []byte) string {
	s := fmt.Sprint(status)
	var e struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 && errorCode().MatchString(e.Errors[0].Code) {
		s += " " + e.Errors[0].Code
	}
	return s
}

var errorCode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`) })

// carriesToken: the answer is a JSON object with an access or refresh token.
func carriesToken(body []byte) bool {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if s, ok := doc[k].(string); ok && s != "" {
			return true
		}
	}
	return false
}
