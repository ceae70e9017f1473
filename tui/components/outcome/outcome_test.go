package outcome

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
	"github.com/pbxauth/pbxauth/tui/styles"
)

func TestLine_View(t *testing.T) {
	st := styles.NoColorStyles()
	var l Line
	assert.Empty(t, l.View(&st, 40, false), "nothing to say: no line at all")
	assert.Contains(t, l.View(&st, 40, true), "waiting for the PBX", "busy wins")

	l.Info("status checked")
	assert.Contains(t, l.View(&st, 40, false), "status checked")
	assert.False(t, l.IsErr())

	l.Failed("sign in", tuitest.NetErr())
	v := l.View(&st, 40, false)
	assert.Contains(t, v, "✗ sign in: "+common.DescribeError(tuitest.NetErr())[:10], "errors go through the one describer")
	assert.True(t, l.IsErr())
	assert.NotContains(t, v, "status checked", "an error replaces the info")

	l.Clear()
	assert.True(t, l.Empty())
}

type blurrer struct{ blurred bool }

func (b *blurrer) Blur() { b.blurred = true }

func TestLeaveField(t *testing.T) {
	var l Line
	var idle, busy common.Requests
	f := &blurrer{}
	LeaveField(&l, f, &idle)
	assert.True(t, f.blurred, "esc leaves the field")
	assert.True(t, l.Empty(), "nothing was cancelled: nothing said")

	_, _ = busy.Start(context.Background(), 0)
	f = &blurrer{}
	LeaveField(&l, f, &idle, &busy)
	assert.True(t, f.blurred)
	assert.False(t, busy.Busy(), "the request in flight is cancelled")
	assert.Equal(t, "cancelled", l.Text())
}
