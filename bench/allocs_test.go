package bench

import (
	"net/http"
	"testing"
)

// TestAllocations holds sessiongen's allocations per operation, a count
// that does not depend on the machine, to what the goal and the
// README report (at most 7 for the round trip), so that a change that adds
// one fails here rather than only moving a benchmark figure. For the signed
// cookie: the Session (with the decoded payload and the values set inline),
// the []string of roles, the Set-Cookie line and the header's slice of it;
// the encrypted cookie the same.
func TestAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if raceEnabled {
		t.Skip("allocations are counted without -race (go test -run TestAllocations .)")
	}
	for _, c := range []struct {
		new                    func(testing.TB) *impl
		read, write, roundTrip float64
	}{
		{newSessiongen, 2, 3, 4},
		{newSessiongenEncrypted, 2, 3, 4},
		{newSessiongenServerMemory, 3, 11, 8},
	} {
		im := c.new(t)
		for _, s := range []struct {
			name   string
			h      handler
			cookie string
			max    float64
		}{{"Read", im.read, im.cookie, c.read}, {"Write", im.write, "", c.write}, {"RoundTrip", im.roundTrip, im.cookie, c.roundTrip}} {
			tmpl := newRequest(s.cookie)
			r, w := new(http.Request), newRespWriter()
			var err error
			n := testing.AllocsPerRun(200, func() {
				w.reset()
				*r = *tmpl
				if e := s.h(w, r); e != nil {
					err = e
				}
			})
			if err != nil {
				t.Fatalf("%s/%s: %v", im.name, s.name, err)
			}
			if n > s.max {
				t.Errorf("%s/%s: %v allocations per operation; want at most %v", im.name, s.name, n, s.max)
			}
		}
	}
}
