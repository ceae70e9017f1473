package fuzz

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// mutation breaks one rule of one field of a valid body.
type mutation struct {
	why string
	// apply changes body (a copy); it returns false when the mutation does not fit.
	apply func(r *rand.Rand, body map[string]any) bool
	// refuse: the document forbids the result, so the answer must be a 4xx, at level.
	refuse bool
	level  Level
	// target is the field the mutation is about; shrinkable: the shrinker may shorten
	// the target while it still holds a character outside the username charset.
	target     string
	shrinkable bool
}

// negativeBase is a valid body of an operation whose fields are then broken one at a
// time. Credentials are always of accounts that do not exist.
func (g *generator) negativeBase(r *rand.Rand, op opSpec) map[string]any {
	body := map[string]any{}
	for _, f := range op.Fields {
		switch f.Name {
		case "username":
			body["username"] = unknownUser(r, 4+r.IntN(10))
		case "password", "new_password":
			body[f.Name] = randPassword(r)
		case "domain":
			body["domain"] = g.domainRef(r)
		case "callback_url":
			body["callback_url"] = callbackURL
		case "token", "refresh_token":
			body[f.Name] = randToken(r)
		case "code":
			body["code"] = randString(r, "0123456789", 6)
		default:
			if f.Required || r.IntN(2) == 0 {
				body[f.Name] = validValue(r, f)
			}
		}
	}
	return body
}

// edit makes a mutation's apply from a change of the field's current string value.
func edit(name string, fn func(r *rand.Rand, cur string) any) func(*rand.Rand, map[string]any) bool {
	return func(r *rand.Rand, b map[string]any) bool {
		cur, _ := b[name].(string)
		b[name] = fn(r, cur)
		return true
	}
}

// breakers lists the ways to break field f of op.
func (g *generator) breakers(op opSpec, f fieldSpec) []mutation {
	ms := schemaBreakers(op, f)
	if f.Username {
		ms = append(ms, g.usernameBreakers(op, f)...)
	}
	if f.Name == "domain" && g.mock {
		// pbxauth's own rule (rules.Domain): no spaces or slashes in a SIP domain.
		ms = append(ms, mutation{why: "domain with a space or slash (pbxauth's mock rule)", level: LevelMock, refuse: true, target: f.Name,
			apply: edit(f.Name, func(r *rand.Rand, _ string) any {
				return insertAt(r, domainOfLen(r, 8), pick(r, []string{" ", "/", "\t"}))
			})})
	}
	if (f.Type == "string" || f.Type == "") && !f.Username {
		// Robustness only: the document sets no charset on these fields, so any 2xx or
		// 4xx is fine; a 5xx is not.
		name := f.Name
		ms = append(ms,
			mutation{why: name + " with non-ASCII characters", target: name, shrinkable: true,
				apply: edit(name, func(r *rand.Rand, cur string) any { return insertAt(r, cur, pick(r, nonASCII)+pick(r, nonASCII)) })},
			mutation{why: name + " with control characters", target: name, shrinkable: true,
				apply: edit(name, func(r *rand.Rand, cur string) any { return insertAt(r, cur, pick(r, controls)) })},
		)
	}
	return append(ms, mutation{why: f.Name + " very long", target: f.Name,
		apply: edit(f.Name, func(r *rand.Rand, _ string) any { return strings.Repeat(randString(r, alnum, 16), 64+r.IntN(1024)) })})
}

