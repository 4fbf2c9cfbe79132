package runtime_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestLoginURLBounded: a 900 KB request path does not become a 900 KB
// Location header; a normal one is kept.
func TestLoginURLBounded(t *testing.T) {
	long := httptest.NewRequest("GET", "/"+strings.Repeat("a", 900<<10), nil)
	if got := runtime.LoginURL("/login", long); got != "/login" {
		t.Fatalf("LoginURL of a 900 KB path is %d bytes, want /login", len(got))
	}
	short := httptest.NewRequest("GET", "/dash?tab=2", nil)
	if got := runtime.LoginURL("/login", short); got != "/login?redirectTo=%2Fdash%3Ftab%3D2" {
		t.Fatalf("LoginURL = %q", got)
	}
}

// TestFutureStampsRefused: a session whose idle stamp lies 6 hours in the
// future (a clock running ahead, or forged with the secret) does not live
// 6 h 30 m: it reads as expired. A stamp within the clock-skew allowance is
// kept.
func TestFutureStampsRefused(t *testing.T) {
	clk := newClock()
	st := newMWStorage(t, runtime.Spec{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour}, runtime.Config{Now: clk.Now})
	// The forger holds the secret: a storage without timeouts writes the
	// stamps it likes.
	forger := newMWStorage(t, runtime.Spec{}, runtime.Config{Now: clk.Now})
	for _, tc := range []struct {
		key    string
		ahead  time.Duration
		expire bool
	}{
		{runtime.SeenKey, 6 * time.Hour, true},
		{runtime.CreatedKey, 6 * time.Hour, true},
		{runtime.SeenKey, 30 * time.Second, false},
	} {
		s := runtime.NewSession()
		runtime.Set(s, "userId", "ada")
		now := strconv.FormatInt(clk.Now().Unix(), 10)
		s.SetRaw(runtime.CreatedKey, []byte(now))
		s.SetRaw(runtime.SeenKey, []byte(now))
		s.SetRaw(tc.key, []byte(strconv.FormatInt(clk.Now().Add(tc.ahead).Unix(), 10)))
		line, err := forger.CommitSessionHeader(s)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetSessionHeader(t.Context(), strings.SplitN(line, ";", 2)[0])
		if got.TimedOut() != tc.expire {
			t.Errorf("%s %v ahead: TimedOut %v, ReadError %v; want %v", tc.key, tc.ahead, got.TimedOut(), got.ReadError(), tc.expire)
		}
	}
}

// TestCommitOptionsBounded: WithExpires outside what an HTTP date can say
// is clamped (never "0000" or "10000" in the header); WithMaxAge with a
// fraction of a second is refused, as React Router refuses a non-integer
// maxAge.
func TestCommitOptionsBounded(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), "Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
		{time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), "Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "Expires=Fri, 31 Dec 9999 23:59:59 GMT"},
		{time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC), "Expires=Mon, 03 Feb 2031 04:05:06 GMT"},
	} {
		line, err := st.CommitSessionHeader(runtime.NewSession(), runtime.WithExpires(tc.at))
		if err != nil || !strings.Contains(line, tc.want) {
			t.Errorf("WithExpires(%v): %q, %v; want %s", tc.at, line, err, tc.want)
		}
	}
	if _, err := st.CommitSessionHeader(runtime.NewSession(), runtime.WithMaxAge(1500*time.Millisecond)); !errors.Is(err, runtime.ErrConfig) {
		t.Errorf("WithMaxAge(1.5s) = %v, want ErrConfig", err)
	}
	if line, err := st.CommitSessionHeader(runtime.NewSession(), runtime.WithMaxAge(2*time.Second)); err != nil || !strings.Contains(line, "Max-Age=2;") {
		t.Errorf("WithMaxAge(2s) = %q, %v", line, err)
	}
}

