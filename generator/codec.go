package generator

import (
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// This file chooses each key's codec at generation time. The runtime has a
// codec value per basic type (runtime.String, runtime.Int64, runtime.Time,
// runtime.Bytes, …) and generic constructors that compose them
// (runtime.SliceOf, runtime.MapOf, runtime.Marshaler); the generator writes
// one package-level variable per composite key type, built once at package
// initialisation:
//
//	var codecSliceOfString = runtime.SliceOf(runtime.String)
//
// and the accessors call it (codecSliceOfString.Get(s, "roles")). Composing
// runtime values, rather than emitting an encoder per type, keeps the
// generated file small and the wire rules in one tested place (the runtime's
// FuzzCodecs holds every codec to encoding/json plus the JavaScript
// normalisation). A key type with a named type the runtime has no typed
// codec for (a struct, a type with MarshalText or with MarshalJSON on its
// pointer) goes through encoding/json as a whole, as before: runtime.JSON.

// namedCodec says how a named type of a loaded package is encoded.
type namedCodec int

const (
	namedJSON      namedCodec = iota // encoding/json (runtime.JSON for the whole key type)
	namedMarshaler                   // MarshalJSON on the value, UnmarshalJSON on the pointer
	namedBasic                       // a defined basic type without JSON or text methods
)

// A CodecVar is one package-level codec variable of the generated file.
type CodecVar struct {
	Name string
	Type *Type
}

// basicCodecs are the runtime's codec variables of the basic types.
var basicCodecs = map[string]string{
	"string": "String", "bool": "Bool",
	"int": "Int", "int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64", "rune": "Int32",
	"uint": "Uint", "uint8": "Uint8", "uint16": "Uint16", "uint32": "Uint32", "uint64": "Uint64", "byte": "Uint8",
	"float32": "Float32", "float64": "Float64",
}

// declareCodecs names a codec variable for each composite or named type of
// a key or a standalone cookie, in order of first use, and claims the names
// in the package block.
func (l *loader) declareCodecs(s *Schema) {
	byType := map[string]*CodecVar{}
	var keys []*Key
	for _, sess := range s.Sessions {
		keys = append(append(keys, sess.Keys...), sess.Flash...)
	}
	for _, c := range s.Cookies {
		keys = append(keys, c.Value)
	}
	for _, k := range keys {
		t := k.Type
		if t == nil || t.firstErr() != "" || runtimeCodec(t) != "" {
			continue
		}
		key := typeKey(t)
		cv := byType[key]
		if cv == nil {
			cv = &CodecVar{Name: freeName(s.Scope, "codec"+typeWord(t)), Type: t}
			byType[key] = cv
			s.Scope.add(&Decl{Name: cv.Name})
			s.Codecs = append(s.Codecs, cv)
		}
		t.codecVar = cv.Name
	}
}

// freeName returns base, or base2, base3, … if base is taken.
func freeName(sc *Scope, base string) string {
	name := base
	for i := 2; sc.index[name] != nil; i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}

// typeKey is a type's canonical spelling.
func typeKey(t *Type) string {
	switch t.Kind {
	case Slice:
		return "[]" + typeKey(t.Elem)
	case Map:
		return "map[string]" + typeKey(t.Elem)
	case Named:
		return t.Path + "." + t.Name
	}
	return t.Name
}

// typeWord spells a type as part of an identifier: SliceOfString,
// MapOfSliceOfInt64, CartItem.
func typeWord(t *Type) string {
	switch t.Kind {
	case Slice:
		return "SliceOf" + typeWord(t.Elem)
	case Map:
		return "MapOf" + typeWord(t.Elem)
	case Named:
		pkg := t.Path[strings.LastIndex(t.Path, "/")+1:]
		if t.Path == "time" {
			pkg = ""
		}
		return upperFirst(identWord(pkg)) + t.Name
	}
	return upperFirst(t.Name)
}

// identWord keeps the letters and digits of s.
func identWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, s)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// runtimeCodec names the runtime's codec variable of a basic type,
// time.Time and time.Duration, or "".
func runtimeCodec(t *Type) string {
	switch {
	case t.Kind == Basic:
		return basicCodecs[t.Name]
	case t.Kind == Named && t.Path == "time" && (t.Name == "Time" || t.Name == "Duration"):
		return t.Name
	}
	return ""
}

