package boundedjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestCheck(t *testing.T) {
	assert.NoError(t, Check([]byte(nested(MaxDepth))))
	err := Check([]byte(nested(MaxDepth + 1)))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrTooDeep))
	assert.Equal(t, "JSON nested deeper than 64 levels (at byte 64): refused", err.Error())
	assert.Error(t, Check([]byte(`{"a":`+nested(10000)+`}`)))
	// Brackets inside strings, escaped quotes included, are text.
	assert.NoError(t, Check([]byte(`{"a":"`+strings.Repeat(`[{\"`, 500)+`"}`)))
	assert.NoError(t, CheckDepth([]byte(`{"a":[{"b":1}]}`), 3))
	assert.Error(t, CheckDepth([]byte(`{"a":[{"b":[1]}]}`), 3))
}

func TestUnmarshal(t *testing.T) {
	var v map[string]any
	require.NoError(t, Unmarshal([]byte(`{"a":[1]}`), &v))
	assert.Equal(t, map[string]any{"a": []any{1.0}}, v)
	assert.ErrorIs(t, Unmarshal([]byte(nested(9990)), &v), ErrTooDeep)
	assert.False(t, Valid([]byte(nested(100))))
	assert.True(t, Valid([]byte(nested(3))))
	assert.False(t, Valid([]byte(`{`)))
}

// Check holds a counter, not a stack: a huge document costs no memory, and a
// refused one only its error.
func TestCheck_constantMemory(t *testing.T) {
	flat := []byte("[" + strings.Repeat(`{"a":[1]},`, 1<<16) + "1]")
	assert.Zero(t, testing.AllocsPerRun(3, func() { _ = Check(flat) }))
	deep := []byte(nested(1 << 20))
	assert.Equal(t, 1.0, testing.AllocsPerRun(3, func() { _ = Check(deep) }))
}

func BenchmarkCheck(b *testing.B) {
	doc := []byte(`{"errors":[{"code":"VALIDATE_FAILED","message":"` + strings.Repeat("x", 1000) + `","detail":{"a":[1,2,3]}}]}`)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		_ = Check(doc)
	}
}
