package common

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
)

func TestDescribeError_showsRawCodeAndHidesEchoedSecrets(t *testing.T) {
	err := &apiclient.APIError{Status: 503, Errors: []apiclient.ErrorItem{{
		Code: apiclient.CodeUnknown, RawCode: "FAULT_INJECTED", Message: "injected",
		Detail: json.RawMessage(`{"field":"password","password":"hunter2"}`),
	}}}
	got := DescribeError(err)
	if !strings.Contains(got, "UNKNOWN (FAULT_INJECTED)") {
		t.Errorf("raw code missing: %q", got)
	}
	if strings.Contains(got, "hunter2") {
		t.Errorf("secret from detail shown: %q", got)
	}
}

func TestDescribeError_transportHints(t *testing.T) {
	cases := map[string]error{
		"plain HTTP": http.ErrSchemeMismatch,
		"--insecure": &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}},
	}
	for want, cause := range cases {
		err := &apiclient.TransportError{Op: "GET /info", URL: "https://127.0.0.1:8887/api/info", Err: cause}
		if got := DescribeError(err); !strings.Contains(got, want) {
			t.Errorf("DescribeError(%v) = %q, want it to mention %q", cause, got, want)
		}
	}
	if got := DescribeError(&apiclient.TransportError{Err: errors.New("connection refused")}); strings.Contains(got, "(") {
		t.Errorf("a refused connection needs no hint: %q", got)
	}
}
