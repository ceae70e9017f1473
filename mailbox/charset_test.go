package mailbox

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/htmlindex"
)

// charsetSample holds every byte value and the lead/trail pairs of the multibyte
// charsets, so two decoders that differ anywhere differ on it.
var charsetSample = func() string {
	var b strings.Builder
	for i := range 256 {
		b.WriteByte(byte(i))
		b.WriteByte(' ')
	}
	for _, s := range []string{"\x82\xa0", "\xa4\xa2", "\x8e\xb1", "\xb0\xa1", "\x81\x30\x81\x30", "\x1b$B0!\x1b(B", "\xa4@", "\x00A\xd8\x3d\xde\x00"} {
		b.WriteString(s)
	}
	return b.String()
}()

func decodeAll(t *testing.T, r io.Reader, err error) string {
	t.Helper()
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(out)
}

// Every label decodes as the Encoding Standard's index in x/text (htmlindex,
// which x/net/html/charset uses) decodes it, whatever its case and spacing.
func TestCharsetLabels(t *testing.T) {
	labels := charsetLabels()
	require.Len(t, labels, 228, "the labels of htmlindex's table (x/text v0.28.0): with each one checked below, the same set")
	for label := range labels {
		ref, err := htmlindex.Get(label)
		require.NoError(t, err, "%q is not a label of the Encoding Standard", label)
		want := decodeAll(t, ref.NewDecoder().Reader(strings.NewReader(charsetSample)), nil)
		r, err := charsetReader(" "+strings.ToUpper(label)+"\t", strings.NewReader(charsetSample))
		assert.Equal(t, want, decodeAll(t, r, err), "label %q", label)
	}
	_, err := charsetReader("x-no-such-charset", strings.NewReader(""))
	assert.ErrorContains(t, err, `unsupported charset: "x-no-such-charset"`)
}
