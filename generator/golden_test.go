package generator

import (
	"bytes"
	"flag"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// diagLine is the form of every diagnostic: file:line:col: message.
var diagLine = regexp.MustCompile(`^testdata/[a-z_]+\.yaml:[1-9][0-9]*:[1-9][0-9]*: [a-z"_].*[^.]$`)

// TestGolden generates every testdata/*.yaml and compares the result with
// golden/: a package for a valid schema, a .stderr for a bad one (bad_*).
func TestGolden(t *testing.T) {
	cases, _ := filepath.Glob("../testdata/*.yaml")
	bad := 0
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Filename: "testdata/" + name + ".yaml", Source: "../../testdata/" + name + ".yaml", Dir: ".",
				Output: filepath.Join("..", "golden", name, name+"_gen.go")}
			out, err := Generate(src, opts)
			if strings.HasPrefix(name, "bad_") {
				bad++
				checkDiagnostics(t, name, out, err)
				return
			}
			if err != nil {
				t.Fatalf("valid schema refused:\n%v", err)
			}
			checkGenerated(t, src, opts, out)
			compareGolden(t, filepath.Join("..", "golden", name, name+"_gen.go"), out)
		})
	}
	if bad < 20 {
		t.Errorf("only %d bad schemas in testdata; want at least 20", bad)
	}
}

func checkDiagnostics(t *testing.T, name string, out []byte, err error) {
	t.Helper()
	if err == nil || out != nil {
		t.Fatalf("bad schema accepted (err=%v, %d bytes out)", err, len(out))
	}
	if _, ok := err.(Diagnostics); !ok {
		t.Fatalf("error is %T, want Diagnostics", err)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !diagLine.MatchString(line) && !strings.HasPrefix(line, "\t") {
			t.Errorf("diagnostic not in file:line:col: message form: %q", line)
		}
	}
	compareGolden(t, filepath.Join("..", "golden", name+".stderr"), []byte(err.Error()+"\n"))
}

// checkGenerated asserts the properties every generated file has: a
// recognised header, gofmt-clean, the same bytes on a second run.
func checkGenerated(t *testing.T, src []byte, opts Options, out []byte) {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "gen.go", out, parser.ParseComments)
	if err != nil {
		t.Fatalf("generated code does not parse: %v", err)
	}
	if !ast.IsGenerated(file) {
		t.Error("generated file is not recognised by ast.IsGenerated")
	}
	if file.Doc != nil {
		t.Error("the header became package documentation")
	}
	formatted, err := format.Source(out)
	if err != nil || !bytes.Equal(formatted, out) {
		t.Error("generated code is not gofmt-clean")
	}
	again, err := Generate(src, opts)
	if err != nil || !bytes.Equal(again, out) {
		t.Error("a second generation gave different bytes")
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./generator -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
