package forgot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
	tuimocks "github.com/pbxauth/pbxauth/tui/mocks"
)

func setup(t *testing.T) (*Model, *mocks.API) {
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	ob := tuimocks.NewOutbox(t)
	ob.EXPECT().LatestResetToken(mock.Anything, "bob").Return("rtok", nil).Maybe()
	ctx.Outbox = ob
	m := New(ctx)
	m.SetSize(80, 24)
	m.Update(tuitest.Key("tab")) // username
	return m, api
}

func TestModel_Forgot_requestThenReset(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "bob")
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "example.com")
	api.EXPECT().ForgetPassword(mock.Anything, apiclient.ForgetPassword{Username: "bob", Domain: "example.com", CallbackURL: DefaultCallback}).
		Return(nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.Equal(t, resetForm, m.active, "after the mail, the reset form is shown")
	assert.False(t, m.Capturing(), "no focus jump: the next digit switches screens, it is not typed")
	assert.Contains(t, m.View(), "if bob exists, a reset link is mailed to it", "the PBX answers alike for unknown accounts")

	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+o"))))
	assert.Equal(t, "rtok", m.forms[resetForm].Value("token"))
	assert.False(t, m.Capturing(), "filling from the outbox focuses nothing either")
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "short")
	api.EXPECT().ResetPassword(mock.Anything, apiclient.Secret("rtok"), apiclient.Secret("short")).
		Return(&apiclient.APIError{Status: 400, Errors: []apiclient.ErrorItem{{Code: "VALIDATE_FAILED", Message: "new_password must be at least 8 characters"}}}).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Regexp(t, `at least 8\s+characters`, m.View(), "policy errors are shown")
	assert.NotContains(t, m.View(), "short", "the new password stays masked")

	for range 5 {
		m.Update(tuitest.Key("backspace"))
	}
	tuitest.Type(m.Update, "Longer#2026")
	api.EXPECT().ResetPassword(mock.Anything, apiclient.Secret("rtok"), apiclient.Secret("Longer#2026")).Return(nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "password changed")
}

func TestModel_Forgot_apiError(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "nobody")
	api.EXPECT().ForgetPassword(mock.Anything, mock.Anything).Return(tuitest.APIErr(404, "UNKNOWN", "no such user")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "no such user")
	assert.Equal(t, requestForm, m.active)
}

func TestModel_Forgot_networkError(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "bob")
	api.EXPECT().ForgetPassword(mock.Anything, mock.Anything).Return(tuitest.NetErr()).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "cannot reach the PBX")
}

func TestModel_Forgot_resetOnProductionAsksFirst(t *testing.T) {
	m, api := setup(t)
	m.ctx.Target.Production = true
	m.switchForm(resetForm, 0)
	tuitest.Type(m.Update, "tok")
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "Longer#2026")
	ask, ok := m.Update(tuitest.Key("enter"))().(common.ConfirmMsg)
	require.True(t, ok)
	api.EXPECT().ResetPassword(mock.Anything, apiclient.Secret("tok"), apiclient.Secret("Longer#2026")).Return(nil).Once()
	m.Update(tuitest.Run(t, m.Update(ask.Yes)))
	assert.Contains(t, m.View(), "password changed")
}

func TestModel_Forgot_tabCrossesForms(t *testing.T) {
	m, _ := setup(t)
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("tab")) // callback_url, last of the request form
	m.Update(tuitest.Key("tab"))
	assert.Equal(t, resetForm, m.active)
	m.Update(tuitest.Key("shift+tab"))
	assert.Equal(t, requestForm, m.active)
}

func TestModel_Forgot_escCancelsAndLeavesTheField(t *testing.T) {
	m, _ := setup(t)
	tuitest.Type(m.Update, "bob")
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "example.com")
	require.NotNil(t, m.Update(tuitest.Key("enter")))
	require.True(t, m.Busy())
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Busy())
	assert.False(t, m.Capturing(), "one esc both cancels and leaves the field")
}
