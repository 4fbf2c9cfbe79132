package runtime

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// The codec of a struct type, composed by the generator from a table of
// fields: for each field encoding/json encodes, its JSON name, its codec,
// a function returning a pointer to it, and the tests of its omitempty
// and omitzero options. The generator reads the tags and the field types
// (see generator/structcodec.go); the wire rules are here.

// A StructField is one field of a struct codec; FieldOf returns one.
type StructField[S any] struct {
	name   string
	folded string // encoding/json's case-folded name
	key    []byte // the quoted name and its colon, as JSON.stringify writes them
	ptr    func(b []byte, v *S) ([]byte, error)
	into   func(raw []byte, v *S) bool
	omit   func(v *S) bool
}

// FieldOf returns the field of S named name in JSON, encoded with c; get
// returns a pointer to it. The field is left out of the JSON when one of
// omit reports true for its value (omitempty: Zero, EmptySlice, EmptyMap;
// omitzero: Zero, IsZero, IsZeroPtr, NilOrIsZero, NilSlice, NilMap).
func FieldOf[S, F any](name string, c Codec[F], get func(*S) *F, omit ...func(F) bool) StructField[S] {
	f := StructField[S]{
		name:   name,
		folded: string(appendFoldedName(nil, name)),
		key:    append(appendJSString(nil, name), ':'),
		ptr:    func(b []byte, v *S) ([]byte, error) { return c.ptr(b, get(v)) },
		into:   func(raw []byte, v *S) bool { return c.into(raw, get(v)) },
	}
	if len(omit) > 0 {
		f.omit = func(v *S) bool {
			x := get(v)
			for _, o := range omit {
				if o(*x) {
					return true
				}
			}
			return false
		}
	}
	return f
}

type structCodec[S any] struct {
	fields []StructField[S] // in the order of the type, for decoding
	order  []StructField[S] // in JavaScript's order, for encoding
}

// StructOf returns the codec of the struct type S whose JSON fields are
// fields, in the type's order, with distinct names. It writes a JSON
// object with the fields that are not omitted, array-index names first
// (ascending), then the others in order, as JSON.parse and JSON.stringify
// of encoding/json's output would. It decodes as encoding/json does: a
// member's name matches a field's exactly or else case-insensitively
// (the first such field), other members are ignored, a member met twice
// is decoded into the field again, null leaves a field as it is unless
// its type is a slice, a map or a pointer (then nil), and any value of
// the wrong type refuses the whole value.
func StructOf[S any](fields ...StructField[S]) Codec[S] {
	for i := range fields {
		for j := range i {
			if fields[j].name == fields[i].name {
				panic("runtime.StructOf: two fields named " + fields[i].name)
			}
		}
	}
	st := &structCodec[S]{fields: fields, order: slices.Clone(fields)}
	slices.SortStableFunc(st.order, func(a, b StructField[S]) int { return indexKeyOrder(a.name, b.name) })
	enc := func(b []byte, v S) ([]byte, error) { return st.append(b, &v) }
	return Codec[S]{enc: enc, elem: enc, ptr: st.append, dec: st.decode, into: st.into}
}

