package history

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// How secrets get into an exported scenario. The history is redacted, and an export
// is a file people share, so no secret value is ever written:
//   - tokens the PBX handed out (challenge, access, refresh) become captures of the
//     step that received them, and later requests use ${capture}. A session entry
//     still holds the real values, so a token is matched to the capture it came
//     from; for entries restored from disk (redacted) the newest capture of that
//     kind is used.
//   - one-time codes and reset tokens come from the mock's outbox (an outbox step
//     before the call; the scenario is tagged mock-only); off the mock they are
//     variables declared null.
//   - passwords are variables declared null (password_<user>), to be given with
//     --var: `pbxauth run` refuses to start without them and says which.

func redacted(s string) bool { return strings.Contains(s, apiclient.Redacted) }

// name returns base, or base_2, base_3... when base is taken.
func (x *exporter) name(base string) string {
	x.used[base]++
	if n := x.used[base]; n > 1 {
		return base + "_" + strconv.Itoa(n)
	}
	return base
}

func (x *exporter) nullVar(base string) string {
	v := x.name(base)
	x.nullVars = append(x.nullVars, v)
	return v
}

// tokenRef is the variable for a token sent in a request: the capture that received
// the same value, else the newest capture of that kind, else a null variable.
func (x *exporter) tokenRef(kind, value string) string {
	if !redacted(value) {
		if v, ok := x.byValue[value]; ok {
			return v
		}
	}
	if v, ok := x.latest[kind]; ok {
		return v
	}
	return x.nullVar(kind)
}

func (x *exporter) passwordVar(user, value string) string {
	if x.passwords == nil {
		x.passwords = map[string]string{}
	}
	base := "password"
	if u := varSafe(user); u != "" {
		base += "_" + u
	}
	k := user + "\x00" + value
	if redacted(value) {
		k = user + "\x00"
		// A redacted password matches any password of that user.
		for pk, v := range x.passwords {
			if strings.HasPrefix(pk, user+"\x00") {
				return v
			}
		}
	}
	if v, ok := x.passwords[k]; ok {
		return v
	}
	v := x.nullVar(base)
	x.passwords[k] = v
	return v
}

// varSafe keeps the characters a variable name may hold.
func varSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.', r == '-', r == '@':
			b.WriteRune('_')
		}
	}
	return b.String()
}

func ref(v string) string { return "${" + v + "}" }

// escape keeps a recorded value literal: $ starts a variable in scenario files.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// bodyNode writes the request fields, secrets replaced by references.
func (x *exporter) bodyNode(op string, body map[string]any) *yaml.Node {
	n := mapping()
	user, _ := body["username"].(string)
	for _, k := range slices.Sorted(maps.Keys(body)) {
		v := body[k]
		s, isStr := v.(string)
		if !apiclient.IsSecretField(k) || !isStr {
			put(n, k, value(v))
			continue
		}
		var vr string
		switch {
		case k == "password":
			vr = x.passwordVar(user, s)
		case k == "code" && op == "verifyOTP" && x.opts.Mock:
			vr = x.latest["code"]
		case k == "token" && op == "resetPassword" && x.opts.Mock:
			vr = x.latest["reset_token"]
		case k == "token" && (op == "sendOTP" || op == "verifyOTP"):
			vr = x.tokenRef("challenge", s)
		case k == "refresh_token":
			vr = x.tokenRef("refresh_token", s)
		case k == "access_token":
			vr = x.tokenRef("access_token", s)
		case k == "token" && op == "resetPassword":
			vr = x.nullVar("reset_token")
		default:
			vr = x.nullVar(varSafe(k))
		}
		put(n, k, str(ref(vr)))
	}
	return n
}

// captures records the tokens a successful answer hands out, so later steps can
// send them.
func (x *exporter) captures(ex *apiclient.Exchange) *yaml.Node {
	if ex.Status < 200 || ex.Status > 299 {
		return nil
	}
	var resp map[string]any
	if boundedjson.Unmarshal(ex.ResponseBody, &resp) != nil {
		return nil
	}
	n := mapping()
	capture := func(field, kind string) {
		s, ok := resp[field].(string)
		if !ok || s == "" {
			return
		}
		c := x.name(kind)
		x.latest[kind] = c
		if !redacted(s) {
			x.byValue[s] = c
		}
		put(n, c, str(field))
	}
	if tfa, _ := resp["two_factor_enabled"].(bool); tfa {
		capture("token", "challenge")
	}
	capture("access_token", "access_token")
	capture("refresh_token", "refresh_token")
	if len(n.Content) == 0 {
		return nil
	}
	return n
}
