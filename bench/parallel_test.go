package bench

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// BenchmarkParallel runs the round trip (read userId, theme and roles, set
// lastSeen, commit) from every GOMAXPROCS goroutine at once, each with its
// own request and response writer: with -cpu 1,2 the throughput at two
// procs against one shows whether a pool, a lock or the store serialises
// the requests. The cookie session has no shared state. The memory-store
// rows share the process's default store: impl=sessiongen-server-memory
// gives each goroutine a session of its own (concurrent requests come from
// different users), impl=sessiongen-server-memory-onesession sends every
// goroutine's request with one cookie, so that all commits merge into one
// stored session.
func BenchmarkParallel(b *testing.B) {
	for _, x := range []struct {
		name string
		new  func(testing.TB) *impl
		one  bool // every goroutine uses the first goroutine's session
	}{
		{"sessiongen", newSessiongen, false},
		{"sessiongen-server-memory", newSessiongenServerMemory, false},
		{"sessiongen-server-memory-onesession", newSessiongenServerMemory, true},
	} {
		b.Run("impl="+x.name, func(b *testing.B) {
			ims := make([]*impl, runtime.GOMAXPROCS(0))
			for i := range ims {
				if i > 0 && x.one {
					ims[i] = ims[0]
				} else {
					ims[i] = x.new(b)
				}
			}
			var next atomic.Int32
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				im := ims[int(next.Add(1)-1)%len(ims)]
				tmpl := newRequest(im.cookie)
				w := newRespWriter()
				for pb.Next() {
					w.reset()
					r := *tmpl
					if err := im.roundTrip(w, &r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
