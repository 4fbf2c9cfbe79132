package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// TypeKind says what a Type is.
type TypeKind int

// The kinds of schema types.
const (
	Basic TypeKind = iota // string, bool, int, …
	Slice                 // []T
	Map                   // map[string]T
	Named                 // time.Time, github.com/acme/shop/cart.Cart
)

// A Type is a schema type expression.
type Type struct {
	Kind TypeKind
	Name string // the basic type's or the named type's name
	Path string // import path of a named type
	Elem *Type  // element of a slice or map
	Src  string // as written
	err  string // why it does not parse

	resolved  types.Type // a named type from a loaded package, for TypeScript shapes (ts.go)
	codec     namedCodec // a named type of a loaded package: how it is encoded (codec.go)
	basicCtor string     // for namedBasic: the runtime constructor (StringOf, …)
	codecVar  string     // a key's composite or named type: its codec variable
	structVar string     // for namedStruct: the struct's codec variable
	jsonWhy   string     // why a struct keeps encoding/json
}

// basicTypes are the predeclared types a key may have.
var basicTypes = []string{
	"bool", "string", "int", "int8", "int16", "int32", "int64",
	"uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "byte", "rune",
}

// parseType parses a type expression: a basic type, []T, map[string]T, or
// import/path.Name. Problems are kept in the Type and reported by check.
func parseType(src string) *Type {
	s := strings.TrimSpace(src)
	t := &Type{Src: src}
	switch {
	case strings.HasPrefix(s, "[]"):
		t.Kind, t.Elem = Slice, parseType(s[2:])
	case strings.HasPrefix(s, "map["):
		key, elem, ok := strings.Cut(s[4:], "]")
		t.Kind = Map
		if !ok {
			t.err = "missing ] in map type"
		} else if strings.TrimSpace(key) != "string" {
			t.err = "map keys must be string (JSON object keys are strings)"
		}
		t.Elem = parseType(elem)
	case strings.HasPrefix(s, "*"):
		t.err = "pointer types are not supported (the getter's bool already says whether the key is set)"
	case strings.HasPrefix(s, "chan ") || strings.HasPrefix(s, "<-chan") || strings.HasPrefix(s, "chan<-"):
		t.err = "channels cannot round-trip through JSON"
	case strings.HasPrefix(s, "func"):
		t.err = "functions cannot round-trip through JSON"
	case s == "complex64" || s == "complex128":
		t.err = "complex numbers cannot round-trip through JSON"
	case s == "any" || s == "interface{}" || s == "error":
		t.err = noInterfaces + " (name a concrete type; encoding/json.RawMessage keeps raw JSON)"
	case slices.Contains(basicTypes, s):
		t.Kind, t.Name = Basic, s
	case strings.Contains(s, "."):
		dot := strings.LastIndex(s, ".")
		t.Kind, t.Path, t.Name = Named, s[:dot], s[dot+1:]
		if !token.IsIdentifier(t.Name) || !token.IsExported(t.Name) || t.Path == "" || strings.ContainsAny(t.Path, " \t[]*") {
			t.err = "want an exported type as import/path.Name"
		}
	case s == "":
		t.err = "empty type"
	case token.IsIdentifier(s) && token.IsExported(s):
		t.Kind, t.Name = Named, s // a type of the generated package; Path is set when it is loaded
	default:
		t.err = "unknown type" + suggest(s, basicTypes, "")
	}
	return t
}

// walk calls f on t and each type inside it.
func (t *Type) walk(f func(*Type)) {
	f(t)
	if t.Elem != nil {
		t.Elem.walk(f)
	}
}

// firstErr returns the first parse problem in t.
func (t *Type) firstErr() string {
	var msg string
	t.walk(func(u *Type) {
		if msg == "" && u.err != "" {
			msg = u.err
		}
	})
	return msg
}

// builtinNamed are named types that need no package loading.
var builtinNamed = map[string]bool{"time.Time": true, "time.Duration": true}

// namedPaths lists the import paths that need loading.
func namedPaths(t *Type, into map[string]bool) {
	t.walk(func(u *Type) {
		if u.Kind == Named && u.err == "" && !builtinNamed[u.Path+"."+u.Name] {
			into[u.Path] = true
		}
	})
}

