package history

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullDisk writes part of what it is given, then fails as a full disk does.
type fullDisk struct {
	*os.File
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) <= d.room {
		d.room -= len(p)
		return d.File.Write(p)
	}
	n, _ := d.File.Write(p[:d.room])
	d.room = 0
	return n, &os.PathError{Op: "write", Path: d.Name(), Err: syscall.ENOSPC}
}

func TestAppendLine_aFailedWriteLeavesNoPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jsonl")
	require.NoError(t, appendLine(openLineFile, path, []byte(`{"seq":1}`)))
	full := func(p string) (lineFile, error) {
		f, err := openLineFile(p)
		if err != nil {
			return nil, err
		}
		return &fullDisk{File: f.(*os.File), room: 5}, nil
	}
	err := appendLine(full, path, []byte(`{"seq":2,"a":"long enough to be cut"}`))
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.NoError(t, appendLine(openLineFile, path, []byte(`{"seq":3}`)))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{\"seq\":1}\n{\"seq\":3}\n", string(data), "the cut record is gone, the next one whole")
}

func TestAppendLine_anUnfinishedLastLineIsClosedFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("{\"seq\":1}\n{\"seq\":2,\"cut"), 0o600))
	require.NoError(t, appendLine(openLineFile, path, []byte(`{"seq":3}`)))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{\"seq\":1}\n{\"seq\":2,\"cut\n{\"seq\":3}\n", string(data), "only the broken line is lost")
}
