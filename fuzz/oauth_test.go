package fuzz

import (
	"context"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
)

// TestOAuthLifecycles_holdOnTheMock runs fixed OAuth sequences against the mock: every
// expectation the lifecycle compiles must hold there, including the ones that depend
// on what came before (a replayed code takes the pairs refreshed from it along).
func TestOAuthLifecycles_holdOnTheMock(t *testing.T) {
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFuzzer(context.Background(), Options{BaseURL: mockserver.InProcessAPIURL, Transport: mock.Transport(),
		Seed: 1, MaxExamples: 1, Mock: true, Control: mock.Control()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const v1, v2 = "verifier-one-0123456789-abcdefghijklmnopqrstuvwxyz", "verifier-two-0123456789-abcdefghijklmnopqrstuvwxyz"
	code := func(n int, arg string) action { return action{kind: actCodeExchange, pair: n, arg: arg} }
	for name, tc := range map[string]struct {
		acts []action
		want []int // the statuses, in order
	}{
		"revoke ends the access token": {
			acts: []action{{kind: actOAuthSignIn}, {kind: actWhoAmI}, {kind: actRevoke}, {kind: actWhoAmI}, {kind: actRevoke}},
			want: []int{200, 200, 200, 401, 401},
		},
		"the refresh grant rotates": {
			acts: []action{{kind: actOAuthSignIn}, {kind: actOAuthRefresh}, {kind: actOAuthRefresh}, {kind: actWhoAmI, pair: 1}},
			want: []int{200, 200, 400, 0}, // after a reused refresh token, pair 2 is the PBX's call: no step
		},
		"a code works once, with its own verifier, redirect_uri and client_id": {
			acts: []action{{kind: actCodeStart, arg: v1}, code(0, exchangeWrongVerif), {kind: actCodeStart, arg: v2}, code(1, exchangeRight),
				code(1, exchangeRight), {kind: actCodeStart, arg: v1}, code(2, exchangeWrongRedir), {kind: actCodeStart, arg: v1},
				code(3, exchangeWrongClient), {kind: actCodeStart, arg: v2}, code(4, exchangeNoVerifier)},
			want: []int{200, 302, 400, 200, 302, 200, 400, 200, 302, 400, 200, 302, 400, 200, 302, 400},
		},
		"a replayed code takes the pairs refreshed from it along": {
			acts: []action{{kind: actCodeStart, arg: v1}, code(0, exchangeRight), {kind: actOAuthRefresh}, code(0, exchangeRight),
				{kind: actRevoke, pair: 1}, {kind: actWhoAmI, pair: 1}},
			want: []int{200, 302, 200, 200, 400}, // pair 2's fate after the replay is not asserted: no step
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := &Case{Kind: KindStateful, Op: "oauthToken", Name: name, actions: tc.acts, builder: f.gen.builder()}
			c.Steps = c.builder(tc.acts)
			want := tc.want
			if n := len(want); n > 0 && want[n-1] == 0 {
				want = want[:n-1]
			}
			cr := f.t.run(context.Background(), c, f.gen.vars, f.sec)
			if cr.stopped != "" || cr.errored != nil {
				t.Fatalf("stopped %q, error %v", cr.stopped, cr.errored)
			}
			var got []int
			for _, sr := range cr.steps {
				got = append(got, sr.Exchange.Status)
				for _, fl := range sr.Failures {
					t.Errorf("step %d (%s): %s", sr.Step+1, c.Steps[sr.Step].Expect.Why, fl)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("statuses %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("statuses %v, want %v", got, want)
					break
				}
			}
		})
	}
}
