package runtime

import (
	"strings"
	"testing"
	"time"
)

// The struct shapes FuzzCodecs compares with encoding/json, and their
// codecs composed as the generator composes them.

type level int16

type item struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price,omitempty"`
}

type cart struct {
	Items   []item          `json:"items"`
	Updated time.Time       `json:"updated"`
	Coupon  string          `json:"coupon,omitempty"`
	ByName  map[string]item `json:"byName,omitempty"`
	Note    *item           `json:"note"`
	Ten     int             `json:"10"`
	Two     int8            `json:"2,omitzero"`
	Dash    string          `json:"-,"`
	Skip    string          `json:"-"`
	Plain   bool
	Stamp   stamp         `json:"stamp"`
	Tags    []string      `json:"tags,omitzero"`
	When    time.Time     `json:"when,omitzero"`
	Wait    time.Duration `json:"wait,omitempty"`
	Raw     []byte        `json:"raw,omitempty"`
	Ptr     *int64        `json:"ptr,omitempty"`
	Level   level         `json:"level,omitempty"`
	Unicode string        `json:"Ünï"`
	Ratio   float32       `json:"ratio,omitzero"`
	Labels  map[string]string
	hidden  int
}

var itemCodec = StructOf(
	FieldOf("sku", String, func(v *item) *string { return &v.SKU }),
	FieldOf("qty", Int, func(v *item) *int { return &v.Qty }),
	FieldOf("price", Float64, func(v *item) *float64 { return &v.Price }, Zero),
)

var cartCodec = StructOf(
	FieldOf("items", SliceOf(itemCodec), func(v *cart) *[]item { return &v.Items }),
	FieldOf("updated", Time, func(v *cart) *time.Time { return &v.Updated }),
	FieldOf("coupon", String, func(v *cart) *string { return &v.Coupon }, Zero),
	FieldOf("byName", MapOf(itemCodec), func(v *cart) *map[string]item { return &v.ByName }, EmptyMap),
	FieldOf("note", PointerOf(itemCodec), func(v *cart) **item { return &v.Note }),
	FieldOf("10", Int, func(v *cart) *int { return &v.Ten }),
	FieldOf("2", Int8, func(v *cart) *int8 { return &v.Two }, Zero),
	FieldOf("-", String, func(v *cart) *string { return &v.Dash }),
	FieldOf("Plain", Bool, func(v *cart) *bool { return &v.Plain }),
	FieldOf("stamp", Marshaler[stamp](), func(v *cart) *stamp { return &v.Stamp }),
	FieldOf("tags", SliceOf(String), func(v *cart) *[]string { return &v.Tags }, NilSlice),
	FieldOf("when", Time, func(v *cart) *time.Time { return &v.When }, IsZero),
	FieldOf("wait", Duration, func(v *cart) *time.Duration { return &v.Wait }, Zero),
	FieldOf("raw", Bytes, func(v *cart) *[]byte { return &v.Raw }, EmptySlice),
	FieldOf("ptr", PointerOf(Int64), func(v *cart) **int64 { return &v.Ptr }, Zero),
	FieldOf("level", SignedOf[level](), func(v *cart) *level { return &v.Level }, Zero),
	FieldOf("Ünï", String, func(v *cart) *string { return &v.Unicode }),
	FieldOf("ratio", Float32, func(v *cart) *float32 { return &v.Ratio }, Zero),
	FieldOf("Labels", MapOf(String), func(v *cart) *map[string]string { return &v.Labels }),
)

// zeroer has IsZero on its pointer only.
type zeroer struct{ N int }

func (z *zeroer) IsZero() bool { return z.N < 0 }

type odd struct {
	Z  zeroer  `json:"z,omitzero"`
	PZ *zeroer `json:"pz,omitzero"`
	E  item    `json:"e,omitzero"`
	O  item    `json:"o,omitempty"`
	B  bool    `json:"b,omitempty,omitzero"`
}

var zeroerCodec = StructOf(FieldOf("N", Int, func(v *zeroer) *int { return &v.N }))

var oddCodec = StructOf(
	FieldOf("z", zeroerCodec, func(v *odd) *zeroer { return &v.Z }, IsZeroPtr),
	FieldOf("pz", PointerOf(zeroerCodec), func(v *odd) **zeroer { return &v.PZ }, NilOrIsZero),
	FieldOf("e", itemCodec, func(v *odd) *item { return &v.E }, Zero),
	FieldOf("o", itemCodec, func(v *odd) *item { return &v.O }),
	FieldOf("b", Bool, func(v *odd) *bool { return &v.B }, Zero, Zero),
)

func genItem(s *source) item {
	return item{SKU: s.str(), Qty: int(s.u64()), Price: float64(int64(s.u64())%2000) / 8}
}

