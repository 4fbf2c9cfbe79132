package bench

import (
	"net/http"
	"strings"
	"testing"
)

// A handler is one scenario of one implementation: it handles a request
// the way an app's handler would and reports a wrong result as an error.
type handler func(w http.ResponseWriter, r *http.Request) error

// An impl is one implementation under test.
type impl struct {
	name string
	// cookieName is the name of the cookie it commits; "" for cookieName.
	cookieName string
	// cookie is the Cookie header of the incoming request of Read and
	// RoundTrip: it carries the full 5-key session (payloadFull).
	cookie                 string
	read, write, roundTrip handler
	// decode reads a Cookie header back into a view, for the tests; nil for
	// the floor and the harness, which have no session.
	decode func(cookie string) (view, error)
}

// respWriter is the http.ResponseWriter of every benchmark: one per
// benchmark, its header map cleared between iterations, so that the
// harness costs the same, and little, for every implementation.
type respWriter struct {
	h      http.Header
	status int
	n      int
}

func newRespWriter() *respWriter { return &respWriter{h: make(http.Header, 4)} }

func (w *respWriter) Header() http.Header { return w.h }

func (w *respWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

func (w *respWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *respWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// newRequest returns a GET request carrying cookie ("" for none).
func newRequest(cookie string) *http.Request {
	r, err := http.NewRequest(http.MethodGet, "https://app.example/account", nil)
	if err != nil {
		panic(err)
	}
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	return r
}

// run is the loop of every scenario. Each iteration starts from a copy of
// the same request (some libraries keep per-request state in its context)
// and a cleared response writer; neither allocates.
func run(b *testing.B, h handler, cookie string) {
	tmpl := newRequest(cookie)
	r := new(http.Request)
	w := newRespWriter()
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		*r = *tmpl
		if err := h(w, r); err != nil {
			b.Fatal(err)
		}
	}
}

// cookiePair returns the name=value part of a Set-Cookie line, as a browser
// would send it back in a Cookie header.
func cookiePair(setCookie string) string {
	pair, _, _ := strings.Cut(setCookie, ";")
	return pair
}

// setCookie returns the one Set-Cookie line of w, or "".
func setCookie(w http.ResponseWriter) string {
	return w.Header().Get("Set-Cookie")
}

// harness is the empty implementation: its rows measure the loop alone.
func newHarness(testing.TB) *impl {
	nop := func(http.ResponseWriter, *http.Request) error { return nil }
	return &impl{name: "harness", read: nop, write: nop, roundTrip: nop}
}

// impls lists every implementation, in table order.
var impls = []struct {
	name string
	new  func(testing.TB) *impl
}{
	{"harness", newHarness},
	{"floor", newFloor},
	{"sessiongen", newSessiongen},
	{"sessiongen-encrypted", newSessiongenEncrypted},
	{"sessiongen-server-memory", newSessiongenServerMemory},
	{"sessiongen-server-redis", newSessiongenServerRedis},
	{"redis-bare", newRedisBare},
	{"sessiongen-server-postgres", newSessiongenServerPostgres},
	{"pgx-bare", newPgxBare},
	{"typed", newTyped},
	{"gorilla", newGorilla},
	{"scs", newSCS},
	{"scs-loadcommit", newSCSLoadCommit},
}

// benchScenario runs one scenario for every implementation, each built
// afresh, as sub-benchmarks named impl=NAME so that benchstat groups them.
func benchScenario(b *testing.B, pick func(*impl) handler, withCookie bool) {
	for _, x := range impls {
		b.Run("impl="+x.name, func(b *testing.B) {
			im := x.new(b)
			cookie := ""
			if withCookie {
				cookie = im.cookie
			}
			run(b, pick(im), cookie)
		})
	}
}

// BenchmarkRead loads the session from the request's Cookie header and
// reads three keys (userId, theme and the []string roles). Nothing changes, so nothing is committed.
func BenchmarkRead(b *testing.B) {
	benchScenario(b, func(im *impl) handler { return im.read }, true)
}

// BenchmarkWrite starts a new session (no cookie), sets two keys (userId,
// theme) and a flash message, and commits it: one Set-Cookie line.
func BenchmarkWrite(b *testing.B) {
	benchScenario(b, func(im *impl) handler { return im.write }, false)
}

// BenchmarkRoundTrip loads the session from the request's Cookie header,
// reads three keys (userId, theme, roles), sets one (lastSeen, an int64) and commits: one Set-Cookie line.
func BenchmarkRoundTrip(b *testing.B) {
	benchScenario(b, func(im *impl) handler { return im.roundTrip }, true)
}
