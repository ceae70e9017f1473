package runner

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/apiclient"
)

func TestSpecSampler_onceByShapeNotByValue(t *testing.T) {
	p := newSpecSampler(ValidateOnce)
	ex := func(status int, body string) *apiclient.Exchange {
		return &apiclient.Exchange{Operation: "signInWithCredentials", Method: "POST", Status: status,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(body)}
	}
	assert.True(t, p.first(ex(200, `{"access_token":"a1","expires_in":1800,"ok":true}`)))
	assert.False(t, p.first(ex(200, `{ "access_token" : "b\"22", "expires_in": -3.5e2, "ok": false }`)), "same keys and kinds, other values")
	assert.True(t, p.first(ex(200, `{"access_token":"a1","expires_in":"1800","ok":true}`)), "a number became a string")
	assert.True(t, p.first(ex(200, `{"access_token":"a1","ok":true}`)), "a key went missing")
	assert.True(t, p.first(ex(401, `{"access_token":"a1","expires_in":1800,"ok":true}`)), "another status")
	assert.True(t, p.first(ex(200, `not json`)))
	assert.False(t, p.first(ex(200, `not json`)))

	assert.True(t, newSpecSampler(ValidateAll).first(ex(200, `{}`)))
	assert.False(t, newSpecSampler(ValidateOff).first(ex(200, `{}`)))
}
