package generator

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

const planSrc = `package p

import (
	"encoding/json"
	"net/netip"
	"time"
)

type OK struct {
	A     string ` + "`json:\"a,omitempty\"`" + `
	B     []int
	C     map[string]*Inner ` + "`json:\"c,omitzero\"`" + `
	T     time.Time ` + "`json:\"t,omitzero\"`" + `
	R     json.RawMessage ` + "`json:\"r,omitempty\"`" + `
	X, Y  int ` + "`json:\"x\"`" + ` // one tag for two fields: encoding/json drops both
	L     int ` + "`json:\"M\"`" + ` // the tagged name wins over the field named M
	M     int
	Skip  int ` + "`json:\"-\"`" + `
	Dash  int ` + "`json:\"-,\"`" + `
	Bad   int ` + "`json:\"a\\\\b\"`" + `
	small int
}

type Inner struct{ N int }

type noSlices struct{ S []int }

type (
	Unnamed  struct{ X struct{ A int } }
	Iface    struct{ X any }
	IntKeys  struct{ X map[int]string }
	Text     struct{ X netip.Addr }
	NotComp  struct{ X noSlices ` + "`json:\",omitzero\"`" + ` }
	Embedded struct{ Inner }
	Ignored  struct {
		Inner ` + "`json:\"-\"`" + `
		Name  string
	}
	Quoted struct{ N int ` + "`json:\",string\"`" + ` }
	Self   struct{ Next *Self }
	A      struct{ B []B }
	B      struct{ A map[string]A }
)
`

// TestPlanStructs: the fields a struct codec gets, and why a struct keeps
// encoding/json.
func TestPlanStructs(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", planSrc, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &planner{s: &Schema{Scope: newScope("", nil), PkgPath: "p", Imports: map[string]string{}},
		vars: map[string]*CodecVar{}, state: map[string]string{}}
	named := func(name string) *types.Named { return pkg.Scope().Lookup(name).Type().(*types.Named) }

	if _, why := p.structVar(named("OK")); why != "" {
		t.Fatalf("OK refused: %s", why)
	}
	var got []string
	for _, fp := range p.vars["p.OK"].Struct.fields {
		got = append(got, fp.json+":"+fp.goName+":"+strings.Join(fp.omit, "+"))
	}
	want := "a:A:Zero B:B: c:C:NilMap t:T:IsZero r:R:EmptySlice M:L: -:Dash: Bad:Bad:"
	if strings.Join(got, " ") != want {
		t.Errorf("OK's fields:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if p.vars["p.Inner"] == nil {
		t.Error("Inner, a field's element type, got no codec variable")
	}
	if p.s.Imports["encoding/json"] != "json" || p.s.Imports["time"] != "" {
		t.Errorf("imports %v: want encoding/json for json.RawMessage, and time left to the generated file", p.s.Imports)
	}

	for name, wantWhy := range map[string]string{
		"Unnamed":  "field X: no typed codec for struct{A int}",
		"Iface":    "field X: no typed codec for any",
		"IntKeys":  "field X: no typed codec for map[int]string",
		"Text":     "field X: no typed codec for net/netip.Addr",
		"NotComp":  "field X has omitzero on a struct that is neither comparable nor has IsZero",
		"Embedded": "field Inner is embedded (encoding/json's promotion rules)",
		"Quoted":   "field N has the ,string option",
		"Self":     "field Next: Self contains itself",
		"A":        "contains itself", // through B, or B through A, as planned first
		"B":        "contains itself",
		"Ignored":  "",
	} {
		if _, why := p.structVar(named(name)); why != wantWhy && !(wantWhy == "contains itself" && strings.HasSuffix(why, wantWhy)) {
			t.Errorf("%s: %q, want %q", name, why, wantWhy)
		}
	}
}

func TestCanImport(t *testing.T) {
	for _, c := range []struct {
		from, path string
		ok         bool
	}{
		{"a/b/c", "a/b/internal/x", true},
		{"a/b", "a/b/internal/x", true},
		{"a/bc", "a/b/internal/x", false},
		{"a/c", "a/b/internal", false},
		{"a", "internal/x", false},
		{"x/y", "a/b/c", true},
	} {
		if got := canImport(c.from, c.path); got != c.ok {
			t.Errorf("canImport(%q, %q) = %v", c.from, c.path, got)
		}
	}
}
