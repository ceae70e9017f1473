package cli

import (
	"net/netip"
	"strings"

	"github.com/pbxauth/pbxauth/mailbox"
)

// startMail starts the SMTP receiver of --mail, allowing the --mail-allow peers.
func startMail(raw string, allow []string) (*mailbox.Receiver, error) {
	addr, err := mailbox.ParseURL(raw)
	if err != nil {
		return nil, usageErrorf("--mail: %v", err)
	}
	opts := mailbox.Options{Addr: addr}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, ipErr := netip.ParseAddr(a)
			if ipErr != nil {
				return nil, usageErrorf("--mail-allow %q: want an IP address or a CIDR prefix", a)
			}
			p = netip.PrefixFrom(ip, ip.BitLen())
		}
		opts.Allow = append(opts.Allow, p)
	}
	rcv, err := mailbox.Listen(opts)
	if err != nil {
		return nil, usageErrorf("--mail: %v", err)
	}
	return rcv, nil
}
