package cli

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pbxauth/pbxauth/mailbox"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// receivePBXMail starts --mail for run and fuzz, which read a real PBX's codes and
// links from it (the mock has its own outbox), and says where it listens. stop ends it.
func receivePBXMail(s *streams, raw string, allow []string, mock bool) (mail *runner.SMTPMail, stop func(), err error) {
	if mock {
		return nil, nil, usageErrorf("--mail receives a real PBX's mail; the mock has its own outbox: give --url")
	}
	rcv, err := startMail(raw, allow)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(s.err, "pbxauth: receiving the PBX's mail at smtp://%s (kept in memory only)\n", rcv.Addr())
	return &runner.SMTPMail{Box: rcv.Box(), Addr: rcv.Addr()}, func() { _ = rcv.Close() }, nil
}

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
