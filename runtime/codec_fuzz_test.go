package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stamp is a named type with MarshalJSON on its value and UnmarshalJSON on
// its pointer, as a user type the generator gives runtime.Marshaler.
type stamp struct{ n int64 }

func (s stamp) MarshalJSON() ([]byte, error) {
	return []byte(`{ "z": 1, "n" : ` + json.Number(itoa(s.n)).String() + ` }`), nil
}

func (s *stamp) UnmarshalJSON(b []byte) error {
	var v struct{ N int64 }
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.n = v.N
	return nil
}

func itoa(n int64) string { b, _ := Int64.Append(nil, n); return string(b) }

// source turns fuzz bytes into values; past the end it gives zeros.
type source struct{ b []byte }

func (s *source) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], s.b)
	s.b = s.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (s *source) n(max int) int { return int(s.u64() % uint64(max+1)) }

func (s *source) str() string {
	n := s.n(6)
	if n > len(s.b) {
		n = len(s.b)
	}
	v := string(s.b[:n])
	s.b = s.b[n:]
	return v
}

func (s *source) float() float64 { return math.Float64frombits(s.u64()) }

func sliceOf[T any](s *source, gen func(*source) T) []T {
	if s.n(8) == 0 {
		return nil
	}
	v := make([]T, s.n(3))
	for i := range v {
		v[i] = gen(s)
	}
	return v
}

func mapOf[T any](s *source, gen func(*source) T) map[string]T {
	if s.n(8) == 0 {
		return nil
	}
	m := map[string]T{}
	for range s.n(4) {
		m[s.str()] = gen(s)
	}
	return m
}

// jsReference is what a key's value must be written as, stated apart from
// the codecs: JSON.stringify's rules for a string, a bool, an int, an int64,
// a float (NaN and ±Infinity as null at the top) and a time.Duration;
// encoding/json plus the JavaScript normalisation for every other type.
func jsReference[T any](v T) ([]byte, error) {
	switch x := any(v).(type) {
	case string:
		return appendJSString(nil, x), nil
	case bool:
		return strconv.AppendBool(nil, x), nil
	case int:
		return strconv.AppendInt(nil, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(nil, x, 10), nil
	case float64:
		return appendJSFloat(nil, x, 64), nil
	case float32:
		return appendJSFloat(nil, float64(x), 32), nil
	case time.Duration:
		return strconv.AppendInt(nil, int64(x), 10), nil
	}
	return appendReflect(nil, v)
}

// sameAsJSON checks c against jsReference and, inside an array, against
// encoding/json itself; then that the bytes decode as encoding/json decodes
// them, and that the untyped Encode and Decode agree with c.
func sameAsJSON[T any](t *testing.T, c Codec[T], v T) {
	t.Helper()
	want, wantErr := jsReference(v)
	got, gotErr := c.Append(nil, v)
	if (wantErr != nil) != (gotErr != nil) || wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%T %#v: codec %q, %v; Encode %q, %v", v, v, got, gotErr, want, wantErr)
	}
	if _, ok := any(v).(uint8); ok {
		return // []byte is Bytes, base64 as in encoding/json, not SliceOf(Uint8)
	}
	want, wantErr = appendReflect(nil, []T{v})
	got, gotErr = SliceOf(c).Append(nil, []T{v})
	if (wantErr != nil) != (gotErr != nil) || wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("[]%T{%#v}: codec %q, %v; encoding/json %q, %v", v, v, got, gotErr, want, wantErr)
	}
	if wantErr == nil {
		decodesAsJSON(t, c, want)
		decodesAsJSON(t, SliceOf(c), want)
	}
	got, gotErr = c.Append(nil, v)
	untyped, untypedErr := Encode(v)
	if (untypedErr != nil) != (gotErr != nil) || gotErr == nil && !bytes.Equal(untyped, got) {
		t.Fatalf("%T %#v: Encode %q, %v; codec %q, %v", v, v, untyped, untypedErr, got, gotErr)
	}
}

// decodesAsJSON checks that c decodes raw as encoding/json does (null
// being false, as for every getter).
func decodesAsJSON[T any](t *testing.T, c Codec[T], raw []byte) {
	t.Helper()
	want, wantOK := decodeJSON[T](raw)
	wantOK = wantOK && !isNull(raw)
	got, gotOK := c.Decode(raw)
	if gotOK != wantOK || wantOK && !reflect.DeepEqual(got, want) {
		t.Fatalf("decoding %q as %T: codec %#v, %v; encoding/json %#v, %v", raw, got, got, gotOK, want, wantOK)
	}
	if u, uOK := Decode[T](raw); uOK != wantOK || wantOK && !reflect.DeepEqual(u, want) {
		t.Fatalf("decoding %q as %T: Decode %#v, %v; encoding/json %#v, %v", raw, u, u, uOK, want, wantOK)
	}
}