// schemaBreakers break what the schema says of a field: presence, null, type, lengths.
func schemaBreakers(op opSpec, f fieldSpec) []mutation {
	name := f.Name
	contract := func(why string, fn func(*rand.Rand, map[string]any) bool) mutation {
		return mutation{why: why, apply: fn, refuse: true, level: LevelContract, target: name}
	}
	var ms []mutation
	if f.Required {
		ms = append(ms, contract(name+" left out", func(_ *rand.Rand, b map[string]any) bool { delete(b, name); return true }))
	}
	if !op.Form {
		// A form has only strings: type and null break nothing there.
		if !f.Nullable {
			ms = append(ms, contract(name+" is null", edit(name, func(*rand.Rand, string) any { return nil })))
		}
		ms = append(ms, contract(name+" is not a string", edit(name, func(r *rand.Rand, _ string) any {
			return pick(r, []any{42, -1, 3.5, true, false, []any{}, []any{"a"}, map[string]any{}, map[string]any{"a": "b"}})
		})))
	}
	// Forgot password may answer alike for any request, so as not to tell which
	// tenants and accounts exist; a domain it does not hold to the schema's lengths
	// is harmless there: only the global checks.
	lengths := contract
	if op.ID == "forgetPassword" && name == "domain" {
		lengths = func(why string, fn func(*rand.Rand, map[string]any) bool) mutation {
			return mutation{why: why, apply: fn, target: name}
		}
	}
	if f.MinLength > 0 {
		ms = append(ms, lengths(name+" is empty (minLength 1)", edit(name, func(*rand.Rand, string) any { return "" })))
	}
	if max := f.MaxLength; max > 0 {
		ofLen := func(r *rand.Rand, n int) any {
			if f.Username {
				return unknownUser(r, n)
			}
			return domainOfLen(r, n)
		}
		ms = append(ms,
			lengths(fmt.Sprintf("%s of %d characters (maxLength %d)", name, max+1, max), edit(name, func(r *rand.Rand, _ string) any { return ofLen(r, max+1) })),
			// The boundary itself is valid: only the global checks.
			mutation{why: fmt.Sprintf("%s of %d characters (the maximum)", name, max), target: name,
				apply: edit(name, func(r *rand.Rand, _ string) any { return ofLen(r, max) })},
		)
	}
	return ms
}

// usernameBreakers break PortSIP's username rules: charset, periods, reserved names.
func (g *generator) usernameBreakers(op opSpec, f fieldSpec) []mutation {
	name := f.Name
	// Sign-in and login refuse a bad name whatever the reason; forgot password may
	// answer 200 for any account it does not have, so there the rules are advice.
	lvl := LevelContract
	if op.ID == "forgetPassword" {
		lvl = LevelRecommended
	}
	rule := func(why string, shrink bool, fn func(r *rand.Rand, cur string) any) mutation {
		return mutation{why: why, apply: edit(name, fn), refuse: true, level: lvl, target: name, shrinkable: shrink}
	}
	ms := []mutation{
		rule("username with a character outside its charset", true, func(r *rand.Rand, cur string) any { return insertAt(r, cur, pick(r, badASCII)) }),
		rule("username with a non-ASCII character", true, func(r *rand.Rand, cur string) any { return insertAt(r, cur, pick(r, nonASCII)) }),
		rule("username with a control character", true, func(r *rand.Rand, cur string) any { return insertAt(r, cur, pick(r, controls)) }),
		rule("username starting with a period", false, func(_ *rand.Rand, cur string) any { return "." + cur }),
		rule("username ending with a period", false, func(_ *rand.Rand, cur string) any { return cur + "." }),
	}
	if _, hasDomain := op.Field("domain"); hasDomain {
		m := rule("a reserved username with a tenant domain", false, nil)
		m.apply = func(r *rand.Rand, b map[string]any) bool {
			if b["domain"] == nil {
				b["domain"] = g.domainRef(r)
			}
			b[name] = flipSome(r, pick(r, []string{"admin", "system", "administrator", "root"}))
			return true
		}
		ms = append(ms, m)
	}
	return ms
}

