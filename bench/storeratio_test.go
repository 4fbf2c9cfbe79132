package bench

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkStoreRatio measures each server store's round trip against its
// bare client's alternately, one of each per iteration, so that both see
// the same load at every moment: on a shared machine the RoundTrip rows of
// the two, measured one after the other, see different loads. It reports
// the medians of the two per-iteration times (store-ns/op, bare-ns/op) and
// their ratio (store/bare); sec/op is the time of the pair. Skipped, as the
// rows are, without the server's variable.
func BenchmarkStoreRatio(b *testing.B) {
	for _, p := range []struct {
		store, bare func(testing.TB) *impl
		name        string
	}{
		{newSessiongenServerRedis, newRedisBare, "sessiongen-server-redis"},
		{newSessiongenServerPostgres, newPgxBare, "sessiongen-server-postgres"},
	} {
		b.Run("impl="+p.name, func(b *testing.B) {
			st, bare := p.store(b), p.bare(b)
			ts, tb := timedLoop(b, st, bare)
			ms, mb := median(ts), median(tb)
			b.ReportMetric(ms, "store-ns/op")
			b.ReportMetric(mb, "bare-ns/op")
			b.ReportMetric(ms/mb, "store/bare")
		})
	}
}

// timedLoop runs a's round trip and then b's, once each per iteration, and
// returns the time each took, in nanoseconds, per iteration.
func timedLoop(bm *testing.B, a, b *impl) (ta, tb []float64) {
	ra, rb := newRequest(a.cookie), newRequest(b.cookie)
	w := newRespWriter()
	r := new(http.Request)
	for bm.Loop() {
		t0 := time.Now()
		w.reset()
		*r = *ra
		if err := a.roundTrip(w, r); err != nil {
			bm.Fatal(err)
		}
		t1 := time.Now()
		w.reset()
		*r = *rb
		if err := b.roundTrip(w, r); err != nil {
			bm.Fatal(err)
		}
		ta = append(ta, float64(t1.Sub(t0)))
		tb = append(tb, float64(time.Since(t1)))
	}
	return ta, tb
}

// median returns the median of vs (which it sorts), 0 for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}
