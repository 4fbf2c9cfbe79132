package runtime

import (
	"testing"
	"time"
)

// shopCart is a struct key as a shop stores it: a few lines, a time and
// an optional string.
type shopCart struct {
	Items   []item    `json:"items"`
	Updated time.Time `json:"updated"`
	Coupon  string    `json:"coupon,omitempty"`
}

// shopCartCodec is the codec the generator writes for shopCart.
var shopCartCodec = StructOf(
	FieldOf("items", SliceOf(itemCodec), func(v *shopCart) *[]item { return &v.Items }),
	FieldOf("updated", Time, func(v *shopCart) *time.Time { return &v.Updated }),
	FieldOf("coupon", String, func(v *shopCart) *string { return &v.Coupon }, Zero),
)

// BenchmarkStructKey reads a struct key of a session and sets it back,
// through the generated struct codec and through encoding/json
// (runtime.JSON, what such a key used before), in one run: compare the
// ns/op and allocs/op of the two.
func BenchmarkStructKey(b *testing.B) {
	v := shopCart{
		Items:   []item{{SKU: "A-1", Qty: 2, Price: 9.5}, {SKU: "B-22", Qty: 1}, {SKU: "C-333", Qty: 12, Price: 0.25}},
		Updated: time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC),
		Coupon:  "HALF",
	}
	raw, err := shopCartCodec.Append(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		codec Codec[shopCart]
	}{{"codec=StructOf", shopCartCodec}, {"codec=encoding-json", JSON[shopCart]()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := NewSession()
				s.SetRaw("cart", raw)
				c, ok := bc.codec.Get(s, "cart")
				if !ok || len(c.Items) != 3 {
					b.Fatalf("get: %+v, %v", c, ok)
				}
				c.Coupon = ""
				bc.codec.Set(s, "cart", c)
				if s.encErr != nil {
					b.Fatal(s.encErr)
				}
			}
		})
	}
}
