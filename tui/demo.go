package tui

import (
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
)

// DemoAccounts are the accounts of mock data d that the screens offer a newcomer
// (Options.DemoAccounts): the first of the system and of each tenant, with what
// makes the tenant worth trying.
func DemoAccounts(d *mockserver.Data) []common.DemoAccount {
	var out []common.DemoAccount
	if a := d.System.Accounts; len(a) > 0 {
		out = append(out, common.DemoAccount{Username: a[0].Username, Password: a[0].Password, Note: "system account"})
	}
	for _, t := range d.Tenants {
		if len(t.Users) == 0 {
			continue
		}
		note := ""
		switch {
		case t.TwoFactor:
			note = "2FA: code in the outbox"
		case t.MS365.Enabled:
			note = "Microsoft 365 on Social"
		}
		out = append(out, common.DemoAccount{Username: t.Users[0].Username, Password: t.Users[0].Password, Domain: t.Domain, Note: note})
	}
	return out
}
