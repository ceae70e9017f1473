package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// Expected outcomes shared by the flows (see mockserver: a refused bearer token or
// code is 401 UNAUTHORIZED; a failed login, a failed refresh and a field problem are
// 400, as PortSIP's guide shows them).
var (
	ok      = []string{outOK}
	refused = []string{"status 401"}
	invalid = []string{"status 400"}
)

// faultPlan is what the fault run injects and what the client must then report:
// a latency past the client's timeout is a timeout, a forced status is that status,
// a dropped connection is a network error, a share of failures is a mix.
var faultPlan = map[string]mockserver.Fault{
	"retrieveMetadata":      {Latency: mockserver.Duration(3 * time.Second)},
	"getUserAuthInfo":       {Status: 500},
	"refreshToken":          {Drop: true},
	"signInWithCredentials": {Status: 503, ErrorRate: 0.2},
}

// faultExpect replaces an operation's expected outcomes in the fault run. An
// operation is listed here only when every call of it is affected the same way.
var faultExpect = map[string][]string{
	"retrieveMetadata": {outTimeout},
	"getUserAuthInfo":  {"status 500"},
	"refreshToken":     {outNetwork},
}

// shared is the state the virtual users share: the mail flows read the outbox, so
// one runs at a time, and bob's password changes with every reset.
type shared struct {
	mail  sync.Mutex
	bobPW string
	reset int
}

// vu is one virtual user: its own client (own cookie jar) on the shared transport.
type vu struct {
	id      int
	api     *apiclient.Client
	ctl     mockserver.Controller
	st      *stats
	sh      *shared
	timeout time.Duration
	faults  bool
}

// grace is how long past its timeout a call may take before it counts as hung:
// the time to notice the deadline and unwind on a busy two-core machine, not to
// wait for the server.
func grace(timeout time.Duration) time.Duration { return max(time.Second, timeout/2) }

// call runs one client call, classifies it and records whether it was expected.
// In the fault run, the fault plan's outcomes replace the normal ones, and sign-in
// may also fail with the injected 503.
func (v *vu) call(op string, expect []string, fn func(context.Context) error) bool {
	if v.faults {
		if fe, ok := faultExpect[op]; ok {
			expect = fe
		} else if op == "signInWithCredentials" {
			expect = append(slices.Clip(expect), "status 503")
		}
	}
	start := time.Now()
	err := fn(context.Background())
	d := time.Since(start)
	out := classify(err)
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	v.st.record(op, out, slices.Contains(expect, out), d, d > v.timeout+grace(v.timeout), detail)
	return out == outOK
}

// flowTokens: sign in, who am I, refresh (rotation), who am I with the new token,
// sign out, the token is refused, and the old refresh token is refused too. The
// reuse comes last: a PBX that detects refresh-token reuse revokes the whole pair
// it led to, which would make the steps after it fail by design.
func (v *vu) flowTokens() {
	var pair *apiclient.TokenPair
	if !v.call("signInWithCredentials", ok, func(ctx context.Context) error {
		res, err := v.api.SignInWithCredentials(ctx, apiclient.Credentials{Username: "alice", Password: "Alice#2026", Domain: "example.com"})
		if err == nil {
			var isPair bool
			if pair, isPair = res.(*apiclient.TokenPair); !isPair {
				return fmt.Errorf("alice got %T, want a token pair", res)
			}
		}
		return err
	}) {
		return
	}
	v.call("getUserAuthInfo", ok, func(ctx context.Context) error {
		_, err := v.api.GetUserAuthInfo(ctx, pair.AccessToken)
		return err
	})
	first := pair
	var next *apiclient.TokenPair
	rotated := v.call("refreshToken", ok, func(ctx context.Context) error {
		var err error
		next, err = v.api.RefreshToken(ctx, pair.RefreshToken)
		return err
	})
	if rotated {
		pair = next
	}
	v.call("getUserAuthInfo", ok, func(ctx context.Context) error {
		_, err := v.api.GetUserAuthInfo(ctx, pair.AccessToken)
		return err
	})
	if v.call("signOut", ok, func(ctx context.Context) error { return v.api.SignOut(ctx, pair.AccessToken) }) {
		v.call("getUserAuthInfo", refused, func(ctx context.Context) error {
			_, err := v.api.GetUserAuthInfo(ctx, pair.AccessToken)
			return err
		})
	}
	if rotated {
		v.call("refreshToken", invalid, func(ctx context.Context) error {
			_, err := v.api.RefreshToken(ctx, first.RefreshToken)
			return err
		})
	}
	v.st.flowDone("tokens")
}

// flowInfo: system metadata, a tenant's, and an unknown tenant's (400).
func (v *vu) flowInfo() {
	for _, c := range []struct {
		domain string
		expect []string
	}{{"", ok}, {"example.com", ok}, {"unknown.invalid", invalid}} {
		v.call("retrieveMetadata", c.expect, func(ctx context.Context) error {
			_, err := v.api.RetrieveMetadata(ctx, c.domain)
			return err
		})
	}
	v.st.flowDone("info")
}

// flowBadLogin: a wrong password and an unknown user get the same 400 UNAUTHORIZED.
func (v *vu) flowBadLogin() {
	for _, c := range []apiclient.Credentials{
		{Username: "alice", Password: "Wrong#2026", Domain: "example.com"},
		{Username: "nobody", Password: "Alice#2026", Domain: "example.com"},
	} {
		v.call("signInWithCredentials", invalid, func(ctx context.Context) error {
			_, err := v.api.SignInWithCredentials(ctx, c)
			return err
		})
	}
	v.st.flowDone("bad-login")
}

