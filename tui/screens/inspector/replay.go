package inspector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// errRedacted refuses to replay an exchange whose secrets were redacted: sending
// "[REDACTED]" as a password or token would test nothing.
var errRedacted = errors.New("this exchange holds redacted secrets (it is from an earlier session); only this session's exchanges can be replayed")

// fields reads a JSON or form body into strings.
func fields(ex *apiclient.Exchange) map[string]string {
	out := map[string]string{}
	if strings.HasPrefix(ex.RequestHeader.Get("Content-Type"), "application/x-www-form-urlencoded") {
		vals, _ := url.ParseQuery(string(ex.RequestBody))
		for k := range vals {
			out[k] = vals.Get(k)
		}
		return out
	}
	var m map[string]any
	if boundedjson.Unmarshal(ex.RequestBody, &m) != nil {
		return out
	}
	for k, v := range m {
		switch t := v.(type) {
		case string:
			out[k] = t
		case nil:
		default:
			b, _ := json.Marshal(t)
			out[k] = string(b)
		}
	}
	return out
}

func bearer(ex *apiclient.Exchange) apiclient.Secret {
	if a := ex.RequestHeader.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		return apiclient.Secret(strings.TrimPrefix(a, "Bearer "))
	}
	return ""
}

// mutates reports whether replaying op changes state on the PBX (a production
// profile asks first).
func mutates(ex *apiclient.Exchange) bool {
	return ex.Method != http.MethodGet && ex.Method != http.MethodHead
}

// replayable checks an exchange can be sent again as it was.
func replayable(ex *apiclient.Exchange) error {
	if ex == nil {
		return errors.New("nothing selected")
	}
	if ex.Operation == "" {
		return fmt.Errorf("%s %s is not one of the API's operations; it can't be replayed", ex.Method, apiclient.RedactURL(ex.URL))
	}
	if strings.Contains(string(ex.RequestBody), apiclient.Redacted) || strings.Contains(ex.RequestHeader.Get("Authorization"), apiclient.Redacted) {
		return errRedacted
	}
	return nil
}

// replay sends the exchange's request again through the typed client, so the new
// exchange reaches the history through the client's observer like any other.
func replay(ctx context.Context, api apiclient.API, ex *apiclient.Exchange) (string, error) {
	f := fields(ex)
	creds := func() apiclient.Credentials {
		return apiclient.Credentials{Username: f["username"], Password: apiclient.Secret(f["password"]), Domain: f["domain"]}
	}
	u, _ := url.Parse(ex.URL)
	var q url.Values
	if u != nil {
		q = u.Query()
	}
	switch ex.Operation {
	case "retrieveMetadata":
		_, err := api.RetrieveMetadata(ctx, q.Get("domain"))
		return "metadata", err
	case "signInWithCredentials":
		c := creds()
		c.QR = q.Get("qr") == "true"
		res, err := api.SignInWithCredentials(ctx, c)
		if _, ok := res.(*apiclient.TwoFactorChallenge); ok {
			return "a two-factor challenge", err
		}
		return "a token pair", err
	case "signInWithSocialAccount":
		provider := ""
		if u != nil {
			provider = u.Path[strings.LastIndex(u.Path, "/")+1:]
		}
		_, err := api.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: provider, Domain: f["domain"], CallbackURL: f["callback_url"]})
		return "the IdP address", err
	case "sendOTP":
		return "a code mailed", api.SendOTP(ctx, apiclient.Secret(f["token"]))
	case "verifyOTP":
		_, err := api.VerifyOTP(ctx, apiclient.Secret(f["token"]), apiclient.Secret(f["code"]))
		return "a token pair", err
	case "forgetPassword":
		return "a reset mail", api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: f["domain"], Username: f["username"], CallbackURL: f["callback_url"]})
	case "resetPassword":
		return "the password reset", api.ResetPassword(ctx, apiclient.Secret(f["token"]), apiclient.Secret(f["new_password"]))
	case "refreshToken":
		_, err := api.RefreshToken(ctx, apiclient.Secret(f["refresh_token"]))
		return "a new token pair", err
	case "getUserAuthInfo":
		_, err := api.GetUserAuthInfo(ctx, bearer(ex))
		return "the user's info", err
	case "signOut":
		return "signed out", api.SignOut(ctx, bearer(ex))
	case "getLoginStatus":
		_, err := api.GetLoginStatus(ctx)
		return "the login status", err
	case "login":
		return "a web session", api.Login(ctx, creds())
	case "loginWithMicrosoft":
		_, err := api.LoginWithMicrosoft(ctx, f["domain"])
		return "the redirect", err
	case "logout":
		return "logged out", api.Logout(ctx)
	}
	return "", fmt.Errorf("unknown operation %q", ex.Operation)
}
