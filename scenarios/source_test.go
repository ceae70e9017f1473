package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadWithin loads dir/s.yaml, which includes inc, and fails the test if loading
// takes long (a FIFO or a device would hang or never end).
func loadWithin(t *testing.T, dir, inc string) error {
	t.Helper()
	src := "name: s\nsteps:\n  - include: " + inc + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(src), 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := LoadPaths(filepath.Join(dir, "s.yaml"))
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("loading %s did not finish", inc)
		return nil
	}
}

func TestLoader_includesStayInsideTheScenarioRoot(t *testing.T) {
	outside := t.TempDir()
	secretFlow := "flow: leak\nsteps:\n  - call: retrieveMetadata\n# TOP-SECRET-LINE\n"
	require.NoError(t, os.WriteFile(filepath.Join(outside, "f.yaml"), []byte(secretFlow), 0o644))
	root := filepath.Join(t.TempDir(), "suite")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "flows"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(outside, "f.yaml"), filepath.Join(root, "out.yaml")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "outdir")))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(root, "passwd.yaml")))
	rel, err := filepath.Rel(root, filepath.Join(outside, "f.yaml"))
	require.NoError(t, err)

	for inc, want := range map[string]string{
		rel:                              "leaves the scenario folder",
		"../other.yaml":                  "leaves the scenario folder",
		"flows/../../x.yaml":             "leaves the scenario folder",
		filepath.Join(outside, "f.yaml"): "absolute paths are refused",
		"/etc/passwd":                    "absolute paths are refused",
		"/dev/zero":                      "absolute paths are refused",
		"out.yaml":                       "symlink out of it is refused",
		"outdir/f.yaml":                  "symlink out of it is refused",
		"passwd.yaml":                    "symlink out of it is refused",
	} {
		err := loadWithin(t, root, inc)
		require.Error(t, err, inc)
		assert.Contains(t, err.Error(), want, inc)
		assert.NotContains(t, err.Error(), "TOP-SECRET", inc)
		assert.NotContains(t, err.Error(), "root:", inc)
	}

	// A symlink that stays inside the root is fine.
	require.NoError(t, os.WriteFile(filepath.Join(root, "flows", "ok.yaml"), []byte("flow: ok\nsteps:\n  - call: retrieveMetadata\n"), 0o644))
	require.NoError(t, os.Symlink("flows/ok.yaml", filepath.Join(root, "alias.yaml")))
	require.NoError(t, loadWithin(t, root, "alias.yaml"))
	require.NoError(t, loadWithin(t, root, "flows/../flows/ok.yaml"))
}

func TestLoader_includesAreRegularFilesOfBoundedSize(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	err := loadWithin(t, root, "pipe.yaml") // nobody writes: a blocking open never returns
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file (a FIFO)")

	require.NoError(t, os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755))
	err = loadWithin(t, root, "dir.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file (a folder)")

	big := "flow: big\nsteps:\n  - call: retrieveMetadata\n" + strings.Repeat("# padding\n", 2<<20/10)
	require.NoError(t, os.WriteFile(filepath.Join(root, "big.yaml"), []byte(big), 0o644))
	err = loadWithin(t, root, "big.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1024 KiB")
}

func TestLoader_topLevelFileIsSizeCapped(t *testing.T) {
	done := make(chan error, 1)
	go func() { _, err := LoadPaths("/dev/zero"); done <- err }()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "larger than 1024 KiB")
	case <-time.After(30 * time.Second):
		t.Fatal("reading /dev/zero did not stop")
	}
}

func TestLoader_includedFileMistakesDoNotQuoteIt(t *testing.T) {
	root := t.TempDir()
	// An included file that is not a flow, such as a secrets file in the project.
	for name, src := range map[string]string{
		"env.yaml":   "API_KEY: sk-live-SECRET-1234\nDB_PASSWORD: SECRET-hunter2\n",
		"lines.yaml": "root:$6$SECRET$hash:19000:0:99999:7:::\nbin:x:SECRET\n",
		"flow.yaml":  "flow: f\nsteps:\n  - call: SECRET-operation\n    body: {password: SECRET-x}\n",
		"bad.yaml":   "flow: f\nsteps: [\"SECRET-unclosed\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(src), 0o644))
		err := loadWithin(t, root, name)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "SECRET", name)
		assert.Contains(t, err.Error(), filepath.Join(root, "s.yaml")+":3:", "the includer's line is named: %s", name)
	}
	// The file's own mistakes in full when it is checked on its own.
	_, err := LoadPaths(filepath.Join(root, "flow.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SECRET-operation")
}