// flowWeb: web session login, status, logout, and the status is then 401.
func (v *vu) flowWeb() {
	if !v.call("login", ok, func(ctx context.Context) error {
		return v.api.Login(ctx, apiclient.Credentials{Username: "alice", Password: "Alice#2026", Domain: "example.com"})
	}) {
		return
	}
	v.call("getLoginStatus", ok, func(ctx context.Context) error { _, err := v.api.GetLoginStatus(ctx); return err })
	v.call("logout", ok, func(ctx context.Context) error { return v.api.Logout(ctx) })
	v.call("getLoginStatus", refused, func(ctx context.Context) error { _, err := v.api.GetLoginStatus(ctx); return err })
	v.st.flowDone("web")
}

// flow2FA (under the mail lock): carol signs in, gets a challenge, asks for the code,
// reads it from the outbox, tries a wrong code (401), then the right one.
func (v *vu) flow2FA() {
	var ch *apiclient.TwoFactorChallenge
	if !v.call("signInWithCredentials", ok, func(ctx context.Context) error {
		res, err := v.api.SignInWithCredentials(ctx, apiclient.Credentials{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com"})
		if err == nil {
			var isCh bool
			if ch, isCh = res.(*apiclient.TwoFactorChallenge); !isCh {
				return fmt.Errorf("carol got %T, want a two-factor challenge", res)
			}
		}
		return err
	}) {
		return
	}
	if err := v.ctl.ClearOutbox(context.Background()); err != nil {
		v.st.record("control", "error", false, 0, false, err.Error())
		return
	}
	if !v.call("sendOTP", ok, func(ctx context.Context) error { return v.api.SendOTP(ctx, ch.Token) }) {
		return
	}
	m, err := v.ctl.LastMail(context.Background(), mockserver.MailFilter{Kind: mockserver.MailOTP, Username: "carol"})
	if err != nil {
		v.st.record("control", "error", false, 0, false, err.Error())
		return
	}
	wrong := "000000"
	if m.Code == wrong {
		wrong = "111111"
	}
	v.call("verifyOTP", refused, func(ctx context.Context) error {
		_, err := v.api.VerifyOTP(ctx, ch.Token, apiclient.Secret(wrong))
		return err
	})
	var pair *apiclient.TokenPair
	if !v.call("verifyOTP", ok, func(ctx context.Context) error {
		var err error
		pair, err = v.api.VerifyOTP(ctx, ch.Token, apiclient.Secret(m.Code))
		if err == nil && pair == nil {
			return fmt.Errorf("verify_otp answered no token pair")
		}
		return err
	}) {
		return
	}
	v.call("signOut", ok, func(ctx context.Context) error { return v.api.SignOut(ctx, pair.AccessToken) })
	v.st.flowDone("2fa")
}

// flowReset (under the mail lock): bob forgets his password, resets it from the
// mailed token, the token is single-use, the new password works, the old one fails.
func (v *vu) flowReset() {
	if err := v.ctl.ClearOutbox(context.Background()); err != nil {
		v.st.record("control", "error", false, 0, false, err.Error())
		return
	}
	if !v.call("forgetPassword", ok, func(ctx context.Context) error {
		return v.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "http://127.0.0.1/reset"})
	}) {
		return
	}
	m, err := v.ctl.LastMail(context.Background(), mockserver.MailFilter{Kind: mockserver.MailReset, Username: "bob"})
	if err != nil {
		v.st.record("control", "error", false, 0, false, err.Error())
		return
	}
	old := v.sh.bobPW
	v.sh.reset++
	next := fmt.Sprintf("Bob#%04d", v.sh.reset)
	if !v.call("resetPassword", ok, func(ctx context.Context) error {
		return v.api.ResetPassword(ctx, apiclient.Secret(m.Token), apiclient.Secret(next))
	}) {
		return
	}
	v.sh.bobPW = next
	v.call("resetPassword", invalid, func(ctx context.Context) error {
		return v.api.ResetPassword(ctx, apiclient.Secret(m.Token), apiclient.Secret(next+"x"))
	})
	v.call("signInWithCredentials", ok, func(ctx context.Context) error {
		_, err := v.api.SignInWithCredentials(ctx, apiclient.Credentials{Username: "bob", Password: apiclient.Secret(next), Domain: "example.com"})
		return err
	})
	v.call("signInWithCredentials", invalid, func(ctx context.Context) error {
		_, err := v.api.SignInWithCredentials(ctx, apiclient.Credentials{Username: "bob", Password: apiclient.Secret(old), Domain: "example.com"})
		return err
	})
	v.st.flowDone("reset")
}

// loop runs flows until stop closes. The mail flows share the outbox, so a user
// whose turn it is to run one takes the next plain flow instead when another user
// holds the mail lock.
func (v *vu) loop(stop <-chan struct{}) {
	plain := []func(){v.flowTokens, v.flowInfo, v.flowTokens, v.flowBadLogin, v.flowWeb}
	for i := v.id; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		if i%4 == 0 && v.sh.mail.TryLock() {
			if i%8 == 0 {
				v.flow2FA()
			} else {
				v.flowReset()
			}
			v.sh.mail.Unlock()
			continue
		}
		plain[i%len(plain)]()
	}
}
