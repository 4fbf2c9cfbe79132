package types

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/sessiongen/sessiongen/internal/testtypes"
	"github.com/sessiongen/sessiongen/runtime"
)

// FuzzTypedRoundTrip sets values of many types (a struct with its
// generated codec among them) through the generated setters, commits, reads the cookie back and checks that every getter
// returns what was set. Non-finite floats (JSON has none; they become null,
// as in JavaScript) and invalid UTF-8 (replaced by U+FFFD, as
// encoding/json does) are the documented exceptions.
func FuzzTypedRoundTrip(f *testing.F) {
	st, err := NewPrefsStorage(Config{Secrets: []string{"0123456789abcdef0123456789abcdef"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("ada", int64(1)<<53+1, int8(-5), uint32(7), 0.1, float32(1.5), byte(255), 'é', "a,b", "<&>\u2028", int64(-3), "k", "v", int64(90*time.Second), int64(1700000000123456789))
	f.Add("", int64(math.MinInt64), int8(math.MaxInt8), uint32(math.MaxUint32), -0.0, float32(math.SmallestNonzeroFloat32), byte(0), rune(0x10FFFF), "", "\x00\"\\", int64(math.MaxInt64), "", "\ud7ff", int64(math.MinInt64), int64(0))
	f.Add("x", int64(0), int8(0), uint32(0), math.MaxFloat64, float32(math.MaxFloat32), byte(1), rune(0), "__proto__", "0", int64(1e15), "10", "1", int64(-1), int64(-62135596800000000))
	f.Fuzz(func(t *testing.T, name string, big int64, small int8, unsigned uint32, ratio float64, ratio32 float32, raw byte, letter rune, tag1, tag2 string, score int64, lk, lv string, timeout, seenNanos int64) {
		if math.IsNaN(ratio) || math.IsInf(ratio, 0) || math.IsNaN(float64(ratio32)) || math.IsInf(float64(ratio32), 0) {
			t.Skip("non-finite floats become null, as in JavaScript")
		}
		for _, s := range []string{name, tag1, tag2, lk, lv} {
			if !utf8.ValidString(s) {
				t.Skip("invalid UTF-8 becomes U+FFFD, as in encoding/json")
			}
		}
		seen := time.Unix(0, seenNanos).UTC()
		s, _ := st.GetSessionHeader(context.Background(), "")
		s.SetName(name)
		s.SetBig(big)
		s.SetSmall(small)
		s.SetUnsigned(unsigned)
		s.SetRatio(ratio)
		s.SetRatio32(ratio32)
		s.SetRaw(raw)
		s.SetLetter(letter)
		s.SetTags([]string{tag1, tag2})
		s.SetScores([]int64{score, big})
		s.SetMatrix([][]float64{{ratio}, {}})
		s.SetLabels(map[string]string{lk: lv, tag1: tag2})
		s.SetNested(map[string][]string{lv: {lk}})
		s.SetTimeout(time.Duration(timeout))
		s.SetSeen(seen)
		cart := testtypes.Cart{Items: []testtypes.Item{{SKU: tag1, Qty: int(score)}, {SKU: lk}}, Updated: seen, Coupon: lv}
		s.SetCart(cart)
		s.SetCarts([]testtypes.Cart{cart, {Coupon: name}})
		s.FlashNotice(tag2)
		s.FlashProblem(testtypes.Item{SKU: tag2, Qty: int(big)})
		line, err := st.CommitSessionHeader(s)
		if errors.Is(err, runtime.ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("commit: %v", err)
		}
		pair, _, _ := strings.Cut(line, ";")
		back, err := st.GetSessionHeader(context.Background(), pair)
		if err != nil || back.Runtime().ReadError() != nil {
			t.Fatalf("read back: %v, %v", err, back.Runtime().ReadError())
		}
		got := readAll(back)
		want := readAll(s)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round trip differs (-set +read):\n%s", diff)
		}
		if v, ok := back.PopNotice(); !ok || v != tag2 {
			t.Fatalf("flash notice = %q, %v; want %q", v, ok, tag2)
		}
		if v, ok := back.PopProblem(); !ok || v != (testtypes.Item{SKU: tag2, Qty: int(big)}) {
			t.Fatalf("flash problem = %+v, %v", v, ok)
		}
	})
}

// snapshot is every getter's result, comparable with cmp.
type snapshot struct {
	Name                string
	Big                 int64
	Small               int8
	Unsigned            uint32
	Ratio               float64
	Ratio32             float32
	Raw                 byte
	Letter              rune
	Tags                []string
	Scores              []int64
	Matrix              [][]float64
	Labels              map[string]string
	Nested              map[string][]string
	Timeout             time.Duration
	Seen                time.Time
	Cart                testtypes.Cart
	Carts               []testtypes.Cart
	OK                  [12]bool
	NameSet, BigSet     bool
	Ratio32Set, SeenSet bool
}

func readAll(s *PrefsSession) snapshot {
	var o snapshot
	o.Name, o.OK[0] = s.Name()
	o.Big, o.OK[1] = s.Big()
	o.Small, o.Unsigned, o.Ratio, o.Timeout = s.Small(), s.Unsigned(), s.Ratio(), s.Timeout()
	o.Ratio32, o.OK[2] = s.Ratio32()
	o.Raw, o.OK[3] = s.Raw()
	o.Letter, o.OK[4] = s.Letter()
	o.Tags, o.OK[5] = s.Tags()
	o.Scores, o.OK[6] = s.Scores()
	o.Matrix, o.OK[7] = s.Matrix()
	o.Labels, o.OK[8] = s.Labels()
	o.Nested, o.OK[9] = s.Nested()
	o.Cart, o.OK[10] = s.Cart()
	o.Carts, o.OK[11] = s.Carts()
	seen, ok := s.Seen()
	o.Seen, o.SeenSet = seen.UTC(), ok
	o.NameSet, o.BigSet, o.Ratio32Set = s.HasName(), s.HasBig(), s.HasRatio32()
	return o
}
