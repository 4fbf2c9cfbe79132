package types

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessiongen/sessiongen/internal/testtypes"
)

const secret = "types-test-secret-of-at-least-32-bytes"

// roundTrip commits s and reads it back through a Cookie header.
func roundTrip(t *testing.T, st *PrefsStorage, s *PrefsSession) *PrefsSession {
	t.Helper()
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	nameValue, _, _ := strings.Cut(line, ";")
	got, err := st.GetSessionHeader(t.Context(), nameValue)
	if err != nil || got.Runtime().ReadError() != nil {
		t.Fatal(err, got.Runtime().ReadError())
	}
	return got
}

func TestDefaults(t *testing.T) {
	st, err := NewPrefsStorage(Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := st.GetSessionHeader(t.Context(), "")
	if s.Enabled() != true || s.Count() != 3 || s.Small() != -5 || s.Unsigned() != 7 || s.Ratio() != 0.5 || s.Timeout() != 90*time.Second {
		t.Fatalf("defaults: %v %v %v %v %v %v", s.Enabled(), s.Count(), s.Small(), s.Unsigned(), s.Ratio(), s.Timeout())
	}
	s.SetEnabled(false)
	s.SetCount(0)
	got := roundTrip(t, st, s)
	if got.Enabled() || got.Count() != 0 {
		t.Fatal("a zero value that was set read back as the default")
	}
}

func TestEveryTypeRoundTrips(t *testing.T) {
	st, err := NewPrefsStorage(Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 11, 27, 9, 30, 0, 123456789, time.UTC)
	cart := testtypes.Cart{Items: []testtypes.Item{{SKU: "A1", Qty: 2}, {SKU: "<b>&", Qty: 1}}, Updated: seen, Coupon: "\u2028x"}
	s, _ := st.GetSessionHeader(t.Context(), "")
	s.SetName("Zoë \"Z\" <z@example.com>\n😀")
	s.SetBig(1 << 60)
	s.SetSmall(math.MinInt8)
	s.SetUnsigned(math.MaxUint32)
	s.SetRatio(0.1)
	s.SetRatio32(1.5)
	s.SetRaw(0xff)
	s.SetLetter('é')
	s.SetSeen(seen)
	s.SetTimeout(1500 * time.Millisecond)
	s.SetTags([]string{"a", "", "c"})
	s.SetScores([]int64{math.MaxInt64, math.MinInt64, 0})
	s.SetMatrix([][]float64{{1, 2.5}, {1e21, 1e-7}})
	s.SetLabels(map[string]string{"b": "2", "a": "1"})
	s.SetNested(map[string][]string{"x": {"y", "z"}})
	s.SetAPIURL("https://example.com/?a=1&b=2")
	s.SetHTTPStatus(418)
	s.SetCart(cart)
	s.SetCarts([]testtypes.Cart{cart, {}})
	s.SetLevel(testtypes.Level(3))
	s.FlashProblem(testtypes.Item{SKU: "Z9", Qty: -1})

	g := roundTrip(t, st, s)
	check := func(name string, got, want any, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: not set after round trip", name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	v1, ok := g.Name()
	check("name", v1, "Zoë \"Z\" <z@example.com>\n😀", ok)
	v2, ok := g.Big()
	check("big (2^60, exact)", v2, int64(1<<60), ok)
	check("small", g.Small(), int8(math.MinInt8), true)
	check("unsigned", g.Unsigned(), uint32(math.MaxUint32), true)
	check("ratio", g.Ratio(), 0.1, true)
	v3, ok := g.Ratio32()
	check("ratio32", v3, float32(1.5), ok)
	v4, ok := g.Raw()
	check("raw", v4, byte(0xff), ok)
	v5, ok := g.Letter()
	check("letter", v5, 'é', ok)
	v6, ok := g.Seen()
	check("seen", v6, seen, ok)
	check("timeout", g.Timeout(), 1500*time.Millisecond, true)
	v7, ok := g.Tags()
	check("tags", v7, []string{"a", "", "c"}, ok)
	v8, ok := g.Scores()
	check("scores", v8, []int64{math.MaxInt64, math.MinInt64, 0}, ok)
	v9, ok := g.Matrix()
	check("matrix", v9, [][]float64{{1, 2.5}, {1e21, 1e-7}}, ok)
	v10, ok := g.Labels()
	check("labels", v10, map[string]string{"a": "1", "b": "2"}, ok)
	v11, ok := g.Nested()
	check("nested", v11, map[string][]string{"x": {"y", "z"}}, ok)
	v12, ok := g.APIURL()
	check("apiURL", v12, "https://example.com/?a=1&b=2", ok)
	v13, ok := g.HTTPStatus()
	check("http_status", v13, 418, ok)
	v14, ok := g.Cart()
	check("cart", v14, cart, ok)
	v15, ok := g.Carts()
	check("carts", v15, []testtypes.Cart{cart, {}}, ok)
	v16, ok := g.Level()
	check("level", v16, testtypes.Level(3), ok)
	v17, ok := g.PopProblem()
	check("flash problem", v17, testtypes.Item{SKU: "Z9", Qty: -1}, ok)

	// The JSON is what JavaScript would write: no HTML escaping, raw U+2028.
	raw, _ := g.Runtime().Raw("cart")
	if !strings.Contains(string(raw), `"sku":"<b>&"`) || !strings.Contains(string(raw), "\u2028x") {
		t.Errorf("cart JSON is not JSON.stringify-compatible: %s", raw)
	}
	if raw, _ := g.Runtime().Raw("big"); string(raw) != "1152921504606846976" {
		t.Errorf("big JSON = %s", raw)
	}
}

func TestOverflowReadsAsUnset(t *testing.T) {
	st, err := NewPrefsStorage(Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := st.GetSessionHeader(t.Context(), "")
	s.Runtime().SetRaw("small", []byte("300"))   // does not fit int8
	s.Runtime().SetRaw("big", []byte("1e300"))   // not an integer
	s.Runtime().SetRaw("ratio32", []byte(`"x"`)) // not a number
	g := roundTrip(t, st, s)
	if g.Small() != -5 {
		t.Errorf("int8 overflow read as %d, want the default", g.Small())
	}
	if v, ok := g.Big(); ok {
		t.Errorf("1e300 read as int64 %d", v)
	}
	if v, ok := g.Ratio32(); ok {
		t.Errorf(`"x" read as float32 %v`, v)
	}
}
