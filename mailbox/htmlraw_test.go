package mailbox

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// htmlSeeds are the shapes a mail's HTML takes, hostile ones included.
var htmlSeeds = []string{
	`<p>Your code is <b>123456</b> &amp; it lasts 5&nbsp;minutes.</p>`,
	`<a href="https://pbx.example/reset?token=ABC&amp;x=1">Reset</a>`,
	`<a href='https://pbx.example/r?a=1&notify=2&copy;&lang=en&not'>x</a>`,
	`<a href=https://x/?a=1&amp=2 title=">" class = "k" HREF="second">`,
	`<a =href="x" href = y / data-x=1/>`,
	`<A HREF="&#x68;ttps://x/&#39;&#0;&#xD800;&amp" target=_blank>`,
	"<a\thref\n=\r\n'x\r\ny'\f>t\r\nu\rv</a>",
	`<title>A &amp; B &notin; &notanentity; &copy</title><textarea>&lt;x&gt;</textarea>`,
	`<xmp>&amp;</xmp><iframe>&lt;</iframe><noscript>&gt;</noscript><title/>&amp;<plaintext>&amp;<p>`,
	"<style>p{}</style><script>if (a < b && c) {}</script>text\x00nul<p>&#128512;&#x1F600",
	`<!doctype html><!-- <a href="hidden"> --><p a=/>&NotEqualTilde;&nvlt;&acE;</p>`,
	`<a href="unterminated`,
	`<a href`,
	`<a/b/c d="e"f='g'h=i>`,
}

// The raw-bytes reading of tags and text gives what x/net/html's own Token gives:
// the same names, attributes and text, for any input.
func FuzzHTMLRaw(f *testing.F) {
	for _, s := range htmlSeeds {
		f.Add(s)
	}
	f.Fuzz(matchesTokenizer)
}

// Random documents from HTML's own punctuation and the start of entity names, so
// that tags, attributes and references collide often.
func TestHTMLRaw_matchesTokenizerOnRandomDocuments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "<>/=\"' \t\r\n\f&;#xX0Aa9notilcpyqmbr-!?\x00\u00e9"
	for range 20000 {
		b := make([]byte, r.IntN(48))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		matchesTokenizer(t, string(b))
	}
}

// matchesTokenizer fails unless rawTokens reads src token by token as
// x/net/html's Token does: names, attributes and text alike.
func matchesTokenizer(t *testing.T, src string) {
	ref := html.NewTokenizer(strings.NewReader(src))
	ours := newRawTokens(src)
	for n := 0; ; n++ {
		tt := ref.Next()
		want := ref.Token()
		got := ours.Next()
		require.Equal(t, tt, got.typ, "token %d of %q", n, src)
		switch tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			require.Equal(t, want.Data, got.text, "text token %d of %q", n, src)
		case html.StartTagToken, html.SelfClosingTagToken:
			require.Equal(t, want.Data, got.name, "tag %d of %q", n, src)
			var wantAttrs []htmlAttr
			for _, a := range want.Attr {
				wantAttrs = append(wantAttrs, htmlAttr{key: a.Key, val: a.Val})
			}
			require.Equal(t, wantAttrs, got.attrs(), "attributes of tag %d of %q", n, src)
		case html.EndTagToken:
			require.Equal(t, want.Data, got.name, "tag %d of %q", n, src)
		}
	}
}

// The attribute rule that html.UnescapeString lacks: a reference counts only by
// its whole name, and one without ';' before '=' stays as written.
func TestUnescapeAttr(t *testing.T) {
	for in, want := range map[string]string{
		"?a=1&notify=2":      "?a=1&notify=2",
		"?a=1&not=2":         "?a=1&not=2",
		"x&not y":            "x\u00ac y",
		"&notanentity;":      "&notanentity;",
		"&notin;&copy;":      "\u2209\u00a9",
		"&amp&lt;&#39;&#x41": "&<'A",
		"&lang=en&lang;":     "&lang=en\u27e8",
		"a&&b&;":             "a&&b&;",
	} {
		assert.Equal(t, want, unescapeAttr(in), in)
	}
}

// A mail's reset link survives an ampersand that text unescaping would eat.
func TestExtract_hrefKeepsItsQuery(t *testing.T) {
	var d doc
	d.addHTML(`<p>Reset:</p><a href="https://pbx.example/reset?token=AB12&notify=1&amp;x=2">go</a>`)
	assert.Equal(t, []string{"https://pbx.example/reset?token=AB12&notify=1&x=2"}, d.links)
	assert.Equal(t, []string{"Reset:", "go"}, d.lines)
}
