package structs

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessiongen/sessiongen/runtime"
)

// FuzzStructCodecs holds the generated struct codecs to encoding/json
// (runtime.JSON, which writes encoding/json's output the JavaScript way):
// on random values of Order (the bytes written, and decoding them back)
// and on random compact JSON text (the same value, or both refuse).
func FuzzStructCodecs(f *testing.F) {
	f.Add(uint64(1), []byte(`{"id":"a","lines":[{"sku":"x","qty":2,"price":1.5,"when":"2026-01-02T03:04:05Z"}],"10":7,"-":"d"}`))
	f.Add(uint64(2), []byte(`{"ID":"a","Lines":[{"SKU":"x"}],"lines":[{"Qty":1}],"ship":{"city":"c","zip":"z"},"ship":{"geo":{"a":1}},"ship":null}`))
	f.Add(uint64(3), []byte(`{"money":{"cents":5},"money":null,"PAID":true,"right":1,"Left":2,"weird":"w","a'b":"x","ÜNÏ":"u","dup":1}`))
	f.Add(uint64(4), []byte(`[{"byCode":{"k":{"sku":"s"}},"byCode":{"l":null},"tags":[["a"],null],"status":"ok","raw":"YWJj"}]`))
	f.Add(uint64(5), []byte(`{"a":{"wait":1.5},"b":{"placed":1},"c":{"qty":3000000000},"d":{"total":1e400}}`))
	jsonCodec := runtime.JSON[Order]()
	f.Fuzz(func(t *testing.T, seed uint64, raw []byte) {
		g := gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
		sameAsJSON(t, codecOrder, jsonCodec, g.order())
		sameAsJSON(t, codecSliceOfOrder, runtime.JSON[[]Order](), []Order{g.order(), g.order()})
		sameAsJSON(t, codecMapOfOrder, runtime.JSON[map[string]Order](), map[string]Order{g.str(): g.order(), g.str(): g.order()})
		var compact bytes.Buffer
		if !utf8.Valid(raw) || json.Compact(&compact, raw) != nil || !bytes.Equal(compact.Bytes(), raw) {
			return // session data is valid compact UTF-8 JSON
		}
		decodesAsJSON(t, codecOrder, jsonCodec, raw)
		decodesAsJSON(t, codecSliceOfOrder, runtime.JSON[[]Order](), raw)
		decodesAsJSON(t, codecMapOfOrder, runtime.JSON[map[string]Order](), raw)
		decodesAsJSON(t, codecLine, runtime.JSON[Line](), raw)
	})
}

func sameAsJSON[T any](t *testing.T, c, js runtime.Codec[T], v T) {
	t.Helper()
	want, wantErr := js.Append(nil, v)
	got, gotErr := c.Append(nil, v)
	if (wantErr != nil) != (gotErr != nil) || wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%#v:\ngenerated codec %s, %v\nencoding/json   %s, %v", v, got, gotErr, want, wantErr)
	}
	if wantErr == nil {
		decodesAsJSON(t, c, js, want)
	}
}

func decodesAsJSON[T any](t *testing.T, c, js runtime.Codec[T], raw []byte) {
	t.Helper()
	want, wantOK := js.Decode(raw)
	got, gotOK := c.Decode(raw)
	if gotOK != wantOK || wantOK && !reflect.DeepEqual(got, want) {
		t.Fatalf("decoding %s:\ngenerated codec %#v, %v\nencoding/json   %#v, %v", raw, got, gotOK, want, wantOK)
	}
}

type gen struct{ r *rand.Rand }

var pieces = []string{"", "a", "Z", "0", "10", "é", "ß", "\u2028", "<&>", `"`, `\`, "\x00", "\x1f", "\xff", "😀", "\ufffd"}

func (g gen) str() string {
	var s string
	for range g.r.IntN(4) {
		s += pieces[g.r.IntN(len(pieces))]
	}
	return s
}

func (g gen) time() time.Time {
	if g.r.IntN(3) == 0 {
		return time.Time{}
	}
	return time.Unix(g.r.Int64N(1<<35)-1<<34, g.r.Int64N(1e9)).In(time.FixedZone("", (g.r.IntN(48)-24)*1800))
}

func (g gen) float() float64 {
	switch g.r.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return math.Float64frombits(g.r.Uint64())
	}
	return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(50)-25))
}

func (g gen) line() Line {
	return Line{SKU: g.str(), Qty: int32(g.r.Uint32()) * int32(g.r.IntN(2)), Price: float32(g.float()), When: g.time()}
}

func (g gen) order() Order {
	o := Order{
		ID: g.str(), Placed: g.time(), Wait: time.Duration(g.r.Int64()), Month: time.Month(g.r.IntN(13)), Status: Status(g.str()),
		Dash: g.str(), Note: g.str(), Seq: g.r.Uint64(), Total: g.float(), Paid: g.r.IntN(2) == 0,
		Money: Money{g.r.Int64()}, Left: g.r.IntN(3), Right: g.r.IntN(3), Weird: g.str(), Ünï: g.str(),
	}
	if n := g.r.IntN(4); n > 0 {
		o.Lines = make([]Line, n-1)
		for i := range o.Lines {
			o.Lines[i] = g.line()
		}
	}
	if g.r.IntN(3) > 0 {
		o.ByCode = map[string]Line{}
		for range g.r.IntN(3) {
			o.ByCode[g.str()] = g.line()
		}
	}
	if g.r.IntN(2) == 0 {
		o.Ship = &Address{City: g.str()}
		if g.r.IntN(2) == 0 {
			zip := g.str()
			o.Ship.Zip = &zip
		}
		if g.r.IntN(2) == 0 {
			o.Ship.Geo = map[string]float64{g.str(): g.float()}
		}
	}
	if g.r.IntN(2) == 0 {
		o.Raw = []byte(g.str())
	}
	for range g.r.IntN(3) {
		o.Tags = append(o.Tags, []string{g.str()})
	}
	return o
}
