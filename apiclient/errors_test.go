package apiclient_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

func TestAPIError_decoding(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		code        string
		rawCode     string
		inError     []string // substrings of Error()
	}{
		{"PortSIP error body", 400, "application/json",
			`{"errors":[{"code":"VALIDATE_FAILED","message":"field validation failed","detail":{"field":"username"}}]}`,
			apiclient.CodeValidateFailed, "VALIDATE_FAILED", []string{"400", "VALIDATE_FAILED", "field validation failed", `"field":"username"`}},
		{"unknown code reads as UNKNOWN", 403, "application/json",
			`{"errors":[{"code":"TENANT_SUSPENDED","message":"tenant suspended"}]}`,
			apiclient.CodeUnknown, "TENANT_SUSPENDED", []string{"403 UNKNOWN (TENANT_SUSPENDED): tenant suspended"}},
		{"unknown code without a message", 503, "application/json",
			`{"errors":[{"code":"FAULT_INJECTED"}]}`,
			apiclient.CodeUnknown, "FAULT_INJECTED", []string{"503 UNKNOWN (FAULT_INJECTED): service unavailable"}},
		{"UNKNOWN sent as such is not repeated", 500, "application/json",
			`{"errors":[{"code":"UNKNOWN","message":"boom"}]}`,
			apiclient.CodeUnknown, "UNKNOWN", []string{"500 UNKNOWN: boom"}},
		{"empty body", 401, "", ``, apiclient.CodeUnknown, "", []string{"401 UNKNOWN: unauthorized"}},
		{"HTML body", 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>",
			apiclient.CodeUnknown, "", []string{"502 UNKNOWN: bad gateway", "not a PortSIP error", "502 Bad Gateway"}},
		{"truncated JSON", 400, "application/json", `{"errors":[{"code":"VALIDATE_FA`,
			apiclient.CodeUnknown, "", []string{"400 UNKNOWN", "not a PortSIP error"}},
		{"500 with a text body", 500, "text/plain", "internal error", apiclient.CodeUnknown, "",
			[]string{"500 UNKNOWN: internal server error", "internal error"}},
		{"JSON that is not the error shape", 404, "application/json", `{"message":"no route"}`,
			apiclient.CodeUnknown, "", []string{"404 UNKNOWN: not found"}},
		{"empty errors list", 400, "application/json", `{"errors":[]}`, apiclient.CodeUnknown, "", []string{"400 UNKNOWN"}},
		{"unusual status", 599, "", ``, apiclient.CodeUnknown, "", []string{"599 UNKNOWN: unexpected status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux, _ := setup(t)
			mux.HandleFunc("/auth/sign_out", func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			err := c.SignOut(ctx, "at")
			var ae *apiclient.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %#v, want *APIError", err)
			}
			if ae.Status != tc.status || ae.Code() != tc.code || string(ae.Body) != tc.body {
				t.Errorf("APIError = status %d code %s body %q", ae.Status, ae.Code(), ae.Body)
			}
			if !strings.HasPrefix(ae.Error(), strconv.Itoa(ae.Status)+" "+ae.DisplayCode()) {
				t.Errorf("Error() = %q does not start with the display code %q", ae.Error(), ae.DisplayCode())
			}
			if tc.rawCode != "" && (len(ae.Errors) == 0 || ae.Errors[0].RawCode != tc.rawCode) {
				t.Errorf("RawCode lost: %+v", ae.Errors)
			}
			for _, want := range tc.inError {
				if !strings.Contains(ae.Error(), want) {
					t.Errorf("Error() = %q, want it to contain %q", ae.Error(), want)
				}
			}
			if errors.Is(err, apiclient.ErrNetwork) || errors.Is(err, apiclient.ErrTimeout) {
				t.Error("an API error must not read as a transport error")
			}
		})
	}
}

func TestClient_timeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RetrieveMetadata(ctx, "")
	if !errors.Is(err, apiclient.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if errors.Is(err, apiclient.ErrNetwork) {
		t.Error("a timeout also reads as ErrNetwork")
	}
	var te *apiclient.TransportError
	if !errors.As(err, &te) || !te.Timeout || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
}

// The caller's deadline, shorter than the client's timeout, bounds the call
// alone (the client then adds no timer of its own) and still reads as a timeout.
func TestClient_callerDeadlineIsATimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithTimeout(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.RetrieveMetadata(dctx, "")
	if !errors.Is(err, apiclient.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestClient_canceledIsNotTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	c, _ := apiclient.New(apiclient.WithBaseURL(srv.URL))
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := c.RetrieveMetadata(cctx, "")
	if err == nil || errors.Is(err, apiclient.ErrTimeout) {
		t.Fatalf("err = %v, want a cancellation that is not a timeout", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "cancelled") || strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("err = %q, want it named a cancellation, not a network failure", err)
	}
}

// A PBX that answers, but not with valid HTTP, was reached: the error says what
// it answered rather than "cannot reach the PBX".
func TestClient_malformedAnswerIsNotUnreachable(t *testing.T) {
	for name, answer := range map[string]string{
		"header without colon": "HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
		"not HTTP":             "garbage\r\n\r\n",
		"bad status code":      "HTTP/1.1 2x0 OK\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				buf := make([]byte, 4096)
				_, _ = c.Read(buf)
				_, _ = c.Write([]byte(answer))
			}()
			c, _ := apiclient.New(apiclient.WithBaseURL("http://" + ln.Addr().String()))
			_, err = c.RetrieveMetadata(ctx, "")
			if err == nil || !strings.Contains(err.Error(), "the PBX answered, but not with valid HTTP") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestClient_refusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := apiclient.New(apiclient.WithBaseURL("http://" + addr))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "a", Password: "secret-pw"})
	if !errors.Is(err, apiclient.ErrNetwork) || errors.Is(err, apiclient.ErrTimeout) {
		t.Fatalf("err = %v, want ErrNetwork only", err)
	}
	if !strings.Contains(err.Error(), "cannot reach the PBX") || !strings.Contains(err.Error(), addr) {
		t.Errorf("err = %q, want it to name the problem and the address", err)
	}
}

func TestClient_decodeErrorOn2xx(t *testing.T) {
	for _, body := range []string{"", "<html>", `{"role":`, `[1,2]`} {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		_, err := c.GetUserAuthInfo(ctx, "at")
		var de *apiclient.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("body %q: err = %v, want *DecodeError", body, err)
			continue
		}
		if de.Op != "getUserAuthInfo" {
			t.Errorf("Op = %q", de.Op)
		}
	}
}

func TestCheckResponse(t *testing.T) {
	ok := []*apiclient.Response{
		{Status: 200}, {Status: 204},
		{Status: 302, Exchange: &apiclient.Exchange{Operation: "loginWithMicrosoft"}},
	}
	for _, r := range ok {
		if err := apiclient.CheckResponse(r); err != nil {
			t.Errorf("status %d: %v", r.Status, err)
		}
	}
	bad := []*apiclient.Response{
		{Status: 302, Exchange: &apiclient.Exchange{Operation: "login"}}, {Status: 302}, {Status: 404}, {Status: 500},
	}
	for _, r := range bad {
		var ae *apiclient.APIError
		if err := apiclient.CheckResponse(r); !errors.As(err, &ae) || ae.Status != r.Status {
			t.Errorf("status %d: err = %v, want APIError", r.Status, err)
		}
	}
	if err := apiclient.CheckResponse(nil); err == nil {
		t.Error("nil response passed")
	}
}
