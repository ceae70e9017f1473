package runner

// DemoVars are the built-in suite's account variables as the mock's demo data fills
// them. They apply only when the target is pbxauth's mock (in-process, or a
// standalone one the user declared with --mock): against any other target a missing
// variable skips its scenario, since a demo account there would only produce false
// UNAUTHORIZED failures.
func DemoVars() map[string]string {
	return map[string]string{
		"username":        "alice",
		"password":        "Alice#2026",
		"domain":          "example.com",
		"system_username": "admin",
		"system_password": "Admin#2026",
		"dealer_username": "dealer1",
		"dealer_password": "Dealer#2026",
		"twofa_username":  "carol",
		"twofa_password":  "Carol#2026",
		"twofa_domain":    "secure.example.com",
		"ms365_domain":    "contoso.com",
		"no_ms365_domain": "example.com",
	}
}
