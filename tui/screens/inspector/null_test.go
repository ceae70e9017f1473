package inspector

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
)

// PortSIP sends blank fields as null: the inspector shows them as JSON's null, and
// the document allows them (no spec violation), never <nil>.
func TestModel_nullFieldsShowAsNull(t *testing.T) {
	m, _ := setup(t, Options{})
	m.SetSize(100, 60)
	m.ctx.History.Append("mock", &apiclient.Exchange{
		Operation: "retrieveMetadata", Method: "GET", URL: "http://127.0.0.1:4000/api/info?domain=example.com",
		RequestHeader: http.Header{"Accept": {"application/json"}},
		Status:        200, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody: []byte(`{"web_domain":"pbx.example.net","private_ipv4":"192.168.1.10","public_ipv4":null,"enable_ipv6":false,` +
			`"private_ipv6":null,"public_ipv6":null,"primary_dns_server":null,"secondary_dns_server":null,"enable_dataflow":true,` +
			`"name":"Example Inc.","domain":"example.com","website":null,"avatar_url":null,"enable_ms365_integration":false,` +
			`"ms365_authorization_endpoint":null}`),
		Started: at, Duration: time.Millisecond,
	})
	v := view(m)
	assert.NotContains(t, v, "<nil>")
	assert.Contains(t, v, `"private_ipv6": null`)
	assert.NotContains(t, v, "Spec violations", "null is what PortSIP sends for a blank")
}

// The code exchange's secrets (code, verifier, tokens) never show, unless copied
// on purpose with secrets.
func TestModel_codeExchangeRedacted(t *testing.T) {
	m, _ := setup(t, Options{})
	m.SetSize(100, 60)
	m.ctx.History.Append("mock", &apiclient.Exchange{
		Operation: "oauthToken", Method: "POST", URL: "http://127.0.0.1:4000/api/login/oauth/token",
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody: []byte("grant_type=authorization_code&code=C0DE42&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback" +
			"&client_id=" + apiclient.OAuthClientID + "&code_verifier=VER1F1ER"),
		Status: 200, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody: []byte(`{"access_token":"ACC48","expires_in":1800,"refresh_token":"REF48","token_type":"Bearer"}`),
		Started:      at, Duration: time.Millisecond,
	})
	v := view(m)
	require.Contains(t, v, "grant_type=authorization_code")
	for _, s := range []string{"C0DE42", "VER1F1ER", "ACC48", "REF48"} {
		assert.NotContains(t, v, s)
	}
}
