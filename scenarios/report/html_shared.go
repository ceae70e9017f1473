package report

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"

	"github.com/pbxauth/pbxauth/apiclient"
)

// HTMLPageStyle is what another self-contained report (pbxauth fuzz's) needs to look
// like this one and keep its guarantees: the same style sheet, and a
// Content-Security-Policy that allows that style sheet and nothing else.
type HTMLPageStyle struct {
	CSS template.CSS
	CSP string
}

// SharedHTMLStyle returns the run report's style sheet and policy.
func SharedHTMLStyle() HTMLPageStyle {
	sum := sha256.Sum256([]byte(htmlReportCSS))
	return HTMLPageStyle{
		CSS: template.CSS(htmlReportCSS), //nolint:gosec // our own constant style sheet
		CSP: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"img-src 'none'; base-uri 'none'; form-action 'none'",
	}
}

// HTMLExchangeText lays out a redacted exchange for an HTML page the way the run
// report does: cut when long, control and bidi characters dropped.
func HTMLExchangeText(ex *apiclient.Exchange) string {
	if r := renderExchange(ex); r != nil {
		return r.Text
	}
	return ""
}
