package generator

import (
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"
)

// This file gives a named struct type a generated codec, as easyjson
// does: the generator reads its fields and tags as encoding/json would
// and composes the runtime's struct codec from them,
//
//	codecCartItem = runtime.StructOf(
//		runtime.FieldOf("sku", runtime.String, func(v *cart.Item) *string { return &v.SKU }),
//		runtime.FieldOf("qty", runtime.Int, func(v *cart.Item) *int { return &v.Qty }, runtime.Zero),
//	)
//
// (the wire rules, key order and decoding are the runtime's, in one tested
// place). A struct keeps encoding/json (runtime.JSON) when a rule would
// be too intricate to repeat: an embedded field (promotion), a ",string"
// option, a field type without a typed codec (an interface, an array, an
// unnamed struct, a named slice or map, a map with non-string keys, a
// type with MarshalText or with MarshalJSON on its pointer), omitzero on a
// non-comparable struct without IsZero, or a type that contains itself.

// A structPlan is the generated codec of one named struct type.
type structPlan struct {
	typ    *types.Named
	fields []fieldPlan
}

// A fieldPlan is one field encoding/json encodes.
type fieldPlan struct {
	json   string // its JSON name
	goName string
	tagged bool // the name comes from the tag
	typ    types.Type
	codec  *jen.Statement
	omit   []string // the runtime's omitempty/omitzero tests
}

// planner plans the struct codecs of a schema.
type planner struct {
	s     *Schema
	vars  map[string]*CodecVar // by "path.Name"
	state map[string]string    // "" not seen, "…" in progress, "ok", else why not
}

// planStructs gives each named struct type of the keys and cookies, and each struct
// type inside them, a codec variable when its fields allow; the others
// keep encoding/json.
func planStructs(s *Schema) {
	p := &planner{s: s, vars: map[string]*CodecVar{}, state: map[string]string{}}
	for _, cv := range s.Codecs {
		if cv.Type.Kind == Named {
			p.vars[typeKey(cv.Type)] = cv
		}
	}
	for _, k := range codecKeys(s) {
		if k.Type == nil || k.Type.firstErr() != "" {
			continue
		}
		k.Type.walk(func(t *Type) {
			if t.Kind != Named || t.codec != namedPlain || t.resolved == nil {
				return
			}
			named, ok := t.resolved.(*types.Named)
			if !ok {
				return
			}
			if name, why := p.structVar(named); why == "" {
				t.codec, t.structVar = namedStruct, name
			} else {
				t.jsonWhy = why
			}
		})
	}
}

// structVar returns the codec variable of the struct type n, declaring
// it, or why n keeps encoding/json.
func (p *planner) structVar(n *types.Named) (string, string) {
	key := n.Obj().Pkg().Path() + "." + n.Obj().Name()
	switch st := p.state[key]; st {
	case "ok":
		return p.vars[key].Name, ""
	case "…":
		return "", n.Obj().Name() + " contains itself"
	case "":
	default:
		return "", st
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return "", "a named type of underlying type " + n.Underlying().String() + " has no typed codec"
	}
	p.state[key] = "…"
	plan, why := p.plan(n, st)
	if why != "" {
		p.state[key] = why
		return "", why
	}
	p.state[key] = "ok"
	cv := p.vars[key]
	if cv == nil {
		cv = &CodecVar{Name: freeName(p.s.Scope, "codec"+p.word(n.Obj()))}
		p.s.Scope.add(&Decl{Name: cv.Name})
		p.s.Codecs = append(p.s.Codecs, cv)
		p.vars[key] = cv
	}
	cv.Struct = plan
	return cv.Name, ""
}

// word spells a type as part of an identifier, as typeWord does: Line for
// a type of the generated package, CartItem for cart.Item.
func (p *planner) word(obj *types.TypeName) string {
	path := obj.Pkg().Path()
	if path == p.s.PkgPath {
		return obj.Name()
	}
	return upperFirst(identWord(path[strings.LastIndex(path, "/")+1:])) + obj.Name()
}

