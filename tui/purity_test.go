package tui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// tuiFiles parses the TUI's non-test Go files.
func tuiFiles(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files[path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fset, files
}

// TestPurity_viewsReadNoClockAndDoNoWork guards Bubble Tea's rule that View is
// a function of the model: the view files (view.go, *view.go) read no clock
// (ctx.Time is the root's last read), touch no OS, and neither rebuild state
// nor validate (an inspector's sync belongs in Update).
func TestPurity_viewsReadNoClockAndDoNoWork(t *testing.T) {
	fset, files := tuiFiles(t)
	banned := map[string]string{
		"Now": "reads the clock (draw from ctx.Time)", "Since": "reads the clock", "Until": "reads the clock",
		"sync": "rebuilds state (do it in Update)", "ValidateExchange": "validates (do it in Update)",
		"Validate": "validates (do it in Update)",
	}
	n := 0
	for path, f := range files {
		if !strings.HasSuffix(filepath.Base(path), "view.go") {
			continue
		}
		n++
		ast.Inspect(f, func(x ast.Node) bool {
			call, ok := x.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if why, bad := banned[sel.Sel.Name]; bad {
				t.Errorf("%s: a view %s", fset.Position(call.Pos()), why)
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "os" {
				t.Errorf("%s: a view calls os.%s", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if n < 10 {
		t.Fatalf("found %d view files: the walk is not reading the TUI", n)
	}
}

// TestPurity_cmdsCaptureValuesNotTheModel guards the other rule: a Cmd runs on
// its own goroutine, so the function literal a method returns as a Cmd
// (func() tea.Msg) must not use the method's receiver; it takes copies of
// what it needs, made in Update.
func TestPurity_cmdsCaptureValuesNotTheModel(t *testing.T) {
	fset, files := tuiFiles(t)
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List[0].Names) == 0 || fn.Body == nil {
				continue
			}
			recv := fn.Recv.List[0].Names[0].Name
			ast.Inspect(fn.Body, func(x ast.Node) bool {
				lit, ok := x.(*ast.FuncLit)
				if !ok || !returnsMsg(lit) {
					return true
				}
				ast.Inspect(lit.Body, func(y ast.Node) bool {
					if id, ok := y.(*ast.Ident); ok && id.Name == recv {
						t.Errorf("%s: a Cmd in %s reads the model (%s) from its goroutine", fset.Position(id.Pos()), fn.Name.Name, recv)
					}
					return true
				})
				return false
			})
		}
	}
}

// returnsMsg reports whether lit is func() tea.Msg.
func returnsMsg(lit *ast.FuncLit) bool {
	res := lit.Type.Results
	if lit.Type.Params.NumFields() != 0 || res == nil || len(res.List) != 1 {
		return false
	}
	sel, ok := res.List[0].Type.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Msg"
}
