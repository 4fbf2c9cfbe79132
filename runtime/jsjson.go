package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Values are stored as JSON, written the way JavaScript's JSON.stringify
// writes them so that a cookie made here has the bytes React Router would
// make for the same data: '<', '>', '&', U+2028 and U+2029 are not escaped;
// control characters use \b \f \n \r \t or lower-case \u00XX; NaN and
// ±Infinity become null; -0 is 0; floats use the shortest form that
// round-trips, in exponent form below 1e-6 and from 1e21.

const hexDigits = "0123456789abcdef"

// appendJSString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSFloat appends f as JSON.stringify would.
func appendJSFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		return append(b, '0')
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	return appendFloatFormat(b, f, format, bits)
}

// appendFloatFormat writes f in the shortest form in format 'f' or 'e',
// with an exponent as JavaScript and encoding/json write it (Go writes
// e-07; they write e-7).
func appendFloatFormat(b []byte, f float64, format byte, bits int) []byte {
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Encode returns the JSON encoding of v as React Router would store it.
// Types with a runtime codec (see codecOf) are written by it, with no
// reflection; other types go through encoding/json (so MarshalJSON methods
// are honoured), with HTML escaping off and U+2028/U+2029 written raw.
// Generated code does not call Encode: it calls the codec the generator
// chose for each key's type.
func Encode[T any](v T) ([]byte, error) {
	return appendValue(nil, v)
}

func appendValue[T any](b []byte, v T) ([]byte, error) { return untypedCodec[T]().enc(b, v) }

// untypedCodec is the runtime's codec of T (codecOf), or encoding/json's
// (JSON): what the untyped functions, which cannot compose one, use.
func untypedCodec[T any]() Codec[T] {
	if c, ok := codecOf[T](); ok {
		return c
	}
	return JSON[T]()
}

// The runtime's codecs as interface values, for codecOf: asserting one back
// to its Codec type copies it out and allocates nothing.
var (
	anyString, anyBool                      any = String, Bool
	anyInt, anyInt8, anyInt16, anyInt32     any = Int, Int8, Int16, Int32
	anyInt64, anyDuration                   any = Int64, Duration
	anyUint, anyUint8, anyUint16, anyUint32 any = Uint, Uint8, Uint16, Uint32
	anyUint64, anyFloat32, anyFloat64       any = Uint64, Float32, Float64
	anyBytes, anyTime                       any = Bytes, Time
	anyStrings, anyInt64s, anyStringMap     any = SliceOf(String), SliceOf(Int64), MapOf(String)
)

// codecOf returns the runtime's codec of T, for the untyped Get, Set, Pop,
// Encode, Decode and standalone-cookie functions: every basic type,
// time.Duration, time.Time, []byte, []string, []int64 and
// map[string]string. The switch is on a nil *T (boxing it allocates
// nothing), and the assertion is between identical types.
func codecOf[T any]() (Codec[T], bool) {
	var c any
	switch any((*T)(nil)).(type) {
	case *string:
		c = anyString
	case *bool:
		c = anyBool
	case *int:
		c = anyInt
	case *int8:
		c = anyInt8
	case *int16:
		c = anyInt16
	case *int32:
		c = anyInt32
	case *int64:
		c = anyInt64
	case *time.Duration:
		c = anyDuration
	case *uint:
		c = anyUint
	case *uint8:
		c = anyUint8
	case *uint16:
		c = anyUint16
	case *uint32:
		c = anyUint32
	case *uint64:
		c = anyUint64
	case *float32:
		c = anyFloat32
	case *float64:
		c = anyFloat64
	case *[]byte:
		c = anyBytes
	case *time.Time:
		c = anyTime
	case *[]string:
		c = anyStrings
	case *[]int64:
		c = anyInt64s
	case *map[string]string:
		c = anyStringMap
	}
	codec, ok := c.(Codec[T])
	return codec, ok
}

func appendReflect(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return appendJSNormal(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})), nil
}

// appendJSNormal appends valid compact JSON as JSON.stringify would write
// the same value: strings re-escaped the JavaScript way (raw U+2028/U+2029
// and U+FFFD, no \u escapes for printable characters), -0 as 0, and object
// keys in JavaScript order (integer-like keys first, ascending). It is used
// for what encoding/json writes (maps, structs, nested values).
func appendJSNormal(b, js []byte) []byte {
	switch js[0] {
	case '{', '[':
		o, _ := parseObject(js)
		if js[0] == '[' {
			b = append(b, '[')
			for i, e := range o.entries {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSNormal(b, e.raw)
			}
			return append(b, ']')
		}
		b = append(b, '{')
		for i, e := range o.entries {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSString(b, e.key)
			b = append(b, ':')
			b = appendJSNormal(b, e.raw)
		}
		return append(b, '}')
	case '"':
		if bytes.IndexByte(js, '\\') < 0 {
			return append(b, js...)
		}
		var s string
		if json.Unmarshal(js, &s) != nil {
			return append(b, js...)
		}
		return appendJSString(b, s)
	case '-':
		if string(js) == "-0" {
			return append(b, '0')
		}
	}
	return append(b, js...)
}

// Decode decodes raw JSON into a T. It reports false for JSON null and for
// values that are not a T (a string where an int is declared, an integer
// that overflows). Integers are parsed from their digits, never through
// float64, so an int64 of 2^60 round-trips exactly. Types with a runtime
// codec (see codecOf) are decoded by it, others by encoding/json.
func Decode[T any](raw []byte) (T, bool) { return untypedCodec[T]().Decode(raw) }

// decodeJSON decodes other types with encoding/json. It is apart from
// Decode so that its v, which escapes, is not Decode's.
func decodeJSON[T any](raw []byte) (T, bool) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		var zero T
		return zero, false
	}
	return v, true
}

func decodeBool(raw []byte) (bool, bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// parseInt parses a JSON integer literal without allocating.
func parseInt(raw []byte, bits int) (int64, bool) {
	neg := raw[0] == '-'
	digits := raw
	if neg {
		digits = raw[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if n > limit {
			return 0, false
		}
		return -int64(n), true
	}
	if n >= limit {
		return 0, false
	}
	return int64(n), true
}
