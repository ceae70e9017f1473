package altpbx

import "slices"

// Lapse is a recommended practice (OWASP, an RFC's SHOULD) that PortSIP does not
// document: a PBX that skips it still keeps every documented fact, so the built-in
// suite must report a finding, never a failure.
type Lapse string

// The lapses altpbx can be told to make.
const (
	// LapseCookieFlags sets the web session cookie without HttpOnly and SameSite
	// (OWASP ASVS 3.4.2, 3.4.3).
	LapseCookieFlags Lapse = "cookie-flags"
	// LapseNoState leaves state out of the Microsoft sign-in URL (RFC 6749 10.12).
	LapseNoState Lapse = "no-state"
	// LapseRefreshOutlivesSignOut keeps the refresh tokens alive through sign_out
	// (OWASP ASVS 3.3.1).
	LapseRefreshOutlivesSignOut Lapse = "refresh-outlives-sign-out"
	// LapseTokenOutlivesLogout ends the web session at logout but not the access
	// token GET /login handed out for it (OWASP ASVS 3.3.1).
	LapseTokenOutlivesLogout Lapse = "token-outlives-logout"
)

// Defect breaks a documented fact, so a run of the built-in suite must fail: each
// proves that an expectation weakened to what its source says still catches a PBX
// that is really wrong.
type Defect string

// The defects altpbx can be told to have.
const (
	// DefectLogoutCrash answers POST /logout without a session with a 500 (the
	// document has 204 and 4XX).
	DefectLogoutCrash Defect = "logout-crash"
	// DefectNoSessionCookie opens a web session without a cookie, so GET /login can
	// never report it.
	DefectNoSessionCookie Defect = "no-session-cookie"
	// DefectVerifiedAsText sends password_verified as a string (a boolean in the
	// document).
	DefectVerifiedAsText Defect = "verified-as-text"
	// DefectEmptyTokenMails accepts send_otp with an empty session token.
	DefectEmptyTokenMails Defect = "empty-token-mails"
	// DefectAnyCode completes a two-factor sign-in with any code.
	DefectAnyCode Defect = "any-code"
	// DefectLinkOffCallback builds the reset link on the PBX's own address instead of
	// callback_url.
	DefectLinkOffCallback Defect = "link-off-callback"
	// DefectNoMS365Endpoint leaves ms365_authorization_endpoint out of a Microsoft
	// 365 tenant's metadata.
	DefectNoMS365Endpoint Defect = "no-ms365-endpoint"
	// DefectErrorShape answers a bad session token with an error body that is not
	// PortSIP's {"errors": [...]}.
	DefectErrorShape Defect = "error-shape"
	// DefectMS365Everywhere says enable_ms365_integration true for every tenant.
	DefectMS365Everywhere Defect = "ms365-everywhere"
)

func (s *Server) lapses(l Lapse) bool  { return slices.Contains(s.opts.Lapses, l) }
func (s *Server) broken(d Defect) bool { return slices.Contains(s.opts.Defects, d) }