// plan reads the fields of st as encoding/json's typeFields does for a
// struct without embedded fields.
func (p *planner) plan(n *types.Named, st *types.Struct) (*structPlan, string) {
	plan := &structPlan{typ: n}
	for i := range st.NumFields() {
		f := st.Field(i)
		name, options, ignored := jsonTag(st, i)
		if f.Embedded() {
			if ignored || !f.Exported() && !isStruct(f.Type()) {
				continue // ignored by encoding/json
			}
			return nil, "field " + f.Name() + " is embedded (encoding/json's promotion rules)"
		}
		if !f.Exported() || ignored {
			continue
		}
		fp := fieldPlan{json: name, goName: f.Name(), tagged: name != "", typ: f.Type()}
		if name == "" {
			fp.json = f.Name()
		}
		if slices.Contains(options, "string") {
			return nil, "field " + f.Name() + " has the ,string option"
		}
		var why string
		if fp.codec, why = p.codec(f.Type()); why != "" {
			return nil, "field " + f.Name() + ": " + why
		}
		if slices.Contains(options, "omitempty") {
			fp.omit = append(fp.omit, omitEmpty(f.Type())...)
		}
		if slices.Contains(options, "omitzero") {
			test := omitZero(f.Type())
			if test == "" {
				return nil, "field " + f.Name() + " has omitzero on a struct that is neither comparable nor has IsZero"
			}
			fp.omit = append(fp.omit, test)
		}
		plan.fields = append(plan.fields, fp)
	}
	plan.fields = dominant(plan.fields, func(f fieldPlan) (string, int, bool) { return f.json, 0, f.tagged })
	return plan, ""
}

// dominant applies encoding/json's rule to fields that share a JSON name:
// of those at the shallowest depth (embedding), the only one, or else the
// only one whose name comes from its tag, is encoded; otherwise none. The
// fields kept keep their order.
func dominant[F any](fields []F, attrs func(F) (name string, depth int, tagged bool)) []F {
	return slices.DeleteFunc(slices.Clone(fields), func(f F) bool {
		name, depth, tagged := attrs(f)
		top, taggedTop := 0, 0
		for _, g := range fields {
			switch gName, gDepth, gTagged := attrs(g); {
			case gName != name:
			case gDepth < depth:
				return true // a shallower field of the name wins
			case gDepth == depth:
				top++
				if gTagged {
					taggedTop++
				}
			}
		}
		return top > 1 && !(tagged && taggedTop == 1)
	})
}

// jsonTag reads the json tag of field i of s as encoding/json does: the
// name ("" when there is none or it is not valid: the field's name is
// used), the options, and whether the field is ignored (json:"-").
func jsonTag(s *types.Struct, i int) (name string, opts []string, ignored bool) {
	tag := reflect.StructTag(s.Tag(i)).Get("json")
	if tag == "-" {
		return "", nil, true
	}
	name, rest, _ := strings.Cut(tag, ",")
	if !isValidTag(name) {
		name = ""
	}
	return name, strings.Split(rest, ","), false
}

// isValidTag is encoding/json's test of a tag name (unexported there).
func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// isByte reports whether t's underlying type is uint8.
func isByte(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Uint8
}

func isStruct(t types.Type) bool {
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// codec composes the codec of a field type, or says why there is none.
func (p *planner) codec(t types.Type) (*jen.Statement, string) {
	t = types.Unalias(t)
	switch u := t.(type) {
	case *types.Basic:
		if name := basicCodecs[u.Name()]; name != "" {
			return jen.Qual(rt, name), ""
		}
	case *types.Pointer:
		return p.wrap("PointerOf", u.Elem())
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).(*types.Basic); ok && b.Kind() == types.Uint8 {
			return jen.Qual(rt, "Bytes"), "" // base64, as encoding/json writes []byte
		}
		if isByte(u.Elem()) {
			return nil, "a slice of a defined byte type (base64 or an array, by its methods)"
		}
		return p.wrap("SliceOf", u.Elem())
	case *types.Map:
		if !types.Identical(u.Key(), types.Typ[types.String]) {
			break
		}
		return p.wrap("MapOf", u.Elem())
	case *types.Named:
		return p.namedCodec(u)
	}
	return nil, "no typed codec for " + t.String()
}

func (p *planner) wrap(ctor string, elem types.Type) (*jen.Statement, string) {
	c, why := p.codec(elem)
	if why != "" {
		return nil, why
	}
	return jen.Qual(rt, ctor).Call(c), ""
}

func (p *planner) namedCodec(n *types.Named) (*jen.Statement, string) {
	obj := n.Obj()
	if obj.Pkg() == nil || n.TypeArgs().Len() > 0 {
		return nil, "no typed codec for " + n.String()
	}
	if obj.Pkg().Path() == "time" && (obj.Name() == "Time" || obj.Name() == "Duration") {
		return jen.Qual(rt, obj.Name()), ""
	}
	if why := p.nameable(obj); why != "" {
		return nil, why
	}
	switch kind, ctor := classifyType(n); kind {
	case namedMarshaler:
		return jen.Qual(rt, "Marshaler").Types(goTypeOf(n)).Call(), ""
	case namedBasic:
		return jen.Qual(rt, ctor).Types(goTypeOf(n)).Call(), ""
	case namedPlain:
		if _, ok := n.Underlying().(*types.Struct); ok {
			name, why := p.structVar(n)
			return jen.Id(name), why
		}
	}
	return nil, "no typed codec for " + n.String()
}