// resolver checks named types against loaded packages.
type resolver struct {
	pkgs   map[string]*packages.Package
	self   *packages.Package // the generated package
	output string            // the generated file's absolute path
}

// loadPackages loads the named packages from dir's module, once, with
// types, and the generated package (the directory of output). It is called
// only when the schema names a type of a package.
func loadPackages(dir, output, pkgName string, paths map[string]bool) (*resolver, error) {
	outDir, err := filepath.Abs(filepath.Dir(output))
	if err != nil {
		return nil, err
	}
	list := []string{outDir}
	for p := range paths {
		if p != "" {
			list = append(list, p)
		}
	}
	slices.Sort(list[1:])
	absOut, _ := filepath.Abs(output)
	// The generated package is type-checked from source (NeedSyntax), so
	// that a stale or broken generated file costs only type errors, which
	// are tolerated: its other files still give their types.
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedTypes | packages.NeedSyntax, Dir: dir}
	pkgs, err := packages.Load(cfg, list...)
	if err != nil {
		return nil, err
	}
	r := &resolver{pkgs: make(map[string]*packages.Package), output: absOut}
	for _, p := range pkgs {
		// The generated package is the one in outDir, or, when that has no
		// Go files yet, the one that was not asked for by import path.
		if samePath(p, outDir) || (!paths[p.PkgPath] && r.self == nil) {
			r.self = p
		}
		r.pkgs[p.PkgPath] = p
	}
	return r, nil
}

// samePath reports whether p is the package in dir.
func samePath(p *packages.Package, dir string) bool {
	for _, f := range append(slices.Clip(p.GoFiles), p.OtherFiles...) {
		return filepath.Dir(f) == dir
	}
	return false
}

// selfPath returns the generated package's import path, or "".
func (r *resolver) selfPath() string {
	if r.self == nil {
		return ""
	}
	return r.self.PkgPath
}

// check returns why a named type cannot be used, or "". A type of the
// generated package (bare or by its import path) is looked up in the
// package's other files, which may not compile yet.
func (r *resolver) check(t *Type) string {
	if t.Path == "" || t.Path == r.selfPath() {
		return r.checkSelf(t)
	}
	p := r.pkgs[t.Path]
	if p == nil || len(p.Errors) > 0 || p.Types == nil {
		msg := "cannot load package " + t.Path
		if p != nil && len(p.Errors) > 0 {
			first, _, _ := strings.Cut(p.Errors[0].Msg, ";")
			msg += ": " + first
		}
		return msg
	}
	if r.selfPath() != "" && importsPkg(p.Types, r.selfPath(), map[*types.Package]bool{}) {
		return fmt.Sprintf("package %s imports the generated package %s: importing it back would be an import cycle (move the type, or generate into another package)", t.Path, r.selfPath())
	}
	return r.checkIn(p.Types, t, t.Path+".")
}

// checkSelf checks a type of the generated package and sets its Path.
func (r *resolver) checkSelf(t *Type) string {
	if r.self == nil || r.self.Types == nil {
		return "cannot load the generated package to find " + t.Name
	}
	t.Path = r.self.PkgPath
	if obj := r.self.Types.Scope().Lookup(t.Name); obj != nil && r.self.Fset.Position(obj.Pos()).Filename == r.output {
		return t.Name + " is declared by the generated file itself, not by the package's own code"
	}
	return r.checkIn(r.self.Types, t, "")
}

// importsPkg reports whether p imports path, directly or not, as far as its
// type information tells.
func importsPkg(p *types.Package, path string, seen map[*types.Package]bool) bool {
	if seen[p] {
		return false
	}
	seen[p] = true
	for _, q := range p.Imports() {
		if q.Path() == path || importsPkg(q, path, seen) {
			return true
		}
	}
	return false
}

