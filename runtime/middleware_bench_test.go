package runtime_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmark
// measures the session work and not a recorder. It has WriteString, as
// net/http's writer does.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header               { return d.h }
func (d *discard) Write(b []byte) (int, error)       { return len(b), nil }
func (d *discard) WriteString(s string) (int, error) { return len(s), nil }
func (d *discard) WriteHeader(int)                   {}

// BenchmarkMiddleware compares a handler that reads a signed cookie
// session by calling GetSession itself, adds Vary: Cookie and, for
// handler=commit, sets a key and calls CommitSession (impl=direct), with
// the same handler under the middleware, which reads the session into the
// context, wraps the writer and commits when the session changed
// (impl=middleware). The difference is the middleware's own cost, without
// a network.
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
	use := func(s *runtime.Session, commit bool) {
		if id, _ := runtime.Get[string](s, "userId"); id != "user-1234567890" {
			b.Fatalf("userId = %q", id)
		}
		if commit {
			runtime.Set(s, "lastSeen", int64(1700000000000))
		}
	}
	for _, commit := range []bool{false, true} {
		direct := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, err := st.GetSession(r)
			if err != nil {
				b.Fatal(err)
			}
			use(s, commit)
			if commit {
				if err := st.CommitSession(w, s); err != nil {
					b.Fatal(err)
				}
			}
			w.Header().Add("Vary", "Cookie")
			io.WriteString(w, "ok")
		})
		wrapped := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := runtime.SessionFrom(r.Context(), sessKey{})
			use(s, commit)
			io.WriteString(w, "ok")
		}))
		handler := "handler=read"
		if commit {
			handler = "handler=commit"
		}
		for _, bc := range []struct {
			name string
			h    http.Handler
		}{{"direct", direct}, {"middleware", wrapped}} {
			b.Run(handler+"/impl="+bc.name, func(b *testing.B) {
				w := &discard{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					bc.h.ServeHTTP(w, req)
				}
			})
		}
	}
}