// FuzzCodecs compares every typed codec with encoding/json plus the
// JavaScript normalisation: on random values (the bytes written, and
// decoding them back) and on random JSON text (decoding).
func FuzzCodecs(f *testing.F) {
	f.Add([]byte("\x01\x02\x03abc\xff\x00\u2028<>\"\\"), []byte(`["a","b\u00e9\ud83d\ude00"]`))
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xef\x7f1e21"), []byte(`{"b":1,"10":2,"2":3,"a":null}`))
	f.Add([]byte(strings.Repeat("\x05", 64)), []byte(`"2026-01-02T03:04:05.123456789+01:00"`))
	f.Add([]byte{}, []byte(`[1e400,-0,1.5e-7,"\ud800"]`))
	f.Fuzz(func(t *testing.T, seed, raw []byte) {
		s := &source{b: seed}
		str := func(s *source) string { return s.str() }
		i64 := func(s *source) int64 { return int64(s.u64()) }
		f64 := func(s *source) float64 { return s.float() }
		f32 := func(s *source) float32 { return math.Float32frombits(uint32(s.u64())) }
		tm := func(s *source) time.Time {
			return time.Unix(int64(s.u64()%(1<<38))-1<<37, int64(s.u64()%1e9)).In(time.FixedZone("", s.n(48)*1800-12*3600))
		}
		sameAsJSON(t, String, str(s))
		sameAsJSON(t, Bool, s.n(1) == 1)
		sameAsJSON(t, Int, int(i64(s)))
		sameAsJSON(t, Int8, int8(i64(s)))
		sameAsJSON(t, Int16, int16(i64(s)))
		sameAsJSON(t, Int32, int32(i64(s)))
		sameAsJSON(t, Int64, i64(s))
		sameAsJSON(t, Uint, uint(s.u64()))
		sameAsJSON(t, Uint8, uint8(s.u64()))
		sameAsJSON(t, Uint16, uint16(s.u64()))
		sameAsJSON(t, Uint32, uint32(s.u64()))
		sameAsJSON(t, Uint64, s.u64())
		sameAsJSON(t, Float64, f64(s))
		sameAsJSON(t, Float32, f32(s))
		sameAsJSON(t, Duration, time.Duration(i64(s)))
		sameAsJSON(t, Time, tm(s))
		sameAsJSON(t, Bytes, []byte(str(s)))
		sameAsJSON(t, SliceOf(String), sliceOf(s, str))
		sameAsJSON(t, SliceOf(Float64), sliceOf(s, f64))
		sameAsJSON(t, MapOf(Int64), mapOf(s, i64))
		sameAsJSON(t, MapOf(SliceOf(String)), mapOf(s, func(s *source) []string { return sliceOf(s, str) }))
		sameAsJSON(t, SliceOf(MapOf(Float32)), sliceOf(s, func(s *source) map[string]float32 { return mapOf(s, f32) }))
		sameAsJSON(t, MapOf(Time), mapOf(s, tm))
		sameAsJSON(t, SliceOf(Bytes), sliceOf(s, func(s *source) []byte { return []byte(s.str()) }))
		sameAsJSON(t, MapOf(Marshaler[stamp]()), mapOf(s, func(s *source) stamp { return stamp{i64(s)} }))

		if !utf8.Valid(raw) || len(raw) == 0 || scanValue(raw, 0, 0) != len(raw) {
			return // session data is valid compact UTF-8 JSON
		}
		decodesAsJSON(t, String, raw)
		decodesAsJSON(t, Bool, raw)
		decodesAsJSON(t, Int, raw)
		decodesAsJSON(t, Int8, raw)
		decodesAsJSON(t, Uint16, raw)
		decodesAsJSON(t, Uint64, raw)
		decodesAsJSON(t, Float64, raw)
		decodesAsJSON(t, Float32, raw)
		decodesAsJSON(t, Duration, raw)
		decodesAsJSON(t, Time, raw)
		decodesAsJSON(t, Bytes, raw)
		decodesAsJSON(t, SliceOf(String), raw)
		decodesAsJSON(t, SliceOf(Int32), raw)
		decodesAsJSON(t, MapOf(Float64), raw)
		decodesAsJSON(t, MapOf(SliceOf(Bool)), raw)
		decodesAsJSON(t, SliceOf(MapOf(String)), raw)
		decodesAsJSON(t, SliceOf(Time), raw)
		decodesAsJSON(t, SliceOf(Marshaler[stamp]()), raw)
	})
}