// TestSecretsWithoutEntropy: 32 identical bytes, 32 spaces or a short
// pattern repeated are refused; random secrets pass; AllowWeakSecrets
// keeps an existing one.
func TestSecretsWithoutEntropy(t *testing.T) {
	spec := runtime.Spec{Cookie: runtime.CookieOptions{Name: "s", Path: "/"}}
	for _, weak := range []string{strings.Repeat("a", 32), strings.Repeat(" ", 40), strings.Repeat("ab", 20), strings.Repeat("012", 11)} {
		if _, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{weak}}); !errors.Is(err, runtime.ErrConfig) || !strings.Contains(err.Error(), "entropy") {
			t.Errorf("secret %q: %v, want an entropy error", weak, err)
		}
		if _, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{weak}, AllowWeakSecrets: true}); err != nil {
			t.Errorf("secret %q with AllowWeakSecrets: %v", weak, err)
		}
	}
	for _, good := range []string{"9f86d081884c7d659a2feaa0c55ad015", "q8Zr2LxW4vN7pT0kYs3Hc6Jm1Ub5Ei9O", testSecret} {
		if _, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{good}}); err != nil {
			t.Errorf("secret %q: %v", good, err)
		}
	}
}

// TestGarbageIsMalformed: a value that is not in the cookie format at all
// is ErrMalformed, not ErrTampered, so that tampering logs count only real
// tampering; a signed value with a bad signature stays ErrTampered.
func TestGarbageIsMalformed(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	for value, want := range map[string]error{
		"garbage": runtime.ErrMalformed,
		"%%%%":    runtime.ErrMalformed,
		"eyJhIjoxfQ%3D%3D.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": runtime.ErrTampered,
	} {
		s, err := st.GetSessionHeader(t.Context(), "__session="+value)
		if err != nil || !errors.Is(s.ReadError(), want) || (want == runtime.ErrMalformed && errors.Is(s.ReadError(), runtime.ErrTampered)) {
			t.Errorf("%q: ReadError %v, %v; want %v", value, s.ReadError(), err, want)
		}
	}
}

// manyKeys returns a server session's data with n keys, a tenth of them
// integer-like (which JavaScript orders first).
func manyKeys(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, `"%d":%d`, n-i, i)
		} else {
			fmt.Fprintf(&b, `"k%d":%d`, i, i)
		}
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// BenchmarkManyKeys reads a server session of 1k, 4k and 16k keys and sets
// one: the time per key stays flat (it grew 16× per 4× keys before).
func BenchmarkManyKeys(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchManyKeys(b, n) })
	}
}

func benchManyKeys(b *testing.B, n int) {
	store := runtime.NewMemoryStore(0)
	st := newMWStorage(b, runtime.Spec{Server: true}, runtime.Config{Store: store})
	s := runtime.NewSession()
	for k, raw := range splitKeys(manyKeys(n)) {
		s.SetRaw(k, raw)
	}
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		b.Fatal(err)
	}
	cookie := strings.SplitN(line, ";", 2)[0]
	b.ReportAllocs()
	for b.Loop() {
		s, err := st.GetSessionHeader(b.Context(), cookie)
		if err != nil || len(s.Keys()) != n {
			b.Fatalf("read %d keys, %v", len(s.Keys()), err)
		}
		runtime.Set(s, "k1", 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
}

// splitKeys splits the flat object manyKeys writes into its keys.
func splitKeys(data []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, kv := range strings.Split(strings.Trim(string(data), "{}"), ",") {
		k, v, _ := strings.Cut(kv, ":")
		out[strings.Trim(k, `"`)] = []byte(v)
	}
	return out
}

// TestManyKeysNotQuadratic: reading 32k keys costs less than 400× reading
// 1k (linear is 32×, n·log n about 48×, quadratic 1024×; the wide margin
// absorbs garbage collection, the race detector and a loaded machine). A ratio of two benchmarks in one process,
// not a timed test; skipped under -short.
func TestManyKeysNotQuadratic(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmarks two session sizes; skipped under -short")
	}
	per := func(n int) float64 {
		r := testing.Benchmark(func(b *testing.B) { benchManyKeys(b, n) })
		return float64(r.NsPerOp())
	}
	small, large := per(1000), per(32000)
	ratio := large / small
	t.Logf("32k keys: %.1f× the time of 1k keys", ratio)
	if ratio > 400 {
		t.Fatalf("32k keys take %.1f× the time of 1k keys; want about 32× (linear)", ratio)
	}
}
