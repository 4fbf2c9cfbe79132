package generator

// TestReadmeCompiles compiles every ```go block of README.md, so that the
// README cannot teach code that does not compile. The rules, for whoever
// adds a snippet:
//
//   - A block is compiled as it stands, in a package main of its own, with
//     its imports filled in (golang.org/x/tools/imports) and the package
//     "sessions" generated from the Quick start's schema, extended with the
//     Middleware section's require key and timeouts.
//   - A block of declarations (func, type, var, a //go:generate line) is a
//     file; a block of statements is the body of a function. A block must be
//     one or the other, and complete: every name it uses is declared in it,
//     in the generated package, the standard library or this module.
//   - A block that is deliberately partial (it names code the reader
//     supplies, such as their own store; lists signatures without bodies;
//     or is an excerpt of a file compiled elsewhere, such as
//     examples/webapp's tests) is preceded by the line
//     <!-- not compiled: partial -->. No other marker is accepted, and shell
//     blocks are not Go blocks.
//   - A block whose imports need another module (a framework such as gin or
//     echo, or a module of this repository with its own go.mod such as
//     adapters/gin) cannot be built here, offline, in the core module: the
//     test lists it (go test -v) and does not compile it. Such blocks should
//     be compiled by a test of the module they belong to.
//
// Extracting from the README itself (rather than keeping example files
// that the README quotes) means a snippet cannot drift from what is
// compiled, and a new section is checked the day it is written.

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/imports"
)

const partialMarker = "<!-- not compiled: partial -->"

var fence = regexp.MustCompile("(?m)^```go\n((?s:.*?))^```\n")

func TestReadmeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"sessions/sessions_gen.go": readmeSessions(t, string(readme))}
	compiled := 0
	for i, m := range fence.FindAllStringSubmatchIndex(string(readme), -1) {
		line := 1 + strings.Count(string(readme[:m[0]]), "\n")
		before := strings.TrimRight(string(readme[:m[0]]), "\n")
		if strings.HasSuffix(before, partialMarker) {
			continue
		}
		snippet := string(readme[m[2]:m[3]])
		src, err := snippetFile(snippet)
		if err != nil {
			t.Errorf("README.md:%d: the block is neither declarations nor statements: %v", line, err)
			continue
		}
		if mod := foreignImport(src); mod != "" {
			t.Logf("README.md:%d: imports %s, from another module: not compiled here", line, mod)
			continue
		}
		files[fmt.Sprintf("snippet%02d/main.go", i)] = fmt.Sprintf("// README.md:%d\n%s", line, src)
		compiled++
	}
	if compiled < 3 {
		t.Fatalf("only %d Go blocks compiled: is the fence pattern right?", compiled)
	}
	_, goCmd := tempModule(t, files)
	if out, err := goCmd("vet", "./..."); err != nil {
		t.Fatalf("README.md's Go blocks do not compile or vet (the file comment names the README line):\n%s", out)
	}
}

// readmeSessions generates the package of the Quick start's schema (the
// first ```yaml block), with the Middleware section's require key and
// timeouts.
func readmeSessions(t *testing.T, readme string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no yaml block")
	}
	schema := m[1]
	for old, repl := range map[string]string{
		"      userId: string\n": "      userId: {type: string, require: {redirect: /login}}\n",
		"    keys:\n":            "    idleTimeout: 30m\n    absoluteTimeout: 12h\n    keys:\n",
	} {
		if !strings.Contains(schema, old) {
			t.Fatalf("the Quick start schema has no %q line: update readmeSessions", old)
		}
		schema = strings.Replace(schema, old, repl, 1)
	}
	code, err := Generate([]byte(schema), Options{Filename: "sessions.yaml"})
	if err != nil {
		t.Fatalf("the Quick start schema: %v", err)
	}
	return string(code)
}

// snippetFile makes a package main of a block: as a file when it parses as
// declarations, else as the body of a function; imports are then filled in.
func snippetFile(snippet string) ([]byte, error) {
	const head = "package main\n\nimport (\n\t\"example.com/app/sessions\"\n\t\"github.com/sessiongen/sessiongen/runtime\"\n)\n\n"
	const tail = "\nvar _ = sessions.Config{}\nvar _ = runtime.Config{}\n\nfunc main() {}\n"
	src := head + snippet + tail
	if _, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, 0); err != nil {
		src = head + "func snippet() {\n" + snippet + "}\n" + tail
		if _, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, 0); err != nil {
			return nil, err
		}
	}
	return imports.Process("snippet.go", []byte(src), nil)
}

// foreignImport returns the first import of src that is neither in the
// standard library, the generated package, nor this repository's core
// module (a nested module, such as adapters/gin, counts as foreign).
func foreignImport(src []byte) string {
	f, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, parser.ImportsOnly)
	if err != nil {
		return ""
	}
	const core = "github.com/sessiongen/sessiongen/"
	for _, imp := range f.Imports {
		path := strings.Trim(imp.Path.Value, `"`)
		first, _, _ := strings.Cut(path, "/")
		switch {
		case !strings.Contains(first, "."), strings.HasPrefix(path, "example.com/app/"):
		case strings.HasPrefix(path, core):
			if nestedModule(strings.TrimPrefix(path, core)) {
				return path
			}
		default:
			return path
		}
	}
	return ""
}

// nestedModule reports whether dir (relative to the repository root) is
// inside a module of its own.
func nestedModule(dir string) bool {
	for ; dir != "." && dir != ""; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join("..", dir, "go.mod")); err == nil {
			return true
		}
	}
	return false
}
