package runtime

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A Codec encodes and decodes the values of one Go type as session JSON,
// with no reflection: the generated code composes one per key type at
// generation time (runtime.SliceOf(runtime.String) for []string) and calls
// its Get, Set, Flash and Pop methods.
//
// A Codec writes the bytes Encode writes (JavaScript's JSON.stringify bytes:
// key order, escaping, numbers) and accepts what Decode accepts: integers
// are read from their digits, a value of another type, an overflowing
// number or JSON null gives false. Inside arrays and objects it follows
// encoding/json, as Encode and Decode do for composite types: a nested null
// decodes as the zero value, and a non-finite float is refused.
//
// The zero Codec is not usable; use the package's codecs and constructors.
type Codec[T any] struct {
	enc  func(b []byte, v T) ([]byte, error) // a key's value
	elem func(b []byte, v T) ([]byte, error) // inside an array or object
	dec  func(raw []byte) (T, bool)          // encoding/json's rules: null is the zero value
}

// newCodec returns the codec whose nested encoding is its top-level one.
func newCodec[T any](enc func([]byte, T) ([]byte, error), dec func([]byte) (T, bool)) Codec[T] {
	return Codec[T]{enc: enc, elem: enc, dec: dec}
}

// Append appends the JSON of v to b.
func (c Codec[T]) Append(b []byte, v T) ([]byte, error) { return c.enc(b, v) }

// Decode decodes raw JSON as a T. It reports false for JSON null and for a
// value that is not a T.
func (c Codec[T]) Decode(raw []byte) (T, bool) {
	var zero T
	if len(raw) == 0 || isNull(raw) {
		return zero, false
	}
	if v, ok := c.dec(raw); ok {
		return v, true
	}
	// Stored values are compact JSON; a value set raw with whitespace is
	// compacted and tried once more.
	if compact, ok := compactJSON(raw); ok && len(compact) != len(raw) {
		if v, ok := c.dec(compact); ok {
			return v, true
		}
	}
	return zero, false
}

// Get returns the value of key decoded as a T, and whether it is set and
// decodes.
func (c Codec[T]) Get(s *Session, key string) (T, bool) {
	raw, ok := s.Raw(key)
	if !ok {
		var zero T
		return zero, false
	}
	return c.Decode(raw)
}

// Set encodes v and stores it under key. An encoding error is kept and
// returned by the next CommitSession.
func (c Codec[T]) Set(s *Session, key string, v T) {
	if s == nil {
		return
	}
	start := s.arenaStart()
	arena, err := c.enc(s.arena, v)
	s.setArena(key, start, arena, err)
}

// Flash encodes v and stores it as the flash value of key.
func (c Codec[T]) Flash(s *Session, key string, v T) {
	if s != nil {
		c.Set(s, s.flashKey(key), v)
	}
}

// Pop returns the flash value of key decoded as a T and removes it.
func (c Codec[T]) Pop(s *Session, key string) (T, bool) {
	raw, ok := s.PopFlashRaw(key)
	if !ok {
		var zero T
		return zero, false
	}
	return c.Decode(raw)
}

func isNull(raw []byte) bool { return string(raw) == "null" }

