package history

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// lineFile is what appendLine needs of a history file; tests stand in a disk
// that fills up.
type lineFile interface {
	io.Writer
	io.ReaderAt
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
	Close() error
}

func openLineFile(path string) (lineFile, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_RDWR, 0o600)
}

// appendLine adds one record to a history file so that a failed write can't
// corrupt the next one: the record goes out in one write, a write that fails
// part-way (disk full) is cut back to where the file ended, and a file whose
// last line was left unfinished anyway (a crash, a failed cut) gets a line break
// first, so that line alone is lost and Load skips it.
func appendLine(open func(string) (lineFile, error), path string, line []byte) error {
	f, err := open(path)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		return errors.Join(fmt.Errorf("history: %w", err), f.Close())
	}
	size := info.Size()
	buf := make([]byte, 0, len(line)+2)
	if size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err == nil && last[0] != '\n' {
			buf = append(buf, '\n')
		}
	}
	buf = append(append(buf, line...), '\n')
	if _, werr := f.Write(buf); werr != nil {
		// Cut the partial record, so the next append starts on a clean line.
		terr := f.Truncate(size)
		return errors.Join(fmt.Errorf("history: %w", werr), terr, f.Close())
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}
