package runtime

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The codecs of the basic types and time.Duration (an int64 in JSON, as
// encoding/json writes it). Byte and rune are Uint8 and Int32; []byte is
// Bytes (base64, as encoding/json writes it), not SliceOf(Uint8).
var (
	String   = newCodec(appendStringValue, decodeStringInto)
	Bool     = newCodec(appendBoolValue, decodeBoolInto)
	Int      = signed[int]()
	Int8     = signed[int8]()
	Int16    = signed[int16]()
	Int32    = signed[int32]()
	Int64    = signed[int64]()
	Duration = signed[time.Duration]()
	Uint     = unsigned[uint]()
	Uint8    = unsigned[uint8]()
	Uint16   = unsigned[uint16]()
	Uint32   = unsigned[uint32]()
	Uint64   = unsigned[uint64]()
	Float64  = floating[float64](64)
	Float32  = floating[float32](32)
	Bytes    = newCodec(appendBytes, decodeBytes).nullSetsZero()
)

var errBadMarshalJSON = errors.New("json: MarshalJSON returned invalid JSON")

func appendStringValue(b []byte, s string) ([]byte, error) { return appendJSString(b, s), nil }

func decodeStringInto(raw []byte) (string, bool) {
	if isNull(raw) {
		return "", true
	}
	return unquote(raw)
}

func appendBoolValue(b []byte, v bool) ([]byte, error) { return strconv.AppendBool(b, v), nil }

func decodeBoolInto(raw []byte) (bool, bool) {
	if isNull(raw) {
		return false, true
	}
	return decodeBool(raw)
}

// signed is the codec of a signed integer type, decoded from its digits.
func signed[T ~int | ~int8 | ~int16 | ~int32 | ~int64]() Codec[T] {
	bits := int(unsafe.Sizeof(T(0))) * 8
	return newCodec(func(b []byte, v T) ([]byte, error) { return strconv.AppendInt(b, int64(v), 10), nil },
		func(raw []byte) (T, bool) {
			if isNull(raw) {
				return 0, true
			}
			n, ok := parseInt(raw, bits)
			return T(n), ok
		})
}

// unsigned is the codec of an unsigned integer type.
func unsigned[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64]() Codec[T] {
	bits := int(unsafe.Sizeof(T(0))) * 8
	return newCodec(func(b []byte, v T) ([]byte, error) { return strconv.AppendUint(b, uint64(v), 10), nil },
		func(raw []byte) (T, bool) {
			if isNull(raw) {
				return 0, true
			}
			n, ok := parseUint(raw, bits)
			return T(n), ok
		})
}

// parseUint parses a JSON integer literal of at most bits bits.
func parseUint(raw []byte, bits int) (uint64, bool) {
	if len(raw) == 0 || len(raw) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, bits == 64 || n < 1<<bits
}

// floating is the codec of a float type. A key's value is written as
// JSON.stringify writes it (NaN and ±Infinity as null); inside an array or
// object a non-finite float is refused and float32 uses encoding/json's
// exponent cut-offs, as Encode does there.
func floating[T ~float32 | ~float64](bits int) Codec[T] {
	c := newCodec(func(b []byte, v T) ([]byte, error) { return appendJSFloat(b, float64(v), bits), nil },
		func(raw []byte) (T, bool) {
			if isNull(raw) {
				return 0, true
			}
			if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
				return 0, false
			}
			f, err := strconv.ParseFloat(aliasString(raw), bits)
			return T(f), err == nil
		})
	return c.withElem(func(b []byte, v T) ([]byte, error) { return appendJSONFloat(b, float64(v), bits) })
}

// appendJSONFloat writes f as encoding/json does, normalised the
// JavaScript way (-0 as 0).
func appendJSONFloat(b []byte, f float64, bits int) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, bits))
	}
	if f == 0 {
		return append(b, '0'), nil
	}
	abs := math.Abs(f)
	format := byte('f')
	if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
		format = 'e'
	}
	return appendFloatFormat(b, f, format, bits), nil
}

func appendBytes(b []byte, v []byte) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"'), nil
}

// decodeBytes reads base64 text, or an array of bytes, as encoding/json
// does.
func decodeBytes(raw []byte) ([]byte, bool) {
	if isNull(raw) {
		return nil, true
	}
	if raw[0] == '[' {
		return decodeArray(raw, Uint8.into)
	}
	s, ok := unquote(raw)
	if !ok {
		return nil, false
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, []byte(s))
	return out[:n], err == nil
}

// aliasString returns b as a string without copying; b must not change.
func aliasString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendEscape decodes the escape at s[i] (a backslash) onto out, as
// encoding/json does, and returns the index after it.
func appendEscape(out, s []byte, i int) ([]byte, int, bool) {
	if i+1 >= len(s) {
		return out, i, false
	}
	switch c := s[i+1]; c {
	case '"', '\\', '/':
		return append(out, c), i + 2, true
	case 'b':
		return append(out, '\b'), i + 2, true
	case 'f':
		return append(out, '\f'), i + 2, true
	case 'n':
		return append(out, '\n'), i + 2, true
	case 'r':
		return append(out, '\r'), i + 2, true
	case 't':
		return append(out, '\t'), i + 2, true
	case 'u':
		r, ok := hex4(s, i+2)
		if !ok {
			return out, i, false
		}
		i += 6
		if utf16.IsSurrogate(r) {
			if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if r2, ok := hex4(s, i+2); ok {
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						return utf8.AppendRune(out, dec), i + 6, true
					}
				}
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(out, r), i, true
	}
	return out, i, false
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, h := range s[i : i+4] {
		d := unhex(h)
		if d < 0 {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// The codecs of defined basic types without JSON or text methods (type
// Role string), which encoding/json writes as their underlying type.

// StringOf returns the codec of a defined string type.
func StringOf[T ~string]() Codec[T] {
	return newCodec(func(b []byte, v T) ([]byte, error) { return appendJSString(b, string(v)), nil },
		func(raw []byte) (T, bool) { s, ok := String.dec(raw); return T(s), ok })
}

// BoolOf returns the codec of a defined bool type.
func BoolOf[T ~bool]() Codec[T] {
	return newCodec(func(b []byte, v T) ([]byte, error) { return strconv.AppendBool(b, bool(v)), nil },
		func(raw []byte) (T, bool) { b, ok := Bool.dec(raw); return T(b), ok })
}

// SignedOf returns the codec of a defined signed integer type.
func SignedOf[T ~int | ~int8 | ~int16 | ~int32 | ~int64]() Codec[T] { return signed[T]() }

// UnsignedOf returns the codec of a defined unsigned integer type.
func UnsignedOf[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64]() Codec[T] { return unsigned[T]() }

// Float32Of returns the codec of a defined float32 type.
func Float32Of[T ~float32]() Codec[T] { return floating[T](32) }

// Float64Of returns the codec of a defined float64 type.
func Float64Of[T ~float64]() Codec[T] { return floating[T](64) }