// checkIn checks the type t names in package p.
func (r *resolver) checkIn(p *types.Package, t *Type, prefix string) string {
	obj := p.Scope().Lookup(t.Name)
	tn, ok := obj.(*types.TypeName)
	if ok {
		t.resolved = tn.Type()
	}
	if !ok {
		where := "package " + p.Path()
		if prefix == "" {
			where = "the generated package " + p.Path()
		}
		msg := fmt.Sprintf("%s has no type %s%s", where, t.Name, suggest(t.Name, exportedTypes(p), prefix))
		if prefix == "" {
			msg += " (a type of another package needs its import path, e.g. github.com/acme/shop/cart." + t.Name + ")"
		}
		return msg
	}
	if named, ok := tn.Type().(*types.Named); ok && named.TypeParams().Len() > 0 {
		return "generic types are not supported"
	}
	if why := jsonProblem(tn.Type(), map[types.Type]bool{}); why != "" {
		return "cannot round-trip through JSON: " + why
	}
	classify(t, tn.Type())
	return ""
}

func exportedTypes(p *types.Package) []string {
	var names []string
	for _, n := range p.Scope().Names() {
		if _, ok := p.Scope().Lookup(n).(*types.TypeName); ok && token.IsExported(n) {
			names = append(names, n)
		}
	}
	return names
}

// noInterfaces is why an interface type is refused.
const noInterfaces = "interfaces are not supported: the value could not be decoded back"

// jsonProblem reports why encoding/json cannot round-trip t, or "".
func jsonProblem(t types.Type, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if lock := lockPath(t, map[types.Type]bool{}); lock != "" {
		return "it holds a lock (" + lock + "): session values are copied, and go vet's copylocks check refuses copying a lock"
	}
	if hasMethods(t, "MarshalJSON", "UnmarshalJSON") || hasMethods(t, "MarshalText", "UnmarshalText") {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsComplex != 0:
			return "complex numbers are not JSON"
		case u.Kind() == types.UnsafePointer:
			return "unsafe.Pointer is not JSON"
		}
	case *types.Chan:
		return "channels are not JSON"
	case *types.Signature:
		return "functions are not JSON"
	case *types.Interface:
		return noInterfaces
	case *types.Pointer:
		return jsonProblem(u.Elem(), seen)
	case *types.Slice:
		return jsonProblem(u.Elem(), seen)
	case *types.Array:
		return jsonProblem(u.Elem(), seen)
	case *types.Map:
		if k, ok := u.Key().Underlying().(*types.Basic); !(ok && k.Info()&(types.IsString|types.IsInteger) != 0) && !hasMethods(u.Key(), "MarshalText", "UnmarshalText") {
			return "map key " + u.Key().String() + " is not a string, an integer or a TextMarshaler"
		}
		return jsonProblem(u.Elem(), seen)
	case *types.Struct:
		return structProblem(u, seen)
	}
	return ""
}

func structProblem(s *types.Struct, seen map[types.Type]bool) string {
	for i := range s.NumFields() {
		f := s.Field(i)
		if _, _, ignored := jsonTag(s, i); ignored {
			continue
		}
		if !f.Exported() && !f.Embedded() {
			return "field " + f.Name() + " is unexported, so JSON drops it (give the type MarshalJSON and UnmarshalJSON methods)"
		}
		if why := jsonProblem(f.Type(), seen); why != "" {
			return "field " + f.Name() + ": " + why
		}
	}
	return ""
}

// hasMethods reports whether *t has both methods (value or pointer receiver).
func hasMethods(t types.Type, enc, dec string) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	return ms.Lookup(nil, enc) != nil && ms.Lookup(nil, dec) != nil
}

// suggest returns ` (did you mean "x")` for the closest candidate within
// two edits, or "".
func suggest(s string, candidates []string, prefix string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", prefix+best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// lockPath follows go vet's copylocks rule: it returns the lock t holds by
// value (a type whose pointer has Lock and Unlock methods, as sync.Mutex,
// or a struct field or array element that is one), or "".
func lockPath(t types.Type, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if _, ok := t.Underlying().(*types.Interface); ok {
		return ""
	}
	ptr := types.NewMethodSet(types.NewPointer(t))
	val := types.NewMethodSet(t)
	if ptr.Lookup(nil, "Lock") != nil && ptr.Lookup(nil, "Unlock") != nil && val.Lookup(nil, "Lock") == nil {
		return t.String()
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for i := range u.NumFields() {
			if p := lockPath(u.Field(i).Type(), seen); p != "" {
				return p
			}
		}
	case *types.Array:
		return lockPath(u.Elem(), seen)
	}
	return ""
}
