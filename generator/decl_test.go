package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeclarationsMatchTable holds every generated file of testdata to the
// declaration table: the identifiers the file declares, at package level
// and per receiver, are exactly the table's entries, so that no name is
// emitted that validation did not claim.
func TestDeclarationsMatchTable(t *testing.T) {
	cases, _ := filepath.Glob("../testdata/*.yaml")
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if strings.HasPrefix(name, "bad_") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Filename: path, Dir: ".", Output: filepath.Join("..", "golden", name, name+"_gen.go")}
			s, err := Load(src, opts)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Generate(src, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := declared(t, out)
			want := map[string][]string{"": s.Scope.Names()}
			for _, sess := range s.Sessions {
				want[sess.Names.Session] = sess.Methods.Names()
				want[sess.Names.Storage] = sess.StorageMethods.Names()
			}
			for _, c := range s.Cookies {
				want[c.Names.Type] = c.Methods.Names()
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("declarations differ from the table (-table +file):\n%s", diff)
			}
		})
	}
}

// declared lists a file's package-level identifiers (key "") and the
// methods of each receiver type, sorted.
func declared(t *testing.T, src []byte) map[string][]string {
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			recv := ""
			if d.Recv != nil {
				recv = d.Recv.List[0].Type.(*ast.StarExpr).X.(*ast.Ident).Name
			}
			out[recv] = append(out[recv], d.Name.Name)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					out[""] = append(out[""], sp.Name.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.Name != "_" {
							out[""] = append(out[""], n.Name)
						}
					}
				}
			}
		}
	}
	for _, names := range out {
		slices.Sort(names)
	}
	return out
}
