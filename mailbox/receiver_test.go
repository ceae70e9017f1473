package mailbox

import (
	"context"
	"net"
	"net/netip"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func startReceiver(t *testing.T, opts Options) *Receiver {
	t.Helper()
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	r, err := Listen(opts)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, r.Close()) })
	return r
}

func sendMail(addr, to, msg string) error {
	return smtp.SendMail(addr, nil, "pbx@example.com", []string{to}, []byte(strings.ReplaceAll(msg, "\n", "\r\n")))
}

func TestReceiver_keepsWhatThePBXSends(t *testing.T) {
	r := startReceiver(t, Options{})
	require.NoError(t, sendMail(r.Addr(), "carol@secure.example.com", "Subject: code\n\nYour code is 123456.\n"))
	m := r.Box().Find(0, Query{To: "carol", Kind: KindOTP})
	require.NotNil(t, m)
	assert.Equal(t, "123456", m.Code)
	assert.Equal(t, []string{"carol@secure.example.com"}, m.To)
	assert.Equal(t, uint64(1), m.Seq)
}

func TestReceiver_acceptsALogin(t *testing.T) {
	r := startReceiver(t, Options{})
	// net/smtp sends PLAIN credentials in the clear only to localhost.
	_, port, _ := net.SplitHostPort(r.Addr())
	auth := smtp.PlainAuth("", "pbx", "smtp-password", "localhost")
	err := smtp.SendMail("localhost:"+port, auth, "pbx@example.com", []string{"a@example.com"}, []byte("Subject: x\r\n\r\ncode: 4321\r\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, r.Box().Len())
}

func TestReceiver_refusesAnOversizedMessage(t *testing.T) {
	r := startReceiver(t, Options{MaxMessageBytes: 1024})
	err := sendMail(r.Addr(), "a@example.com", "Subject: big\n\n"+strings.Repeat(strings.Repeat("x", 70)+"\n", 60))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "552")
	assert.Equal(t, 0, r.Box().Len())
	require.NoError(t, sendMail(r.Addr(), "a@example.com", "Subject: small\n\ncode: 4321\n"), "the receiver still serves")
}

func TestReceiver_boundsConnections(t *testing.T) {
	r := startReceiver(t, Options{MaxConns: 1})
	c1, err := smtp.Dial(r.Addr())
	require.NoError(t, err)
	defer c1.Close()
	require.NoError(t, c1.Hello("pbx"))
	c2, err := smtp.Dial(r.Addr())
	if err == nil {
		err = c2.Hello("pbx")
		c2.Close()
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "421")
	require.NoError(t, c1.Quit())
	require.Eventually(t, func() bool { return sendMail(r.Addr(), "a@example.com", "Subject: s\n\ncode: 4321\n") == nil }, 5*time.Second, 20*time.Millisecond,
		"the slot is free again once the first connection is gone")
}

func TestListen_onlyLoopbackUnlessThePBXIsNamed(t *testing.T) {
	_, err := Listen(Options{Addr: "0.0.0.0:0"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--mail-allow")

	r := startReceiver(t, Options{Addr: "127.0.0.1:0", Allow: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}})
	assert.True(t, r.allowed(&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 5}))
	assert.True(t, r.allowed(&net.TCPAddr{IP: net.ParseIP("::1"), Port: 5}))
	assert.True(t, r.allowed(&net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 5}))
	assert.False(t, r.allowed(&net.TCPAddr{IP: net.ParseIP("10.1.3.3"), Port: 5}))
	assert.False(t, r.allowed(&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 5}))
}

func TestParseURL(t *testing.T) {
	addr, err := ParseURL("smtp://127.0.0.1:2525")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:2525", addr)
	for _, bad := range []string{"127.0.0.1:2525", "http://127.0.0.1:2525", "smtp://127.0.0.1", "smtp://u:p@127.0.0.1:25", "smtp://127.0.0.1:25/x", "smtp://127.0.0.1:25?tls=1"} {
		_, err := ParseURL(bad)
		assert.Error(t, err, bad)
	}
}

func TestBox_waitFindsMailThatCameBeforeOrAfter(t *testing.T) {
	b := NewBox(0)
	q := Query{To: "carol", Kind: KindOTP}
	b.Add(&Mail{To: []string{"carol@x.example"}, Kind: KindOTP, Code: "1111"})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := b.Wait(ctx, 0, q)
	require.NoError(t, err)
	assert.Equal(t, "1111", m.Code, "mail that arrived before the wait")

	mark := b.Seq()
	go func() {
		time.Sleep(30 * time.Millisecond)
		b.Add(&Mail{To: []string{"bob@x.example"}, Kind: KindOTP, Code: "2222"})
		b.Add(&Mail{To: []string{"carol@x.example"}, Kind: KindOTP, Code: "3333"})
	}()
	m, err = b.Wait(ctx, mark, q)
	require.NoError(t, err)
	assert.Equal(t, "3333", m.Code, "mail that arrived during the wait, not an older one nor another user's")

	short, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	_, err = b.Wait(short, b.Seq(), q)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBox_keepsTheNewestUpToItsCap(t *testing.T) {
	b := NewBox(3)
	for i := 0; i < 5; i++ {
		b.Add(&Mail{Kind: KindOTP, Code: string(rune('a' + i))})
	}
	assert.Equal(t, 3, b.Len())
	assert.Equal(t, uint64(2), b.Dropped())
	assert.Equal(t, "e", b.Find(0, Query{}).Code)
	assert.Equal(t, uint64(3), b.Mails()[0].Seq)
}

func TestBox_prefersTheMailThatNamesTheDomain(t *testing.T) {
	b := NewBox(0)
	b.Add(&Mail{To: []string{"carol@one.example"}, Kind: KindOTP, Code: "1111"})
	b.Add(&Mail{To: []string{"carol@two.example"}, Kind: KindOTP, Code: "2222"})
	assert.Equal(t, "1111", b.Find(0, Query{To: "carol", Domain: "one.example"}).Code)
	assert.Equal(t, "2222", b.Find(0, Query{To: "carol", Domain: "three.example"}).Code, "a domain no mail names is no filter")
}
