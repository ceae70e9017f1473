package apiclient_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/hostiletest"
)

func TestClient_answerOverTheLimitIsAnErrorWithTheCutAnswer(t *testing.T) {
	for name, size := range map[string]int{"at the limit": apiclient.MaxBody, "one byte over": apiclient.MaxBody + 1, "50 MB": 50 << 20} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				chunk := []byte(strings.Repeat("x", 64<<10))
				for left := size; left > 0; left -= len(chunk) {
					if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
						return
					}
				}
			}))
			t.Cleanup(srv.Close)
			c, err := apiclient.New(apiclient.WithBaseURL(srv.URL))
			require.NoError(t, err)
			resp, err := c.Do(ctx, apiclient.Request{Method: "GET", Path: "/info"})
			require.NotNil(t, resp)
			assert.Len(t, resp.Body, min(size, apiclient.MaxBody))
			if size <= apiclient.MaxBody {
				assert.NoError(t, err)
				assert.False(t, resp.Exchange.Truncated)
				return
			}
			require.ErrorIs(t, err, apiclient.ErrTooLarge)
			assert.False(t, errors.Is(err, apiclient.ErrNetwork), "not a network failure: the PBX answered")
			assert.Equal(t, "GET /info: the answer (status 200) is larger than 1 MiB: refused, only its first 1 MiB were read", err.Error())
			assert.True(t, resp.Exchange.Truncated)
			assert.True(t, resp.Exchange.Redact().Truncated, "the mark survives redaction, so history keeps it")
		})
	}
}

func TestClient_deepJSONIsRefusedNotWalked(t *testing.T) {
	deep := strings.Repeat("[", 9990) + strings.Repeat("]", 9990)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"errors":[{"code":"X","message":"m","detail":` + deep + `}]}`))
	}))
	t.Cleanup(srv.Close)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.RetrieveMetadata(ctx, "")
	var ae *apiclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, ae.BodyErr, boundedjson.ErrTooDeep)
	assert.Contains(t, err.Error(), "400 UNKNOWN: bad request (body refused: JSON nested deeper than 64 levels")
	assert.Equal(t, `{"errors":[{"code":"X"`, apiclient.PrettyJSON([]byte(`{"errors":[{"code":"X"` + deep))[:22], "shown as it came, not indented")
}

// A PBX's headers are capped far below net/http's 10 MB: each exchange keeps
// them, in the inspector and the history.
func TestClient_hugeHeadersAreRefused(t *testing.T) {
	srv := hostiletest.Start(t)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL("bigheader")))
	require.NoError(t, err)
	for name, insecure := range map[string]bool{"default": false, "insecure": true} {
		t.Run(name, func(t *testing.T) {
			c := c
			if insecure {
				c, err = apiclient.New(apiclient.WithBaseURL(srv.URL("bigheader")), apiclient.WithInsecureSkipVerify(true))
				require.NoError(t, err)
			}
			_, err := c.RetrieveMetadata(ctx, "")
			require.ErrorIs(t, err, apiclient.ErrNetwork)
			assert.Contains(t, err.Error(), "the PBX's answer has headers larger than 64 KiB: refused")
		})
	}
}