func genCart(s *source) cart {
	c := cart{
		Items: sliceOf(s, genItem), Coupon: s.str(), ByName: mapOf(s, genItem),
		Ten: int(s.u64()), Two: int8(s.u64()), Dash: s.str(), Skip: s.str(), Plain: s.n(1) == 1,
		Stamp: stamp{int64(s.u64())}, Tags: sliceOf(s, (*source).str), Wait: time.Duration(s.u64() % 3),
		Level: level(s.n(2)), Unicode: s.str(), Ratio: float32(int8(s.u64())) / 4,
		Labels: mapOf(s, (*source).str), hidden: 1,
	}
	if s.n(1) == 1 {
		c.Updated = time.Unix(int64(s.u64()%(1<<34)), int64(s.u64()%1e9)).UTC()
	}
	if s.n(1) == 1 {
		c.When = c.Updated.In(time.FixedZone("", 3600))
	}
	if s.n(1) == 1 {
		c.Raw = []byte(s.str())
	}
	if s.n(1) == 1 {
		it := genItem(s)
		c.Note = &it
	}
	if s.n(1) == 1 {
		n := int64(s.u64())
		c.Ptr = &n
	}
	return c
}

func genOdd(s *source) odd {
	o := odd{Z: zeroer{s.n(2) - 1}, E: item{Qty: s.n(1)}, O: item{SKU: s.str()}, B: s.n(1) == 1}
	if s.n(1) == 1 {
		o.PZ = &zeroer{s.n(2) - 1}
	}
	return o
}

// fuzzStructs runs the struct shapes through FuzzCodecs' comparisons.
func fuzzStructs(t *testing.T, s *source, raw []byte, decode bool) {
	if !decode {
		sameAsJSON(t, cartCodec, genCart(s))
		sameAsJSON(t, SliceOf(cartCodec), sliceOf(s, genCart))
		sameAsJSON(t, MapOf(itemCodec), mapOf(s, genItem))
		sameAsJSON(t, oddCodec, genOdd(s))
		return
	}
	decodesAsJSON(t, cartCodec, raw)
	decodesAsJSON(t, SliceOf(cartCodec), raw)
	decodesAsJSON(t, MapOf(itemCodec), raw)
	decodesAsJSON(t, oddCodec, raw)
}

// structSeeds are JSON texts that reach the struct rules: case-folded and
// repeated names, nulls, a slice decoded into twice.
var structSeeds = []string{
	`{"items":[{"sku":"a","qty":1}],"updated":"2026-01-02T03:04:05Z","coupon":"x","10":3,"2":-1,"-":"d","Plain":true}`,
	`{"ITEMS":[{"SKU":"a"}],"items":[{"Qty":2}],"byname":{"k":{"sku":"b"}},"byName":{"l":null},"note":{"sku":"n"},"note":{"qty":4}}`,
	`{"items":[{"sku":"a"},{"sku":"b"}],"items":[{"qty":1}],"items":[{},{},{}],"tags":null,"raw":"YWJj","ptr":7,"ptr":null}`,
	`{"stamp":{"n":5},"stamp":null,"when":null,"level":2,"ünï":"u","ÜNÏ":"v","labels":{"a":"b"},"Labels":{"c":"d"},"ratio":1.5}`,
	`{"z":{"N":-1},"pz":{"N":2},"e":{"qty":1},"o":null,"b":true,"B":false,"hidden":1,"Skip":"s"}`,
	`{"qty":1.5}`, `{"items":{}}`, `{"updated":1}`, `{"2":300}`, `[{"sku":"a"},null]`, `{"a":{"sku":1}}`,
}

func TestStructCodecMatchesJSON(t *testing.T) {
	for _, raw := range structSeeds {
		fuzzStructs(t, &source{}, []byte(raw), true)
	}
	for i := range 200 {
		fuzzStructs(t, &source{b: []byte(strings.Repeat(string(rune('a'+i%26)), i))}, nil, false)
	}
}

func TestStructOfRefusesDuplicateNames(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("StructOf accepted two fields named a")
		}
	}()
	StructOf(FieldOf("a", Int, func(v *item) *int { return &v.Qty }), FieldOf("a", String, func(v *item) *string { return &v.SKU }))
}

// TestStructCodecRefusesBadObjects: an object cut short or malformed is
// refused, never a panic.
func TestStructCodecRefusesBadObjects(t *testing.T) {
	for _, raw := range []string{`{`, `{"sku":"a",`, `{"sku":"a"`, `{"sku"}`, `{"sku":}`, `{"sku":"a"]`, `{"sku":"a"}}`, `{1:2}`, `[]`, `"x"`} {
		if v, ok := itemCodec.Decode([]byte(raw)); ok {
			t.Errorf("%s decoded as %+v", raw, v)
		}
	}
}
