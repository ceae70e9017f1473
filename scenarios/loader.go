package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// builtinFS holds the built-in suite: scenarios at the top, shared flows in flows/.
//
//go:embed builtin
var builtinFS embed.FS

// BuiltinPrefix starts the names of embedded files ("builtin:signin.yaml"). A user
// file can include a built-in flow by that name.
const BuiltinPrefix = "builtin:"

// Loader reads scenario files and the flows they include, parsing each flow once.
// It is safe for concurrent use.
type Loader struct {
	mu    sync.Mutex
	flows map[string]*Flow
	// failed holds why a flow could not be loaded, so a broken flow included
	// many times (twice at each of forty levels is 2^40) is parsed once.
	failed map[string]error
}

// NewLoader returns an empty Loader.
func NewLoader() *Loader { return &Loader{flows: map[string]*Flow{}, failed: map[string]error{}} }

// LoadBuiltin returns the built-in suite, sorted by file and position.
func LoadBuiltin() ([]*Scenario, error) { return NewLoader().Builtin() }

// LoadPaths reads scenarios from files and directories (recursively, *.yaml and
// *.yml). Flow documents are not scenarios and are left out.
func LoadPaths(paths ...string) ([]*Scenario, error) { return NewLoader().Paths(paths...) }

// Builtin reads the embedded suite.
func (l *Loader) Builtin() ([]*Scenario, error) {
	var files []string
	err := fs.WalkDir(builtinFS, "builtin", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isYAML(p) {
			files = append(files, BuiltinPrefix+strings.TrimPrefix(p, "builtin/"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l.files(files, nil, nil)
}

// Paths reads files and directories given on the command line. Each is the scenario
// root of its files: includes must stay inside the folder given, or inside the
// folder of a file given. A file found in a folder is read as an include is (a
// regular file inside the folder, no symlink out of it): a cloned folder must not
// read ~/.aws/credentials through a link named x.yaml, nor hang on a FIFO.
func (l *Loader) Paths(paths ...string) ([]*Scenario, error) {
	var files []string
	roots := map[string]string{}
	walked := map[string]bool{}
	for _, p := range paths {
		if strings.HasPrefix(p, BuiltinPrefix) {
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			roots[p] = filepath.Dir(p)
			continue
		}
		err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isYAML(fp) {
				files = append(files, fp)
				roots[fp], walked[fp] = p, true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
	}
	return l.files(files, roots, walked)
}

func (l *Loader) files(files []string, roots map[string]string, walked map[string]bool) ([]*Scenario, error) {
	sort.Strings(files)
	var out []*Scenario
	var errs Errors
	for _, f := range files {
		var data []byte
		var err error
		if walked[f] {
			if data, err = readInclude(roots[f], f); err != nil {
				return nil, fmt.Errorf("scenarios: %s: %w", f, err)
			}
		} else if data, err = readTop(f); err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		p := &parser{file: f, loader: l, root: roots[f], stack: []string{f}}
		for _, d := range p.parseDocuments(data) {
			if d.scenario != nil {
				out = append(out, d.scenario)
			}
		}
		errs = append(errs, p.errs...)
	}
	if len(errs) > 0 {
		return nil, dedupe(errs)
	}
	names := map[string]Pos{}
	for _, s := range out {
		if prev, ok := names[s.Name]; ok {
			errs = append(errs, &Error{Pos: s.Pos, Msg: fmt.Sprintf("scenario name %q already used at %s", s.Name, prev)})
		}
		names[s.Name] = s.Pos
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// Parse reads scenarios from data as if it were the file name (for editors and
// tests); includes resolve relative to name.
func (l *Loader) Parse(name string, data []byte) ([]*Scenario, error) {
	p := &parser{file: name, loader: l, root: filepath.Dir(name), stack: []string{name}}
	var out []*Scenario
	for _, d := range p.parseDocuments(data) {
		if d.scenario != nil {
			out = append(out, d.scenario)
		}
	}
	if len(p.errs) > 0 {
		return nil, dedupe(p.errs)
	}
	return out, nil
}

// flow loads the flow named by an include written in file from, refusing cycles and
// files outside root.
func (l *Loader) flow(root, from, include string, stack []string) (*Flow, error) {
	loc, err := includeLocation(root, from, include)
	if err != nil {
		return nil, fmt.Errorf("include %s: %v", include, err)
	}
	for i, s := range stack {
		if s == loc {
			chain := append(append([]string{}, stack[i:]...), loc)
			return nil, fmt.Errorf("include cycle: %s", strings.Join(chain, " → "))
		}
	}
	l.mu.Lock()
	f, ok := l.flows[loc]
	failed := l.failed[loc]
	l.mu.Unlock()
	if ok {
		return f, nil
	}
	if failed != nil {
		return nil, failed
	}
	f, err = l.parseFlow(root, include, loc, stack)
	if err != nil {
		l.mu.Lock()
		l.failed[loc] = err
		l.mu.Unlock()
		return nil, err
	}
	l.mu.Lock()
	l.flows[loc] = f
	l.mu.Unlock()
	return f, nil
}

// parseFlow reads and parses the flow at loc.
func (l *Loader) parseFlow(root, include, loc string, stack []string) (*Flow, error) {
	data, err := readInclude(root, loc)
	if err != nil {
		return nil, fmt.Errorf("include %s: %v", include, err)
	}
	p := &parser{file: loc, loader: l, root: root, stack: append(append([]string{}, stack...), loc)}
	docs := p.parseDocuments(data)
	if len(p.errs) > 0 {
		if strings.HasPrefix(loc, BuiltinPrefix) {
			return nil, p.errs
		}
		return nil, quietErrors(p.errs)
	}
	if len(docs) != 1 || docs[0].flow == nil {
		return nil, fmt.Errorf("include %s: the file must hold exactly one flow (a document with flow: NAME)", include)
	}
	return docs[0].flow, nil
}

func readSource(loc string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(loc, BuiltinPrefix); ok {
		data, err := builtinFS.ReadFile(path.Join("builtin", rest))
		if err != nil {
			return nil, fmt.Errorf("no built-in file %s", rest)
		}
		return data, nil
	}
	return os.ReadFile(loc)
}

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// dedupe drops repeats: a broken flow included twice reports its mistakes once.
func dedupe(es Errors) Errors {
	seen := map[string]bool{}
	var out Errors
	for _, e := range es {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// BuiltinFile returns the text of an embedded file (for --list and the TUI).
func BuiltinFile(name string) ([]byte, error) {
	return readSource(BuiltinPrefix + strings.TrimPrefix(name, BuiltinPrefix))
}
