package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Defaults of a Receiver's bounds.
const (
	DefaultMaxMessageBytes = 1 << 20 // PortSIP's templates fill in to ~6 KiB
	DefaultMaxConns        = 16
	maxRecipients          = 20
	connTimeout            = 30 * time.Second
)

// Options configure a Receiver.
type Options struct {
	// Addr is host:port to listen on. A host that is not a loopback address needs
	// Allow: mail is only taken from the PBX.
	Addr string
	// Allow lists the peers besides loopback that may deliver (the PBX's address).
	Allow []netip.Prefix
	// MaxMessageBytes caps one message (DefaultMaxMessageBytes when 0).
	MaxMessageBytes int64
	// MaxMails caps the mailbox (DefaultMaxMails when 0).
	MaxMails int
	// MaxConns caps the connections served at once (DefaultMaxConns when 0).
	MaxConns int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Receiver is an SMTP server that keeps what it receives in a Box. Nothing is
// relayed: mail never leaves the process.
type Receiver struct {
	box    *Box
	srv    *smtp.Server
	ln     net.Listener
	opts   Options
	conns  chan struct{} // one token per connection served
	done   chan struct{}
	closed sync.Once
}

// ParseURL reads the --mail value: smtp://HOST:PORT. It returns host:port.
func ParseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("mail URL %q: %w", raw, err)
	}
	if u.Scheme != "smtp" || u.Host == "" || u.Port() == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("mail URL %q: want smtp://HOST:PORT (for example smtp://127.0.0.1:2525)", raw)
	}
	return u.Host, nil
}

// Listen starts a Receiver on opts.Addr.
func Listen(opts Options) (*Receiver, error) {
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, err
	}
	if !loopbackHost(host) && len(opts.Allow) == 0 {
		return nil, fmt.Errorf("mail receiver: %s is not a loopback address: name the PBX's address that may deliver (--mail-allow)", host)
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail receiver: %w", err)
	}
	r := &Receiver{box: NewBox(opts.MaxMails), ln: ln, opts: opts, conns: make(chan struct{}, opts.MaxConns), done: make(chan struct{})}
	s := smtp.NewServer(smtp.BackendFunc(r.newSession))
	s.Domain = "pbxauth.invalid"
	s.MaxMessageBytes = opts.MaxMessageBytes
	s.MaxRecipients = maxRecipients
	s.ReadTimeout, s.WriteTimeout = connTimeout, connTimeout
	// The PBX's SMTP setting may insist on a login; over loopback without TLS.
	s.AllowInsecureAuth = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	r.srv = s
	go func() {
		defer close(r.done)
		_ = s.Serve(ln)
	}()
	return r, nil
}

// Addr is the address the receiver listens on (the port chosen when it was 0).
func (r *Receiver) Addr() string { return r.ln.Addr().String() }

// Box holds the mail received.
func (r *Receiver) Box() *Box { return r.box }

// Close stops the receiver and its connections.
func (r *Receiver) Close() error {
	var err error
	r.closed.Do(func() {
		err = r.srv.Close()
		// Serve may not have registered the listener yet, and then Close missed it.
		_ = r.ln.Close()
		<-r.done
		if errors.Is(err, smtp.ErrServerClosed) {
			err = nil
		}
	})
	return err
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// allowed tells whether a peer may deliver: loopback, or an allowed prefix.
func (r *Receiver) allowed(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	if ip.IsLoopback() {
		return true
	}
	for _, p := range r.opts.Allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (r *Receiver) newSession(c *smtp.Conn) (smtp.Session, error) {
	if !r.allowed(c.Conn().RemoteAddr()) {
		return nil, &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "not accepted from this address"}
	}
	select {
	case r.conns <- struct{}{}:
	default:
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "too many connections, try again later"}
	}
	return &session{r: r}, nil
}

// session is one SMTP connection's transaction state.
type session struct {
	r    *Receiver
	rcpt []string
	out  bool // the connection token was given back
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts any login: the receiver is a test double for the PBX's mail server,
// and the credentials are neither checked nor kept.
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(string, string, string) error { return nil }), nil
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, sanitizeLine(to))
	return nil
}

func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	// go-smtp stops the data at MaxMessageBytes with a 552; the copy only reads it.
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	m, err := Parse(buf.Bytes(), s.rcpt, s.r.opts.Now())
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message not understood"}
	}
	s.r.box.Add(m)
	return nil
}

func (s *session) Reset() { s.rcpt = nil }

func (s *session) Logout() error {
	if !s.out {
		s.out = true
		<-s.r.conns
	}
	return nil
}
