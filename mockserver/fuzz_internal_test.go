package mockserver

import (
	"sort"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// FuzzDecodeBody drives the body decoder and validator of every operation that takes
// a body: no input may panic; a refusal names a field, a rule and a message; an
// acceptance has every required field and passes the field rules.
func FuzzDecodeBody(f *testing.F) {
	rs, err := buildRoutes()
	if err != nil {
		f.Fatal(err)
	}
	var withBody []*route
	for _, r := range rs.byKey {
		if r.ctype != "" {
			withBody = append(withBody, r)
		}
	}
	sort.Slice(withBody, func(i, j int) bool { return withBody[i].id < withBody[j].id })
	for i, r := range withBody {
		switch r.ctype {
		case formType:
			f.Add(byte(i), []byte("domain=contoso.com"))
			f.Add(byte(i), []byte("domain=&domain=x"))
		default:
			f.Add(byte(i), []byte(`{"username":"bob","password":"x","domain":"example.com","token":"t","code":"123456","new_password":"p","refresh_token":"r","callback_url":"https://a.example/"}`))
			f.Add(byte(i), []byte(`{"username":"admin","domain":null}`))
			f.Add(byte(i), []byte(`{"username":7,"domain":""}`))
		}
	}
	f.Fuzz(func(t *testing.T, i byte, body []byte) {
		r := withBody[int(i)%len(withBody)]
		fields, vs := decodeBody(r, body)
		if len(vs) > 0 {
			if fields != nil {
				t.Fatalf("%s: fields returned with violations", r.id)
			}
			for _, v := range vs {
				if v.field == "" || v.rule == "" || v.message() == "" || ruleTexts[v.rule] == nil {
					t.Fatalf("%s: incomplete violation %+v", r.id, v)
				}
			}
			return
		}
		for _, name := range rules.RequiredFields(r.id) {
			if fields[name] == "" {
				t.Fatalf("%s: accepted without %s: %q", r.id, name, body)
			}
		}
		if vs := rules.Check(r.id, fields); len(vs) > 0 {
			t.Fatalf("%s: accepted a body the field rules refuse (%v): %q", r.id, vs, body)
		}
	})
}
