package apiclient_test

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// setup starts a test PBX: a mux mounted under /api, as PortSIP serves it, and a
// client pointed at it. Handlers are registered on mux by each test (go-github's
// setup pattern); unregistered paths answer 404 so a wrong path fails loudly.
func setup(t *testing.T, opts ...apiclient.Option) (*apiclient.Client, *http.ServeMux, string) {
	t.Helper()
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.Handle("/api/", http.StripPrefix("/api", mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /api: %s %s", r.Method, r.URL.Path)
		http.Error(w, "not under /api", http.StatusNotFound)
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	opts = append([]apiclient.Option{apiclient.WithBaseURL(srv.URL), apiclient.WithTimeout(5 * time.Second)}, opts...)
	c, err := apiclient.New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mux, srv.URL
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

// testQuery asserts the exact query: every wanted key with its value, and nothing else.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	got := r.URL.Query()
	if len(got) != len(want) {
		t.Errorf("query = %v, want %v", got, want)
		return
	}
	for k := range want {
		if got.Get(k) != want.Get(k) {
			t.Errorf("query %s = %q, want %q", k, got.Get(k), want.Get(k))
		}
	}
}

func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

func testContentType(t *testing.T, r *http.Request, want string) {
	t.Helper()
	ct := r.Header.Get("Content-Type")
	if want == "" {
		if ct != "" {
			t.Errorf("Content-Type = %q on a request without a body", ct)
		}
		return
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != want {
		t.Errorf("Content-Type = %q, want %s", ct, want)
	}
}

// testJSONBody asserts the body is a JSON object with exactly these fields.
func testJSONBody(t *testing.T, r *http.Request, want map[string]any) {
	t.Helper()
	testContentType(t, r, "application/json")
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", raw, err)
	}
	if len(got) != len(want) {
		t.Errorf("body = %s, want fields %v", raw, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("body field %s = %#v, want %#v (body %s)", k, got[k], v, raw)
		}
	}
}

func testNoBody(t *testing.T, r *http.Request) {
	t.Helper()
	raw, _ := io.ReadAll(r.Body)
	if len(raw) != 0 {
		t.Errorf("body = %q, want none", raw)
	}
	testContentType(t, r, "")
}

func testFormBody(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	testContentType(t, r, "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatalf("ParseForm: %v", err)
	}
	if len(r.PostForm) != len(want) {
		t.Errorf("form = %v, want %v", r.PostForm, want)
	}
	for k := range want {
		if r.PostForm.Get(k) != want.Get(k) {
			t.Errorf("form %s = %q, want %q", k, r.PostForm.Get(k), want.Get(k))
		}
	}
}

func testBearer(t *testing.T, r *http.Request, token string) {
	t.Helper()
	want := ""
	if token != "" {
		want = "Bearer " + token
	}
	testHeader(t, r, "Authorization", want)
}

func testCookie(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	ck, err := r.Cookie(name)
	if want == "" {
		if err == nil {
			t.Errorf("cookie %s = %q, want none", name, ck.Value)
		}
		return
	}
	if err != nil {
		t.Errorf("cookie %s missing, want %q", name, want)
		return
	}
	if ck.Value != want {
		t.Errorf("cookie %s = %q, want %q", name, ck.Value, want)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
