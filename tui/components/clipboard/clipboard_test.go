package clipboard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOSC52_Copy_writesOneSequence(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, NewOSC52(&buf).Copy("curl 'http://x'"))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("curl 'http://x'")) + "\x07"
	assert.Equal(t, want, buf.String())
}

func TestOSC52_Copy_unavailable(t *testing.T) {
	var o *OSC52
	assert.ErrorIs(t, o.Copy("x"), ErrUnavailable)
	assert.ErrorIs(t, NewOSC52(nil).Copy("x"), ErrUnavailable)
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestOSC52_Copy_writeError(t *testing.T) {
	assert.ErrorContains(t, NewOSC52(failing{}).Copy("x"), "closed")
}