// flipSome changes the case of some letters, so reserved names are tried in any case.
func flipSome(r *rand.Rand, s string) string {
	b := []byte(s)
	for i := range b {
		if r.IntN(3) == 0 && b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

// negative breaks one rule of one request of op.
func (g *generator) negative(r *rand.Rand, op opSpec) *Case {
	if op.ContentType == "" {
		return g.negativeNoBody(r, op)
	}
	body := g.negativeBase(r, op)
	if r.IntN(6) == 0 {
		return g.negativeWhole(r, op, body)
	}
	f := pick(r, op.Fields)
	ms := g.breakers(op, f)
	m := pick(r, ms)
	b := cloneMap(body)
	if !m.apply(r, b) {
		return nil
	}
	st := Step{Op: op.ID, Body: b, HasBody: true, shrinkField: m.target, shrinkChars: m.shrinkable}
	if op.ID == "signInWithSocialAccount" {
		st.Params = map[string]string{"provider": "microsoft"}
	}
	if op.ID == "signInWithCredentials" && r.IntN(4) == 0 {
		st.Params = map[string]string{"qr": fmt.Sprint(r.IntN(2) == 0)}
	}
	st.Expect = Expect{Why: m.why}
	if m.refuse {
		st.Expect = refused(CheckInvalidRefused, m.level, m.why)
	}
	return &Case{Kind: KindNegative, Op: op.ID, Name: m.why, Steps: []Step{st}}
}

// negativeWhole breaks the body as a whole: not JSON, not an object, the wrong media
// type, an extra field.
func (g *generator) negativeWhole(r *rand.Rand, op opSpec, body map[string]any) *Case {
	st := Step{Method: op.Method, Path: rawPath(op), Body: body, HasBody: true}
	switch r.IntN(5) {
	case 0:
		if op.Form {
			st.ContentType = "application/json"
		} else {
			st.ContentType = pick(r, []string{"text/plain", "application/x-www-form-urlencoded", "application/xml"})
		}
		// 415 is pbxauth's mock's choice; elsewhere any 2xx or 4xx will do.
		st.Expect = Expect{Why: "a body of the wrong media type (" + st.ContentType + ")"}
		if g.mock {
			st.Expect = refused(CheckInvalidRefused, LevelMock, st.Expect.Why)
		}
	case 1:
		st.RawBody = true
		st.Body = pick(r, []string{`{"username": `, `{`, `not json`, `{"a":1}}`, "\x00", `{"username":"a","password":"b",}`})
		st.ContentType = op.ContentType
		if op.Form {
			st.Expect = Expect{Why: "a form body that is not form-encoded"}
		} else {
			st.Expect = refused(CheckInvalidRefused, LevelContract, "a body that is not JSON")
		}
	case 2:
		if op.Form {
			return nil
		}
		st.Body = pick(r, []any{[]any{}, "a string", 42, nil, true})
		st.Expect = refused(CheckInvalidRefused, LevelContract, "a JSON body that is not an object")
	case 3:
		st.Op, st.Method, st.Path = op.ID, "", ""
		st.Body = cloneMap(body)
		st.Body.(map[string]any)["fz_extra_"+randString(r, lower, 4)] = pick(r, []any{"x", 1, nil, map[string]any{"a": 1}})
		st.Expect = Expect{Why: "an extra field the document does not list"}
	default:
		st.Op, st.Method, st.Path = op.ID, "", ""
		st.HasBody, st.Body = false, nil
		st.Expect = refused(CheckInvalidRefused, LevelContract, "no body at all (the body is required)")
	}
	if op.ID == "signInWithSocialAccount" && st.Op != "" {
		st.Params = map[string]string{"provider": "microsoft"}
	}
	return &Case{Kind: KindNegative, Op: op.ID, Name: st.Expect.Why, Steps: []Step{st}}
}

// rawPath is the operation's path with its parameters filled in, for raw requests.
func rawPath(op opSpec) string {
	return strings.ReplaceAll(op.Path, "{provider}", "microsoft")
}

// negativeNoBody covers operations without a body: odd parameters and headers.
func (g *generator) negativeNoBody(r *rand.Rand, op opSpec) *Case {
	switch op.ID {
	case "retrieveMetadata":
		v := pick(r, []string{
			domainOfLen(r, 281), "", insertAt(r, domainOfLen(r, 10), pick(r, nonASCII)),
			insertAt(r, domainOfLen(r, 10), pick(r, controls)), strings.Repeat("x", 4000), "../../etc/passwd", "%00",
		})
		st := Step{Params: map[string]string{"domain": v}, Expect: Expect{Why: "an odd domain query parameter"}, shrinkField: "domain", shrinkChars: true}
		return single(KindNegative, op.ID, st.Expect.Why, st)
	case "getUserAuthInfo", "signOut":
		c := g.bearerProbe(r, op)
		c.Kind = KindNegative
		return c
	}
	// Any other body-less operation: an unexpected body must not break it.
	st := Step{Method: op.Method, Path: rawPath(op), Body: map[string]any{"fz": randString(r, alnum, 8)}, HasBody: true,
		Expect: Expect{Why: "an unexpected body"}}
	return &Case{Kind: KindNegative, Op: op.ID, Name: st.Expect.Why, Steps: []Step{st}}
}

func cloneMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// usernameBroken reports whether s still breaks the username charset, so a shrunk
// value keeps the violation it was made for.
func usernameBroken(s string) bool {
	return rules.Username(s, true) != nil && s != ""
}