// codecRef is the codec of a key's type: a runtime variable for a basic
// type, time.Time and time.Duration, else the generated variable.
func codecRef(t *Type) *jen.Statement {
	if name := runtimeCodec(t); name != "" {
		return jen.Qual(rt, name)
	}
	return jen.Id(t.codecVar)
}

// emitCodecs writes the codec variables:
//
//	var codecSliceOfString = runtime.SliceOf(runtime.String)
func emitCodecs(f *jen.File, s *Schema) {
	if len(s.Codecs) == 0 {
		return
	}
	f.Line()
	f.Comment("The codecs of the key and cookie types, chosen at generation time: no")
	f.Comment("reflection unless a type is encoded with encoding/json (runtime.JSON).")
	f.Var().DefsFunc(func(g *jen.Group) {
		for _, cv := range s.Codecs {
			g.Id(cv.Name).Op("=").Add(codecExpr(cv.Type))
		}
	})
}

// codecExpr composes the codec of t, or runtime.JSON[T]() when a named
// type in it has no typed codec.
func codecExpr(t *Type) *jen.Statement {
	if c := typedCodec(t); c != nil {
		return c
	}
	return jen.Qual(rt, "JSON").Types(goType(t)).Call()
}

func typedCodec(t *Type) *jen.Statement {
	if name := runtimeCodec(t); name != "" {
		return jen.Qual(rt, name)
	}
	switch t.Kind {
	case Slice:
		if t.Elem.Kind == Basic && (t.Elem.Name == "byte" || t.Elem.Name == "uint8") {
			return jen.Qual(rt, "Bytes") // base64, as encoding/json writes []byte
		}
		return composite("SliceOf", t.Elem)
	case Map:
		return composite("MapOf", t.Elem)
	}
	switch t.codec {
	case namedMarshaler:
		return jen.Qual(rt, "Marshaler").Types(goType(t)).Call()
	case namedBasic:
		return jen.Qual(rt, t.basicCtor).Types(goType(t)).Call()
	}
	return nil
}

func composite(ctor string, elem *Type) *jen.Statement {
	c := typedCodec(elem)
	if c == nil {
		return nil
	}
	return jen.Qual(rt, ctor).Call(c)
}

// classify records how the named type t of a loaded package is encoded.
func classify(t *Type, typ types.Type) {
	ptr := types.NewMethodSet(types.NewPointer(typ))
	val := types.NewMethodSet(typ)
	switch {
	case hasSig(val, "MarshalJSON", 0, "[]byte", "error") && hasSig(ptr, "UnmarshalJSON", 1, "error"):
		t.codec = namedMarshaler
	case ptr.Lookup(nil, "MarshalJSON") != nil || ptr.Lookup(nil, "UnmarshalJSON") != nil ||
		ptr.Lookup(nil, "MarshalText") != nil || ptr.Lookup(nil, "UnmarshalText") != nil:
		t.codec = namedJSON
	default:
		if b, ok := typ.Underlying().(*types.Basic); ok {
			if ctor := basicCtor(b); ctor != "" {
				t.codec, t.basicCtor = namedBasic, ctor
			}
		}
	}
}

// basicCtor names the runtime's generic codec of a defined basic type.
func basicCtor(b *types.Basic) string {
	info := b.Info()
	switch {
	case info&types.IsString != 0:
		return "StringOf"
	case info&types.IsBoolean != 0:
		return "BoolOf"
	case b.Kind() == types.Uintptr:
		return ""
	case info&types.IsUnsigned != 0:
		return "UnsignedOf"
	case info&types.IsInteger != 0:
		return "SignedOf"
	case b.Kind() == types.Float32:
		return "Float32Of"
	case b.Kind() == types.Float64:
		return "Float64Of"
	}
	return ""
}

// hasSig reports whether ms has method name with n parameters and the
// given result types.
func hasSig(ms *types.MethodSet, name string, n int, results ...string) bool {
	sel := ms.Lookup(nil, name)
	if sel == nil {
		return false
	}
	sig := sel.Type().(*types.Signature)
	if sig.Params().Len() != n || sig.Results().Len() != len(results) {
		return false
	}
	if n == 1 && sig.Params().At(0).Type().String() != "[]byte" {
		return false
	}
	for i, r := range results {
		if sig.Results().At(i).Type().String() != r {
			return false
		}
	}
	return true
}
