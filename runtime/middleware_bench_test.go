package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmark
// measures the session work and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkMiddleware compares a handler that reads one key of a signed
// cookie session by calling GetSession itself (direct) with the same handler
// under the middleware, which reads the session into the context, wraps the
// writer and checks for a commit (none is needed).
//
//	go test -run '^$' -bench Middleware -benchmem ./runtime/
func BenchmarkMiddleware(b *testing.B) {
	st := newMWStorage(b, runtime.Spec{}, runtime.Config{})
	s := runtime.NewSession()
	runtime.Set(s, "userId", "user-1234567890")
	runtime.Set(s, "theme", "dark")
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", (result{cookies: []string{line}}).cookie(""))
	use := func(id string) {
		if id != "user-1234567890" {
			b.Fatalf("userId = %q", id)
		}
	}
	direct := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := st.GetSession(r)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := runtime.Get[string](s, "userId")
		use(id)
		w.WriteHeader(http.StatusNoContent)
	})
	wrapped := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := runtime.SessionFrom(r.Context(), sessKey{})
		id, _ := runtime.Get[string](s, "userId")
		use(id)
		w.WriteHeader(http.StatusNoContent)
	}))
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"direct", direct}, {"middleware", wrapped}} {
		b.Run(bc.name, func(b *testing.B) {
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}
