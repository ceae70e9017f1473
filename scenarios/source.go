package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// Scenario files come from colleagues and repositories: untrusted input. An include
// is read only inside the scenario root (the folder given on the command line, or the
// folder of a file given), through os.OpenRoot so that neither ../ nor a symlink can
// leave it; only regular files are read (a FIFO would block forever, /dev/zero never
// ends), at most maxSourceBytes of them; and the mistakes of an included file are
// reported by position only, never with its text.

// maxSourceBytes bounds a scenario or flow file; real ones are a few kilobytes.
const maxSourceBytes = 1 << 20

// includedMistake replaces the message of every mistake in an included file, which
// could otherwise quote the file's lines.
const includedMistake = "mistake in this included file (its text is not shown; check the file itself with pbxauth run --check)"

// readTop reads a file named on the command line (or found in a folder named there).
// The user chose it, so it may be a FIFO (run <(...)); it is still size-capped.
func readTop(loc string) ([]byte, error) {
	if strings.HasPrefix(loc, BuiltinPrefix) {
		return readSource(loc)
	}
	f, err := os.Open(loc)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, loc)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSourceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSourceBytes {
		return nil, fmt.Errorf("%s is larger than %d KiB: not a scenario file", name, maxSourceBytes>>10)
	}
	return data, nil
}

// includeLocation turns an include path into a location: relative to the including
// file, in the same place (disk or built-in), unless it names builtin: explicitly. On
// disk it must stay inside root.
func includeLocation(root, from, include string) (string, error) {
	if strings.HasPrefix(include, BuiltinPrefix) {
		return BuiltinPrefix + path.Clean(strings.TrimPrefix(include, BuiltinPrefix)), nil
	}
	if rest, ok := strings.CutPrefix(from, BuiltinPrefix); ok {
		return BuiltinPrefix + path.Join(path.Dir(rest), include), nil
	}
	if filepath.IsAbs(include) || filepath.VolumeName(include) != "" {
		return "", errors.New("an include path is relative to the including file; absolute paths are refused")
	}
	loc := filepath.Join(filepath.Dir(from), include)
	if _, err := insideRoot(root, loc); err != nil {
		return "", err
	}
	return loc, nil
}

// insideRoot is loc relative to root, or an error when loc is outside it.
func insideRoot(root, loc string) (string, error) {
	rel, err := filepath.Rel(root, loc)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("it leaves the scenario folder %s", root)
	}
	return rel, nil
}

// readInclude reads an included file on disk: inside root, a regular file, capped.
func readInclude(root, loc string) ([]byte, error) {
	if strings.HasPrefix(loc, BuiltinPrefix) {
		return readSource(loc)
	}
	rel, err := insideRoot(root, loc)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. The
	// mode check below then refuses it.
	f, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no such file in %s", root)
		}
		return nil, fmt.Errorf("cannot open it inside the scenario folder %s (a symlink out of it is refused): %w", root, errors.Unwrap(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fileKind(info.Mode()))
	}
	return readCapped(f, "the file")
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}

// quietErrors keeps the positions of an included file's mistakes and drops their
// text, which may quote the file.
func quietErrors(es Errors) Errors {
	out := make(Errors, len(es))
	for i, e := range es {
		out[i] = &Error{Pos: e.Pos, Msg: e.Msg, safe: e.safe}
		if !e.safe {
			out[i].Msg = includedMistake
		}
	}
	return out
}