func (st *structCodec[S]) append(b []byte, v *S) ([]byte, error) {
	b = append(b, '{')
	n := len(b)
	for i := range st.order {
		f := &st.order[i]
		if f.omit != nil && f.omit(v) {
			continue
		}
		if len(b) > n {
			b = append(b, ',')
		}
		var err error
		if b, err = f.ptr(append(b, f.key...), v); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func (st *structCodec[S]) decode(raw []byte) (S, bool) {
	var v S
	ok := st.into(raw, &v)
	return v, ok
}

// into decodes the members in one pass, each value validated as it is
// met (countItems would scan the object once more).
func (st *structCodec[S]) into(raw []byte, v *S) bool {
	if isNull(raw) {
		return true
	}
	if len(raw) < 2 || raw[0] != '{' {
		return false
	}
	if raw[1] == '}' {
		return len(raw) == 2
	}
	for at := 1; ; {
		if at >= len(raw) || raw[at] != '"' {
			return false
		}
		kend := scanString(raw, at)
		if kend < 0 || kend >= len(raw) || raw[kend] != ':' {
			return false
		}
		end := scanValue(raw, kend+1, 1)
		if end < 0 || end >= len(raw) {
			return false
		}
		name, ok := unquote(raw[at:kend])
		if !ok {
			return false
		}
		if f := st.field(name); f != nil && !f.into(raw[kend+1:end:end], v) {
			return false
		}
		switch raw[end] {
		case '}':
			return end == len(raw)-1
		case ',':
			at = end + 1
		default:
			return false
		}
	}
}

// field returns the field a member's name selects, as encoding/json
// chooses it: the one of that name, else the first whose name folds to
// the same, else nil.
func (st *structCodec[S]) field(name string) *StructField[S] {
	for i := range st.fields {
		if st.fields[i].name == name {
			return &st.fields[i]
		}
	}
	var buf [32]byte
	folded := appendFoldedName(buf[:0], name)
	for i := range st.fields {
		if st.fields[i].folded == string(folded) {
			return &st.fields[i]
		}
	}
	return nil
}

// appendFoldedName is encoding/json's case folding of field names
// (unexported there, so written again here): ASCII letters upper-cased,
// other runes mapped to the smallest rune of their Unicode folding orbit.
func appendFoldedName(out []byte, in string) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// PointerOf returns the codec of *T: null for nil, else the value's JSON.
// Decoding allocates a T, or decodes into the one pointed to, as
// encoding/json does; null gives nil.
func PointerOf[T any](c Codec[T]) Codec[*T] {
	enc := func(b []byte, p *T) ([]byte, error) {
		if p == nil {
			return append(b, "null"...), nil
		}
		return c.ptr(b, p)
	}
	pc := newCodec(enc, func(raw []byte) (*T, bool) {
		var p *T
		ok := pointerInto(raw, &p, c)
		return p, ok
	})
	pc.into = func(raw []byte, p **T) bool { return pointerInto(raw, p, c) }
	return pc
}

func pointerInto[T any](raw []byte, p **T, c Codec[T]) bool {
	if isNull(raw) {
		*p = nil
		return true
	}
	if *p == nil {
		*p = new(T)
	}
	return c.into(raw, *p)
}

// The omitempty and omitzero tests of struct fields (see FieldOf).

// Zero reports whether v is its type's zero value: omitempty and omitzero
// of strings, numbers, booleans and pointers, omitzero of comparable
// structs.
func Zero[T comparable](v T) bool {
	var zero T
	return v == zero
}

// EmptySlice reports whether v has no elements: omitempty of a slice.
func EmptySlice[S ~[]E, E any](v S) bool { return len(v) == 0 }

// EmptyMap reports whether v has no entries: omitempty of a map.
func EmptyMap[M ~map[K]E, K comparable, E any](v M) bool { return len(v) == 0 }

// NilSlice reports whether v is nil: omitzero of a slice.
func NilSlice[S ~[]E, E any](v S) bool { return v == nil }

// NilMap reports whether v is nil: omitzero of a map.
func NilMap[M ~map[K]E, K comparable, E any](v M) bool { return v == nil }

// IsZero calls v's IsZero method: omitzero of a type that has one.
func IsZero[T interface{ IsZero() bool }](v T) bool { return v.IsZero() }

// IsZeroPtr calls IsZero on a pointer to v: omitzero of a type whose
// pointer has the method.
func IsZeroPtr[T any, P interface {
	*T
	IsZero() bool
}](v T) bool {
	return P(&v).IsZero()
}

// NilOrIsZero reports whether the pointer v is nil or its IsZero method
// reports true: omitzero of a pointer type that has one.
func NilOrIsZero[P interface {
	comparable
	IsZero() bool
}](v P) bool {
	var zero P
	return v == zero || v.IsZero()
}