// SliceOf returns the codec of []T: a JSON array, null for a nil slice.
func SliceOf[T any](c Codec[T]) Codec[[]T] {
	enc := func(b []byte, v []T) ([]byte, error) {
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = c.elem(b, v[i]); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	return newCodec(enc, func(raw []byte) ([]T, bool) { return decodeArray(raw, c.dec) })
}

// decodeArray decodes a JSON array into a new slice of the exact length
// (one allocation): a first pass counts and validates the elements.
func decodeArray[T any](raw []byte, dec func([]byte) (T, bool)) ([]T, bool) {
	if isNull(raw) {
		return nil, true
	}
	n, ok := countItems(raw, '[', ']')
	if !ok {
		return nil, false
	}
	out := make([]T, n)
	for i, at := 0, 1; i < n; i++ {
		end := scanValue(raw, at, 1)
		if out[i], ok = dec(raw[at:end:end]); !ok {
			return nil, false
		}
		at = end + 1
	}
	return out, true
}

// countItems validates the compact JSON array or object raw and counts its
// elements or members.
func countItems(raw []byte, open, closer byte) (int, bool) {
	if len(raw) < 2 || raw[0] != open {
		return 0, false
	}
	if raw[1] == closer {
		return 0, len(raw) == 2
	}
	n := 0
	for i := 1; i < len(raw); n++ {
		if open == '{' {
			if raw[i] != '"' {
				return 0, false
			}
			if i = scanString(raw, i); i < 0 || i >= len(raw) || raw[i] != ':' {
				return 0, false
			}
			i++
		}
		end := scanValue(raw, i, 1)
		if end < 0 || end >= len(raw) {
			return 0, false
		}
		if raw[end] == closer {
			return n + 1, end == len(raw)-1
		}
		if raw[end] != ',' {
			return 0, false
		}
		i = end + 1
	}
	return 0, false
}

// MapOf returns the codec of map[string]T: a JSON object whose keys are in
// JavaScript's order (array-index keys ascending, then the others sorted as
// encoding/json sorts them), null for a nil map.
func MapOf[T any](c Codec[T]) Codec[map[string]T] {
	return newCodec(func(b []byte, m map[string]T) ([]byte, error) { return appendMap(b, m, c.elem) },
		func(raw []byte) (map[string]T, bool) { return decodeMap(raw, c.dec) })
}

func appendMap[T any](b []byte, m map[string]T, elem func([]byte, T) ([]byte, error)) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	keys := make([]string, 0, len(m))
	valid := true
	for k := range m {
		keys = append(keys, k)
		valid = valid && utf8.ValidString(k)
	}
	slices.SortFunc(keys, jsKeyOrder)
	if !valid {
		return appendMapInvalid(b, m, keys, elem)
	}
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendJSString(b, k), ':')
		var err error
		if b, err = elem(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendMapInvalid writes a map with keys that are not valid UTF-8: they
// become U+FFFD, so two keys can meet; the first keeps its place and the
// last its value, as JSON.parse of encoding/json's output does.
func appendMapInvalid[T any](b []byte, m map[string]T, keys []string, elem func([]byte, T) ([]byte, error)) ([]byte, error) {
	var o object
	for _, k := range keys {
		raw, err := elem(nil, m[k])
		if err != nil {
			return b, err
		}
		o.set(replaceInvalid(k), raw)
	}
	return o.appendJSON(b), nil
}

// replaceInvalid replaces each byte of s that is not part of valid UTF-8
// with U+FFFD, one per byte as encoding/json does (strings.ToValidUTF8
// would replace a whole run with one).
func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\ufffd")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// jsKeyOrder orders object keys as JavaScript does for keys inserted in
// sorted order: array indexes first, ascending, then the others.
func jsKeyOrder(a, b string) int {
	if c := indexKeyOrder(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func decodeMap[T any](raw []byte, dec func([]byte) (T, bool)) (map[string]T, bool) {
	if isNull(raw) {
		return nil, true
	}
	n, ok := countItems(raw, '{', '}')
	if !ok {
		return nil, false
	}
	m := make(map[string]T, n)
	for i, at := 0, 1; i < n; i++ {
		kend := scanString(raw, at)
		key, ok := unquote(raw[at:kend])
		if !ok {
			return nil, false
		}
		end := scanValue(raw, kend+1, 1)
		e, ok := dec(raw[kend+1 : end : end])
		if !ok {
			return nil, false
		}
		m[key] = e
		at = end + 1
	}
	return m, true
}

// Marshaler returns the codec of a type with a MarshalJSON method on its
// value and UnmarshalJSON on its pointer: MarshalJSON's output is checked,
// compacted and written the JavaScript way; UnmarshalJSON gets the value's
// JSON (null too, inside arrays and objects, as encoding/json does).
func Marshaler[T json.Marshaler, P interface {
	*T
	json.Unmarshaler
}]() Codec[T] {
	return newCodec(func(b []byte, v T) ([]byte, error) {
		js, err := v.MarshalJSON()
		if err != nil {
			return b, &json.MarshalerError{Err: err}
		}
		compact, ok := compactJSON(js)
		if !ok {
			return b, errBadMarshalJSON
		}
		return appendJSNormal(b, compact), nil
	}, func(raw []byte) (T, bool) {
		var v T
		err := P(&v).UnmarshalJSON(raw)
		return v, err == nil
	})
}

// JSON returns the codec that goes through encoding/json, for named types
// the generator has no typed codec for (structs, types with MarshalText,
// MarshalJSON on a pointer). It writes what Encode writes for them.
func JSON[T any]() Codec[T] {
	return newCodec(func(b []byte, v T) ([]byte, error) { return appendReflect(b, v) },
		func(raw []byte) (T, bool) { return decodeJSON[T](raw) })
}

// Time is the codec of time.Time: a quoted RFC 3339 string with
// nanoseconds, as Time.MarshalJSON writes it (a year outside 0–9999 is
// refused, as there).
var Time = newCodec(func(b []byte, t time.Time) ([]byte, error) {
	out, err := t.AppendText(append(b, '"'))
	if err != nil {
		_, err = t.MarshalJSON() // the same refusal, in MarshalJSON's words
		return b, &json.MarshalerError{Err: err}
	}
	return append(out, '"'), nil
}, func(raw []byte) (time.Time, bool) {
	var t time.Time
	err := t.UnmarshalJSON(raw)
	return t, err == nil
})

// compactJSON returns raw without whitespace between tokens, and whether
// it is one valid JSON value. Compact input is returned as it is.
func compactJSON(raw []byte) ([]byte, bool) {
	if len(raw) > 0 && scanValue(raw, 0, 0) == len(raw) {
		return raw, true
	}
	out := make([]byte, 0, len(raw))
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString && c == '\\' && i+1 < len(raw):
			out = append(out, c, raw[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			continue
		}
		out = append(out, c)
	}
	return out, len(out) > 0 && scanValue(out, 0, 0) == len(out)
}

// unquote decodes a JSON string token as encoding/json does: escapes
// resolved, a lone surrogate or invalid UTF-8 as U+FFFD. Without escapes
// the result aliases raw: stored values are never modified in place (a set
// replaces the slice), so the string stays valid.
func unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) && !hasControl(inner) {
		return aliasString(inner), true
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); {
		c := inner[i]
		switch {
		case c == '\\':
			var ok bool
			if out, i, ok = appendEscape(out, inner, i); !ok {
				return "", false
			}
		case c == '"' || c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(inner[i:])
			out = utf8.AppendRune(out, r)
			i += size
		}
	}
	return string(out), true
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' {
			return true
		}
	}
	return false
}