// A folder given to run is read file by file as includes are: a cloned suite's
// symlink named x.yaml must not read a file outside it into an error message
// (a .env file reads as one YAML string, quoted whole), and a FIFO in it must
// not hang the run.
func TestLoader_filesFoundInAFolderStayInIt(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, ".env"), []byte("DATABASE_URL=postgres://u:TOP-SECRET@db\nAPI_KEY=TOP-SECRET-2\n"), 0o600))
	suite := filepath.Join(t.TempDir(), "suite")
	require.NoError(t, os.MkdirAll(filepath.Join(suite, "flows"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(suite, "flows", "f.yaml"), []byte("name: ok\nsteps:\n  - call: retrieveMetadata\n"), 0o644))
	require.NoError(t, os.Symlink("flows/f.yaml", filepath.Join(suite, "alias.yaml")))

	load := func() ([]*Scenario, error) {
		done := make(chan error, 1)
		var got []*Scenario
		go func() {
			var err error
			got, err = LoadPaths(suite)
			done <- err
		}()
		select {
		case err := <-done:
			return got, err
		case <-time.After(30 * time.Second):
			t.Fatal("loading the folder did not finish")
			return nil, nil
		}
	}
	_, err := load()
	require.Error(t, err, "a symlink inside the folder is read once as itself and once through the alias: two scenarios named ok")
	assert.Contains(t, err.Error(), `scenario name "ok" already used`)
	require.NoError(t, os.Remove(filepath.Join(suite, "alias.yaml")))
	got, err := load()
	require.NoError(t, err)
	require.Len(t, got, 1)

	require.NoError(t, os.Symlink(filepath.Join(outside, ".env"), filepath.Join(suite, "env.yaml")))
	_, err = load()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "symlink out of it is refused")
	assert.NotContains(t, err.Error(), "TOP-SECRET")
	require.NoError(t, os.Remove(filepath.Join(suite, "env.yaml")))

	require.NoError(t, syscall.Mkfifo(filepath.Join(suite, "pipe.yaml"), 0o644))
	_, err = load()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file (a FIFO)")
}

// flowChain writes flows f0..f<depth-1> into dir, each including the next twice,
// the last one step (or broken), and a scenario s.yaml including f0: a few lines
// that expand to 2^(depth-1) steps.
func flowChain(t *testing.T, dir string, depth int, leaf string) {
	t.Helper()
	for i := range depth {
		body := fmt.Sprintf("  - include: f%d.yaml\n  - include: f%d.yaml\n", i+1, i+1)
		if i == depth-1 {
			body = leaf
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.yaml", i)), []byte(fmt.Sprintf("flow: f%d\nsteps:\n%s", i, body)), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.yaml"), []byte("name: s\nsteps:\n  - include: f0.yaml\n"), 0o644))
}

// loadFileWithin is LoadPaths(file) failing the test when it takes long.
func loadFileWithin(t *testing.T, file string) ([]*Scenario, error) {
	t.Helper()
	type result struct {
		ss  []*Scenario
		err error
	}
	done := make(chan result, 1)
	go func() { ss, err := LoadPaths(file); done <- result{ss, err} }()
	select {
	case r := <-done:
		return r.ss, r.err
	case <-time.After(30 * time.Second):
		t.Fatalf("loading %s did not finish", file)
		return nil, nil
	}
}

// Flows that include the next one twice, forty deep, are a few lines that run
// 2^39 steps: loading them (run --check, --list, the TUI) walked every one, and
// a broken last flow was parsed again at every include. Both load at once now:
// a scenario or flow running more than MaxRunSteps steps is refused.
func TestLoader_includeBombsAreRefusedAtOnce(t *testing.T) {
	for name, leaf := range map[string]string{
		"valid flows":  "  - call: retrieveMetadata\n",
		"a broken one": "  - call: noSuchOperation\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			flowChain(t, dir, 40, leaf)
			_, err := loadFileWithin(t, filepath.Join(dir, "s.yaml"))
			require.Error(t, err)
			assert.LessOrEqual(t, len(err.(Errors)), maxErrors+1, "mistakes are capped")
		})
	}
	dir := t.TempDir()
	flowChain(t, dir, 20, "  - call: retrieveMetadata\n")
	_, err := loadFileWithin(t, filepath.Join(dir, "f5.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `flow "f5" runs 16384 steps, its included flows' counted each time: more than 10000, refused`)

	dir = t.TempDir()
	flowChain(t, dir, 11, "  - call: retrieveMetadata\n")
	ss, err := loadFileWithin(t, filepath.Join(dir, "s.yaml"))
	require.NoError(t, err, "1,024 steps are fine")
	assert.Equal(t, 1024, CountSteps(ss[0].Steps))
}
