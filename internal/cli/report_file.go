package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// reportAnnotation marks a flag whose value is a report file to write (--json,
// --junit, --html, ...), so that the checks below cover every report flag, including
// ones added later: mark a new one with markReportFlag.
const reportAnnotation = "pbxauth_report_file"

func markReportFlag(fl *pflag.FlagSet, name string) {
	_ = fl.SetAnnotation(name, reportAnnotation, []string{"true"})
}

// checkReportPaths refuses, before anything runs, report paths that would clobber
// each other, an input scenario file, or what a symlink points to.
func checkReportPaths(cmd *cobra.Command, inputs []string) error {
	type report struct{ flag, path, abs string }
	var reports []report
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if _, ok := fl.Annotations[reportAnnotation]; !ok || fl.Value.String() == "" {
			return
		}
		p := fl.Value.String()
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = filepath.Clean(p)
		}
		reports = append(reports, report{fl.Name, p, abs})
	})
	for i, r := range reports {
		for _, o := range reports[:i] {
			if r.abs == o.abs || sameFile(r.path, o.path) {
				return usageErrorf("--%s and --%s name the same file %s: one report would overwrite the other", o.flag, r.flag, r.path)
			}
		}
		info, err := os.Lstat(r.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return usageErrorf("--%s %s: %v", r.flag, r.path, err)
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return usageErrorf("--%s %s is a symlink: a report never writes through one (remove it or pick another path)", r.flag, r.path)
		}
		if !info.Mode().IsRegular() {
			return usageErrorf("--%s %s is not a regular file", r.flag, r.path)
		}
		for _, in := range inputs {
			if in, err := os.Stat(in); err == nil && os.SameFile(info, in) {
				return usageErrorf("--%s %s is one of the scenario files being run: the report would overwrite it", r.flag, r.path)
			}
		}
	}
	return nil
}

func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// inputFiles lists the scenario files FILES/DIRS name (what Loader.Paths reads).
func inputFiles(args []string) []string {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil || !info.IsDir() {
			out = append(out, a)
			continue
		}
		_ = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				out = append(out, p)
			}
			return nil
		})
	}
	return out
}

// writeReportFile writes a report atomically: into a temporary file beside path,
// then renamed over it. Readers never see half a report, a failed write leaves the
// old one, and the rename replaces a symlink at path rather than writing through it.
func writeReportFile(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600; a report is redacted
		tmp.Close()
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// pendingReport is a streamed report being written atomically: results go into a
// temporary file beside path, renamed over it only once the run wrote it whole.
type pendingReport struct {
	path string
	tmp  *os.File
}

func newPendingReport(path string) (*pendingReport, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return &pendingReport{path: path, tmp: tmp}, nil
}

func (p *pendingReport) finish(keep bool) error {
	err := p.tmp.Chmod(0o644) // CreateTemp makes it 0600; a report is redacted
	if cerr := p.tmp.Close(); err == nil {
		err = cerr
	}
	if keep && err == nil {
		err = os.Rename(p.tmp.Name(), p.path)
	}
	if !keep || err != nil {
		_ = os.Remove(p.tmp.Name())
	}
	if err != nil {
		return fmt.Errorf("report %s: %w", p.path, err)
	}
	return nil
}
