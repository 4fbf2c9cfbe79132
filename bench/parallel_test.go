package bench

import (
	"testing"
)

// BenchmarkParallel runs the round trip (read userId, theme and roles, set
// lastSeen, commit) from every GOMAXPROCS goroutine at once, each with its
// own request and response writer: with -cpu 1,2 the throughput at two
// procs against one shows whether a pool, a lock or the store serialises
// the requests. The cookie session has no shared state; the memory store
// has its lock.
func BenchmarkParallel(b *testing.B) {
	for _, x := range []struct {
		name string
		new  func(testing.TB) *impl
	}{{"sessiongen", newSessiongen}, {"sessiongen-server-memory", newSessiongenServerMemory}} {
		b.Run("impl="+x.name, func(b *testing.B) {
			im := x.new(b)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
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
