package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/generator"
	"golang.org/x/tools/go/packages"
)

// commandSurface reads run.go and returns the flags it defines
// (fs.String("schema", …)) and the subcommands it dispatches
// (args[0] == "init"), so that the help tests follow the code.
func commandSurface(t *testing.T) (flags, subcommands []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "run.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if ok && len(n.Args) > 0 && strings.Contains("String Bool Int Duration Var BoolVar StringVar", sel.Sel.Name) {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fs" {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok {
						name, _ := strconv.Unquote(lit.Value)
						flags = append(flags, name)
					}
				}
			}
		case *ast.BinaryExpr:
			if idx, ok := n.X.(*ast.IndexExpr); ok && n.Op == token.EQL {
				if id, ok := idx.X.(*ast.Ident); ok && id.Name == "args" {
					if lit, ok := n.Y.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						subcommands = append(subcommands, name)
					}
				}
			}
		}
		return true
	})
	if len(flags) < 4 || len(subcommands) < 1 {
		t.Fatalf("found flags %q and subcommands %q in run.go; the parse is wrong", flags, subcommands)
	}
	return flags, subcommands
}

// packageDoc returns main.go's package comment: the command's manual.
func packageDoc(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		t.Fatalf("main.go has no package comment (%v)", err)
	}
	return f.Doc.Text()
}

// TestHelpIsComplete checks that -h and the package comment (go doc) both
// name every flag and subcommand run.go has, and the exit statuses.
func TestHelpIsComplete(t *testing.T) {
	flags, subcommands := commandSurface(t)
	for _, arg := range []string{"-h", "-help", "--help"} {
		var out, errb bytes.Buffer
		if code := run([]string{arg}, &out, &errb); code != 0 || errb.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, errb.String())
		}
		if out.String() != usage {
			t.Errorf("%s does not print the usage", arg)
		}
	}
	for where, text := range map[string]string{"-h": usage, "the package comment": packageDoc(t)} {
		for _, f := range flags {
			if !regexp.MustCompile(`(?m)^\s+-` + f + `\b`).MatchString(text) {
				t.Errorf("%s does not describe flag -%s", where, f)
			}
		}
		for _, s := range subcommands {
			if !strings.Contains(text, "sessiongen "+s) {
				t.Errorf("%s does not show sessiongen %s", where, s)
			}
		}
		if !regexp.MustCompile(`(?s)Exit status: 0 .*, 1 .*, 2 `).MatchString(strings.Join(strings.Fields(text), " ")) {
			t.Errorf("%s does not give the exit statuses (0, 1, 2)", where)
		}
	}
}

// TestVersion prints the module version from the build info: "(devel)"
// inside this module; the workflow test checks a dependency's version.
func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-version"}, &out, &errb); code != 0 || errb.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if got := out.String(); got != "sessiongen (devel)\n" {
		t.Errorf("-version printed %q, want %q", got, "sessiongen (devel)\n")
	}
}

// TestUsageErrorsAreOneLine runs each kind of bad usage: exit 2 and a
// single line on stderr that starts with "sessiongen: ", nothing on stdout.
func TestUsageErrorsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-nope"},
		{"--schema"},
		{"-schema"},
		{"-schema", "missing.yaml"},
		{"-schema", "missing.yaml", "-check"},
		{"-o", "out.go"},
		{"-check", "-version=maybe"},
		{"init", "a.yaml", "b.yaml"},
		{"secret", "extra"},
	} {
		code, stdout, stderr := inDir(t, dir, args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "sessiongen: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line", args, code, stdout, stderr)
		}
	}
}

// TestInit writes the starter, refuses to overwrite any file, and checks
// that the starter generates a package that type-checks.
func TestInit(t *testing.T) {
	pkgDir, _ := os.Getwd()
	dir := t.TempDir()
	code, stdout, stderr := inDir(t, dir, "init")
	if code != 0 || !strings.Contains(stdout, "go tool sessiongen -schema sessions.yaml") || stderr != "" {
		t.Fatalf("init: exit %d, %q, %q; want the go tool hint", code, stdout, stderr)
	}
	written, err := os.ReadFile(filepath.Join(dir, "sessions.yaml"))
	if err != nil || !bytes.Equal(written, starter) {
		t.Fatalf("init wrote %q (%v), want the starter", written, err)
	}

	mine := filepath.Join(dir, "mine.yaml")
	writeFile(t, mine, "package: mine\n")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(mine, old, old)
	code, stdout, stderr = inDir(t, dir, "init", "mine.yaml")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "mine.yaml exists already") {
		t.Errorf("init over a file: exit %d, %q, %q", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(mine); string(b) != "package: mine\n" {
		t.Errorf("init overwrote mine.yaml: %q", b)
	}
	if fi, _ := os.Stat(mine); !fi.ModTime().Equal(old) {
		t.Error("init touched mine.yaml")
	}
	if code, _, _ := inDir(t, dir, "init", "sub/other.yaml"); code != 1 {
		t.Errorf("init into a missing directory: exit %d, want 1", code)
	}

	code, _, stderr = inDir(t, dir, "-schema", "sessions.yaml")
	if code != 0 {
		t.Fatalf("the starter does not generate: %s", stderr)
	}
	gen, _ := os.ReadFile(filepath.Join(dir, "sessions_gen.go"))
	typeCheck(t, pkgDir, gen, "NewUserStorage", "SetUserID", "Theme", "PopMessage")
}

// typeCheck compiles a generated file as a package in pkgDir, a directory
// of this module (in an overlay: nothing is written into the tree), and
// checks that it declares names.
func typeCheck(t *testing.T, pkgDir string, src []byte, names ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("type-checking the generated package loads the runtime; skipped under -short")
	}
	dir := filepath.Join(pkgDir, "starter_overlay_check")
	file := filepath.Join(dir, "sessions_gen.go")
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax,
		Dir:     pkgDir,
		Overlay: map[string][]byte{file: src},
	}
	pkgs, err := packages.Load(cfg, "file="+file)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("the generated starter package does not compile")
	}
	scope := pkgs[0].Types.Scope()
	for _, n := range names {
		if scope.Lookup(n) == nil && !hasMethod(pkgs[0], n) {
			t.Errorf("the generated starter package has no %s", n)
		}
	}
}

func hasMethod(p *packages.Package, name string) bool {
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
				return true
			}
		}
	}
	return false
}

// TestStarterPointsAtJSONSchema checks the starter's first line, the one
// editors read.
func TestStarterPointsAtJSONSchema(t *testing.T) {
	first, _, _ := strings.Cut(string(starter), "\n")
	if want := "# yaml-language-server: $schema=" + generator.JSONSchemaURL; first != want {
		t.Errorf("starter.yaml starts with %q, want %q", first, want)
	}
}
