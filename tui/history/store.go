package history

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// DefaultFileLimit bounds a profile's history file: older entries are dropped when
// the file is compacted.
const DefaultFileLimit = 500

// recordBuffer is how many entries may wait for the writer before Record drops one;
// the TUI must never wait for the disk.
const recordBuffer = 256

// maxLine bounds one stored line (an exchange with its bodies, read back at most 1 MiB each).
const maxLine = 4 << 20

// DefaultDir is where histories live: $XDG_DATA_HOME/pbxauth/history, or
// ~/.local/share/pbxauth/history when XDG_DATA_HOME is unset (the XDG default;
// Go has no os.UserDataDir).
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "pbxauth", "history"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("history: no data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "pbxauth", "history"), nil
}

// record is one line of a history file. The exchange goes through
// apiclient.Exchange's MarshalJSON, which always redacts: a file never holds a
// password, token or code.
type record struct {
	Seq      int                 `json:"seq"`
	Target   string              `json:"target"`
	At       time.Time           `json:"at"`
	Session  string              `json:"session"`
	Exchange *apiclient.Exchange `json:"exchange"`
}

// Store keeps each profile's history in <dir>/<profile>.jsonl, one redacted
// exchange per line, bounded to limit entries. Record hands entries to a writer
// goroutine, so the TUI's Update never touches the disk.
type Store struct {
	dir     string
	limit   int
	session string

	ch   chan job
	done chan struct{}

	mu      sync.Mutex
	err     error          // the last write error, told when the TUI ends (Close)
	dropped int            // entries Record could not queue
	lines   map[string]int // lines per file, counted on first write
	closed  bool

	open func(path string) (lineFile, error) // openLineFile; tests fill the disk
}

// OpenStore creates dir (0700: histories are private even redacted) and starts the
// writer. limit <= 0 means DefaultFileLimit.
func OpenStore(dir string, limit int) (*Store, error) {
	if limit <= 0 {
		limit = DefaultFileLimit
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24+)
	s := &Store{
		dir: dir, limit: limit, session: hex.EncodeToString(id[:]),
		ch: make(chan job, recordBuffer), done: make(chan struct{}), lines: map[string]int{}, open: openLineFile,
	}
	go s.write()
	return s, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Path is the file of a profile's history.
func (s *Store) Path(profile string) string {
	return filepath.Join(s.dir, fileName(profile)+".jsonl")
}

// fileName keeps a profile name safe as a file name: letters, digits, '.', '-'
// and '_' stay, the rest become '_'.
func fileName(profile string) string {
	if profile == "" {
		return "default"
	}
	b := []byte(profile)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			b[i] = '_'
		}
	}
	out := string(b)
	if strings.Trim(out, ".") == "" {
		return "default"
	}
	return out
}

// Record queues an entry for writing. It never blocks: when the writer is far
// behind, the entry is dropped and counted.
func (s *Store) Record(e Entry) {
	if e.Exchange == nil || e.Scenario != "" {
		// A scenario's exchanges belong to its run (and its report), not to the
		// profile's history.
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.ch <- job{entry: e}:
	default:
		s.dropped++
	}
}

// job is one thing for the writer: an entry to append, or (renameTo set) a
// profile's file to move, in the order they were asked for.
type job struct {
	entry    Entry
	renameTo string
}

// Rename moves profile old's history to profile new (a renamed profile keeps its
// history). Like Record it never blocks the caller: the writer does it after the
// entries already queued. Into an existing file, old's lines are appended.
func (s *Store) Rename(old, new string) {
	if fileName(old) == fileName(new) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	// Blocking here is bounded by the queue; a rename must not be dropped.
	s.ch <- job{entry: Entry{Target: old}, renameTo: new}
}

func (s *Store) rename(old, new string) error {
	from, to := s.Path(old), s.Path(new)
	delete(s.lines, from)
	delete(s.lines, to)
	data, err := os.ReadFile(from)
	if errors.Is(err, os.ErrNotExist) {
		return nil // nothing recorded yet
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := os.Stat(to); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(from, to); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		return nil
	}
	f, err := os.OpenFile(to, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return os.Remove(from)
}

// Close writes what is queued and stops the writer.
func (s *Store) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
	s.mu.Unlock()
	<-s.done
	return s.Err()
}

// Err is the last write error, nil when every entry reached the disk.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && s.dropped > 0 {
		return fmt.Errorf("history: %d entries dropped (the disk is too slow)", s.dropped)
	}
	return s.err
}

