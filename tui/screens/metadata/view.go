package metadata

import (
	"strings"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/components/kv"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Form.Title.Render("Metadata · GET /info") + "\n\n")
	b.WriteString(m.form.View() + "\n\n")
	switch out := m.out.View(st, m.width, m.reqs.Busy()); {
	case out != "":
		b.WriteString(out)
	case m.meta != nil:
		b.WriteString(kv.View(st, Rows(m.meta), m.width))
	default:
		b.WriteString(st.Form.Hint.Render(m.keys.Form.Submit.Help().Key + " sends the request"))
	}
	return b.String()
}

// Rows lays the metadata out as table rows: the system fields, then the tenant's.
// Every field has its row: one the PBX sent as null (PortSIP's blanks) shows as
// kv.Blank, so the person sees it was answered empty.
func Rows(md *apiclient.Metadata) []kv.Row {
	rows := []kv.Row{{Value: "System"}}
	add := func(k, v string) { rows = append(rows, kv.Row{Key: k, Value: v}) }
	add("web_domain", md.WebDomain)
	add("private_ipv4", md.PrivateIPv4)
	add("public_ipv4", md.PublicIPv4)
	add("enable_ipv6", boolText(md.EnableIPv6))
	add("private_ipv6", md.PrivateIPv6)
	add("public_ipv6", md.PublicIPv6)
	add("primary_dns_server", md.PrimaryDNSServer)
	add("secondary_dns_server", md.SecondaryDNSServer)
	add("enable_dataflow", boolText(md.EnableDataflow))
	if md.Name != "" || md.Domain != "" {
		rows = append(rows, kv.Row{Value: "Tenant"})
		add("name", md.Name)
		add("domain", md.Domain)
		add("website", md.Website)
		add("avatar_url", md.AvatarURL)
		add("enable_ms365_integration", boolText(md.EnableMS365Integration))
		add("ms365_authorization_endpoint", md.MS365AuthorizationEndpoint)
	}
	return rows
}

func boolText(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "true"
	default:
		return "false"
	}
}
