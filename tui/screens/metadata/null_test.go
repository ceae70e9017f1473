package metadata

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// PortSIP sends blank fields as null: each keeps its row, shown as a blank mark,
// never as <nil> or a missing row.
func TestModel_Metadata_nullFieldsShowBlank(t *testing.T) {
	m, api := setup(t)
	md := &apiclient.Metadata{}
	require.NoError(t, boundedjson.Unmarshal([]byte(`{"web_domain":"pbx.example.net","private_ipv4":null,
		"public_ipv4":null,"enable_ipv6":null,"private_ipv6":null,"public_ipv6":null,"primary_dns_server":null,
		"secondary_dns_server":null,"enable_dataflow":null,"name":"Example Inc.","domain":"example.com",
		"website":null,"avatar_url":null,"enable_ms365_integration":null,"ms365_authorization_endpoint":null}`), md))
	api.EXPECT().RetrieveMetadata(mock.Anything, "example.com").Return(md, nil).Once()
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	v := m.View()
	assert.NotContains(t, v, "<nil>")
	for _, f := range []string{"private_ipv6", "enable_ipv6", "enable_dataflow", "website", "ms365_authorization_endpoint"} {
		assert.Regexp(t, f+`\s+—\n`, v+"\n", "%s sent as null", f)
	}
	assert.Regexp(t, `web_domain\s+pbx.example.net`, v)
}