func (s *Store) write() {
	defer close(s.done)
	for j := range s.ch {
		var err error
		if j.renameTo != "" {
			err = s.rename(j.entry.Target, j.renameTo)
		} else {
			err = s.append(j.entry)
		}
		if err != nil {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
		}
	}
}

func (s *Store) append(e Entry) error {
	line, err := s.storedLine(e)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	path := s.Path(e.Target)
	n, counted := s.lines[path]
	if !counted {
		n, _ = countLines(path) // a missing file has none
	}
	if err := appendLine(s.open, path, line); err != nil {
		return err
	}
	n++
	// Compact only when well past the limit, so appends stay O(1) on average.
	if n > s.limit+s.limit/4 {
		if err := compact(path, s.limit); err != nil {
			return err
		}
		n = s.limit
	}
	s.lines[path] = n
	return nil
}

// keptBody is what is kept of each body of an exchange whose line would be
// longer than maxLine: six times that (every byte a control, \u00XX in JSON)
// for both bodies leaves room for the headers.
const keptBody = 256 << 10

// storedLine is e's record as one line Load can read back. A hostile answer of
// 1 MiB of control bytes is 6 MiB in JSON: such an exchange is kept with its
// bodies cut and marked truncated, rather than as a line too long to load.
func (s *Store) storedLine(e Entry) ([]byte, error) {
	rec := record{Seq: e.Seq, Target: e.Target, At: e.At, Session: s.session, Exchange: e.Exchange}
	line, err := json.Marshal(rec)
	if err != nil || len(line) <= maxLine {
		return line, err
	}
	// Cut what is already redacted: a cut JSON body could no longer be
	// redacted field by field.
	x := e.Exchange.Redact()
	x.RequestBody = x.RequestBody[:min(len(x.RequestBody), keptBody)]
	x.ResponseBody = x.ResponseBody[:min(len(x.ResponseBody), keptBody)]
	x.Truncated = true
	rec.Exchange = x
	if line, err = json.Marshal(rec); err == nil && len(line) > maxLine {
		err = fmt.Errorf("an exchange of %d KiB is too large to keep", len(line)>>10)
	}
	return line, err
}

func countLines(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return bytes.Count(data, []byte{'\n'}), nil
}

// compact keeps the newest limit lines, replacing the file atomically.
func compact(path string, limit int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	lines := bytes.SplitAfter(data, []byte{'\n'})
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	if len(lines) <= limit {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	_, werr := tmp.Write(bytes.Join(lines[len(lines)-limit:], nil))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("history: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("history: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// Load reads a profile's entries from earlier sessions, oldest first, at most the
// store's limit. They are redacted (that is how they were written). Lines that
// can't be read are skipped and counted in the error, which is returned with the
// good entries; a missing file is no error.
func (s *Store) Load(profile string) ([]Entry, error) {
	f, err := os.Open(s.Path(profile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	var out []Entry
	bad, err := eachLine(bufio.NewReaderSize(f, 64<<10), maxLine, func(line []byte) bool {
		var r record
		if err := boundedjson.Unmarshal(line, &r); err != nil || r.Exchange == nil {
			return false
		}
		if r.Session != s.session { // this run's entries are in the Log already
			// The file is the profile's, whatever name it had when written (renames).
			out = append(out, Entry{Seq: r.Seq, Exchange: r.Exchange, Target: profile, At: r.At})
		}
		return true
	})
	if len(out) > s.limit {
		out = out[len(out)-s.limit:]
	}
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("history: %s: %w", s.Path(profile), err))
	}
	if bad > 0 {
		errs = append(errs, fmt.Errorf("history: %s: %d unreadable line(s) skipped", s.Path(profile), bad))
	}
	return out, errors.Join(errs...)
}

// eachLine hands fn every non-blank line of r, trimmed, and counts the lines fn
// refuses and those longer than max, which are skipped whole rather than read:
// one line too long for the buffer must not cost the lines after it.
func eachLine(r *bufio.Reader, max int, fn func([]byte) bool) (bad int, err error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case tooLong:
		case len(line)+len(chunk) > max:
			tooLong, line = true, line[:0]
		default:
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if t := bytes.TrimSpace(line); tooLong || len(t) > 0 && !fn(t) {
			bad++
		}
		line, tooLong = line[:0], false
		if errors.Is(err, io.EOF) {
			return bad, nil
		}
		if err != nil {
			return bad, err
		}
	}
}
