package mailbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A mail within the receiver's size cap made of code-like lines and links:
// every one was kept as a secret for the reports to hide (45,001 here), which a
// run adds one by one and then hides in every string it reports. The secrets a
// mail gives are bounded; the code it names is still among them.
func TestParse_hostileMailGivesBoundedSecrets(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: pbx@example.com\r\nTo: carol@example.com\r\nSubject: Your code\r\n\r\nYour verification code\r\n739204\r\n")
	for i := range 15000 {
		fmt.Fprintf(&b, "%06d\r\nhttps://x.example/%d?q=Q%d\r\n", 100000+i, i, i)
	}
	require.Less(t, b.Len(), 1<<20, "within the receiver's message cap")
	m, err := Parse([]byte(b.String()), nil, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "739204", m.Code)
	assert.LessOrEqual(t, len(m.Secrets), maxSecrets)
	assert.Contains(t, m.Secrets, "739204")
}