// nameable says why the generated file cannot name the type obj, or "".
func (p *planner) nameable(obj *types.TypeName) string {
	path := obj.Pkg().Path()
	if path == p.s.PkgPath {
		return ""
	}
	if !token.IsExported(obj.Name()) {
		return obj.Name() + " is unexported"
	}
	if !canImport(p.s.PkgPath, path) {
		return "package " + path + " is internal to another tree"
	}
	if _, ok := p.s.Imports[path]; !ok && !slices.Contains(ownImports, path) {
		p.s.Imports[path] = obj.Pkg().Name()
	}
	return ""
}

// canImport applies Go's rule for internal packages: from may import
// path if it is inside the tree rooted at the parent of path's last
// "internal" element.
func canImport(from, path string) bool {
	elems := strings.Split(path, "/")
	for i := len(elems) - 1; i >= 0; i-- {
		if elems[i] == "internal" {
			parent := strings.Join(elems[:i], "/")
			return parent != "" && (from == parent || strings.HasPrefix(from, parent+"/"))
		}
	}
	return true
}

// ownImports are the packages the generated file imports for itself,
// under their own names.
var ownImports = []string{"context", "net/http", "time", rt}

// goTypeOf spells a field type.
func goTypeOf(t types.Type) *jen.Statement {
	switch u := types.Unalias(t).(type) {
	case *types.Basic:
		return jen.Id(u.Name())
	case *types.Pointer:
		return jen.Op("*").Add(goTypeOf(u.Elem()))
	case *types.Slice:
		return jen.Index().Add(goTypeOf(u.Elem()))
	case *types.Map:
		return jen.Map(goTypeOf(u.Key())).Add(goTypeOf(u.Elem()))
	case *types.Named:
		return jen.Qual(u.Obj().Pkg().Path(), u.Obj().Name())
	}
	panic("sessiongen: internal error: no spelling for " + t.String())
}

// omitEmpty is the runtime's test of encoding/json's omitempty for t
// (a struct is never empty).
func omitEmpty(t types.Type) []string {
	switch types.Unalias(t).Underlying().(type) {
	case *types.Slice:
		return []string{"EmptySlice"}
	case *types.Map:
		return []string{"EmptyMap"}
	case *types.Basic, *types.Pointer:
		return []string{"Zero"}
	}
	return nil
}

// omitZero is the runtime's test of encoding/json's omitzero for t: its
// IsZero method if it has one, else reflect.Value.IsZero's rule; "" for a
// struct whose zero test the runtime has no way to write.
func omitZero(t types.Type) string {
	t = types.Unalias(t)
	_, isPtr := t.Underlying().(*types.Pointer)
	switch {
	case isPtr && hasSig(types.NewMethodSet(t), "IsZero", 0, "bool"):
		return "NilOrIsZero"
	case hasSig(types.NewMethodSet(t), "IsZero", 0, "bool"):
		return "IsZero"
	case !isPtr && hasSig(types.NewMethodSet(types.NewPointer(t)), "IsZero", 0, "bool"):
		return "IsZeroPtr"
	}
	switch t.Underlying().(type) {
	case *types.Slice:
		return "NilSlice"
	case *types.Map:
		return "NilMap"
	case *types.Struct:
		if !types.Comparable(t) {
			return ""
		}
	}
	return "Zero"
}

// expr writes the codec of a planned struct:
//
//	runtime.StructOf(runtime.FieldOf("sku", runtime.String, func(v *Item) *string { return &v.SKU }), …)
func (p *structPlan) expr() *jen.Statement {
	self := jen.Qual(p.typ.Obj().Pkg().Path(), p.typ.Obj().Name())
	var fields []jen.Code
	for _, f := range p.fields {
		args := []jen.Code{jen.Lit(f.json), f.codec,
			jen.Func().Params(jen.Id("v").Op("*").Add(self.Clone())).Op("*").Add(goTypeOf(f.typ)).
				Custom(jen.Options{Open: "{", Close: "}"}, jen.Return(jen.Op("&").Id("v").Dot(f.goName)))}
		for _, o := range f.omit {
			args = append(args, jen.Qual(rt, o))
		}
		fields = append(fields, jen.Qual(rt, "FieldOf").Call(args...))
	}
	return jen.Qual(rt, "StructOf").Custom(jen.Options{Open: "(", Close: ")", Separator: ",", Multi: true}, fields...)
}
