package metadata

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

func setup(t *testing.T) (*Model, *mocks.API) {
	api := mocks.NewAPI(t)
	m := New(tuitest.Context(api))
	m.SetSize(80, 20)
	return m, api
}

func TestModel_Metadata_systemAndTenant(t *testing.T) {
	m, api := setup(t)
	yes := true
	api.EXPECT().RetrieveMetadata(mock.Anything, "example.com").Return(&apiclient.Metadata{
		WebDomain: "pbx.example.net", EnableDataflow: &yes, Name: "Example Inc.", Domain: "example.com",
	}, nil).Once()
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	v := m.View()
	assert.Contains(t, v, "web_domain")
	assert.Contains(t, v, "pbx.example.net")
	assert.Regexp(t, `enable_dataflow\s+true`, v)
	assert.Contains(t, v, "Tenant")
	assert.Contains(t, v, "Example Inc.")
}

func TestModel_Metadata_emptyDomainIsLeftOut(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().RetrieveMetadata(mock.Anything, "").Return(&apiclient.Metadata{WebDomain: "pbx"}, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.NotContains(t, m.View(), "Tenant")
}

func TestModel_Metadata_apiError(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().RetrieveMetadata(mock.Anything, "nope.example").Return(nil, tuitest.APIErr(404, "UNKNOWN", "tenant not found")).Once()
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "nope.example")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "404 UNKNOWN: tenant not found")
}

func TestModel_Metadata_networkError(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().RetrieveMetadata(mock.Anything, "").Return(nil, tuitest.NetErr()).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "cannot reach the PBX")
}

func TestModel_Metadata_invalidDomain(t *testing.T) {
	m, api := setup(t)
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "bad domain")
	assert.Nil(t, m.Update(tuitest.Key("enter")))
	assert.Contains(t, m.View(), "without spaces")
	api.EXPECT().RetrieveMetadata(mock.Anything, "bad domain").Return(nil, tuitest.APIErr(400, "VALIDATE_FAILED", "bad domain")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+g"))))
	assert.Contains(t, m.View(), "VALIDATE_FAILED")
}

func TestModel_Metadata_escCancelsAndLeavesTheField(t *testing.T) {
	m, _ := setup(t) // no call is expected: the request is cancelled before it runs
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "example.com")
	assert.NotNil(t, m.Update(tuitest.Key("enter")))
	assert.True(t, m.Busy())
	assert.True(t, m.Capturing())
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Busy(), "esc cancels the request")
	assert.False(t, m.Capturing(), "and leaves the field, as esc does when nothing is in flight")
	assert.Contains(t, m.View(), "cancelled")
}
