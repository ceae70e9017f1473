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

// A PBX's error message is shown under a form, wrapped, on every frame: one of
// 1 MB (10,000 lines at 100 columns) buried the form and cost tens of
// milliseconds a frame. What is shown is cut, and says by how much.
func TestDescribeError_hugeMessageIsCut(t *testing.T) {
	body := `{"errors":[{"code":"VALIDATE_FAILED","message":"` + strings.Repeat("word ", 200000) + `"}]}`
	got := DescribeError(apiclient.NewAPIError(400, []byte(body)))
	if len(got) > maxDescribed+100 {
		t.Errorf("described in %d bytes", len(got))
	}
	if !strings.HasPrefix(got, "400 VALIDATE_FAILED: word word") || !strings.Contains(got, " bytes more)") {
		t.Errorf("got %q...", got[:min(len(got), 200)])
	}
	short := DescribeError(apiclient.NewAPIError(400, []byte(`{"errors":[{"code":"VALIDATE_FAILED","message":"bad"}]}`)))
	if short != "400 VALIDATE_FAILED: bad" {
		t.Errorf("a short message changed: %q", short)
	}
}
