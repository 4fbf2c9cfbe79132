package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
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
// Basic types, []string and time.Time take a reflection-free path; other
// types go through encoding/json (so MarshalJSON methods are honoured), with
// HTML escaping off and U+2028/U+2029 written raw.
func Encode[T any](v T) ([]byte, error) {
	return appendValue(nil, v)
}

func appendValue[T any](b []byte, v T) ([]byte, error) {
	switch x := any(v).(type) {
	case string:
		return appendJSString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float64:
		return appendJSFloat(b, x, 64), nil
	case float32:
		return appendJSFloat(b, float64(x), 32), nil
	case time.Duration:
		return strconv.AppendInt(b, int64(x), 10), nil
	case []string:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSString(b, s)
		}
		return append(b, ']'), nil
	}
	return appendReflect(b, v)
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
// float64, so an int64 of 2^60 round-trips exactly.
func Decode[T any](raw []byte) (T, bool) {
	var v T
	if len(raw) == 0 || string(raw) == "null" {
		return v, false
	}
	// Switching on a nil *T (not on &v, which would escape, nor on v, which
	// generic code boxes) allocates nothing; the casts are between
	// identical types.
	switch any((*T)(nil)).(type) {
	case *string:
		str, ok := decodeString(raw)
		return *(*T)(unsafe.Pointer(&str)), ok
	case *bool:
		b, ok := decodeBool(raw)
		return *(*T)(unsafe.Pointer(&b)), ok
	case *int:
		n, ok := parseInt(raw, strconv.IntSize)
		i := int(n)
		return *(*T)(unsafe.Pointer(&i)), ok
	case *int64:
		n, ok := parseInt(raw, 64)
		return *(*T)(unsafe.Pointer(&n)), ok
	case *float64:
		f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(raw), len(raw)), 64)
		ok := err == nil && raw[0] != '"'
		return *(*T)(unsafe.Pointer(&f)), ok
	}
	return decodeJSON[T](raw)
}

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

// decodeString decodes a JSON string. Without escapes the result aliases
// raw: stored values are never modified in place (a set replaces the
// slice), so the string stays valid.
func decodeString(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		inner := raw[1 : len(raw)-1]
		return unsafe.String(unsafe.SliceData(inner), len(inner)), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
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
