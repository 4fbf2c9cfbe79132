package bench

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	gen "github.com/sessiongen/sessiongen/bench/sessions"
)

// Middleware under real HTTP load: a net/http server on loopback
// (httptest.NewServer) and a keep-alive client, one request per iteration,
// so the count is bounded by -benchtime and the benchmark stops by itself.
// The handler is small: it reads the session (userId, theme, roles) and
// writes "ok"; handler=commit also sets lastSeen, so the session is
// committed. impl=bare is the same handler without a session, sent the
// same Cookie header as impl=sessiongen (a browser sends it whether or not
// the handler reads it): the others' overhead is their time over bare's.

// httpImpl is one implementation as an http.Handler, and the Cookie header
// its requests carry.
type httpImpl struct {
	name   string
	cookie string
	read   http.Handler
	commit http.Handler
}

// sessionReader is what the handlers read, whatever the implementation.
type sessionReader func(r *http.Request) (uid string, ok1 bool, theme string, ok2 bool, roles []string, ok3 bool)

// okHandler reads the session with read and answers "ok", or 500 when the
// values are wrong; set (nil for handler=read) changes the session.
func okHandler(read sessionReader, set func(r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if read != nil {
			if err := checkRead(read(r)); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		if set != nil {
			set(r)
		}
		io.WriteString(w, "ok")
	})
}

func httpBare(tb testing.TB) *httpImpl {
	h := okHandler(nil, nil)
	return &httpImpl{name: "bare", cookie: newSessiongen(tb).cookie, read: h, commit: h}
}

func httpSessiongen(tb testing.TB) *httpImpl {
	st, err := gen.NewSignedStorage(benchConfig())
	must(tb, err)
	read := func(r *http.Request) (string, bool, string, bool, []string, bool) {
		s, _ := gen.SignedSessionFrom(r.Context())
		uid, ok1 := s.UserID()
		theme, ok2 := s.Theme()
		roles, ok3 := s.Roles()
		return uid, ok1, theme, ok2, roles, ok3
	}
	set := func(r *http.Request) {
		s, _ := gen.SignedSessionFrom(r.Context())
		s.SetLastSeen(nextLastSeen)
	}
	return &httpImpl{
		name:   "sessiongen",
		cookie: newSessiongen(tb).cookie,
		read:   st.Middleware(okHandler(read, nil)),
		commit: st.Middleware(okHandler(read, set)),
	}
}

func httpSessiongenServer(tb testing.TB) *httpImpl {
	st, err := gen.NewServerStorage(memoryConfig())
	must(tb, err)
	read := func(r *http.Request) (string, bool, string, bool, []string, bool) {
		s, _ := gen.ServerSessionFrom(r.Context())
		uid, ok1 := s.UserID()
		theme, ok2 := s.Theme()
		roles, ok3 := s.Roles()
		return uid, ok1, theme, ok2, roles, ok3
	}
	set := func(r *http.Request) {
		s, _ := gen.ServerSessionFrom(r.Context())
		s.SetLastSeen(nextLastSeen)
	}
	return &httpImpl{
		name:   "sessiongen-server-memory",
		cookie: newSessiongenServer(tb, "sessiongen-server-memory", st).cookie,
		read:   st.Middleware(okHandler(read, nil)),
		commit: st.Middleware(okHandler(read, set)),
	}
}

func httpSCS(tb testing.TB) *httpImpl {
	sm := newSCSManager()
	read := func(r *http.Request) (string, bool, string, bool, []string, bool) {
		uid, ok1 := sm.Get(r.Context(), keyUserID).(string)
		theme, ok2 := sm.Get(r.Context(), keyTheme).(string)
		roles, ok3 := sm.Get(r.Context(), keyRoles).([]string)
		return uid, ok1, theme, ok2, roles, ok3
	}
	set := func(r *http.Request) { sm.Put(r.Context(), keyLastSeen, nextLastSeen) }
	return &httpImpl{
		name:   "scs",
		cookie: seedSCS(tb, sm),
		read:   sm.LoadAndSave(okHandler(read, nil)),
		commit: sm.LoadAndSave(okHandler(read, set)),
	}
}

func httpGorilla(tb testing.TB) *httpImpl {
	im := newGorilla(tb)
	store := newGorillaStore()
	get := func(r *http.Request) *sessions.Session {
		s, _ := store.Get(r, cookieName)
		return s
	}
	read := func(r *http.Request) (string, bool, string, bool, []string, bool) {
		s := get(r)
		uid, ok1 := s.Values[keyUserID].(string)
		theme, ok2 := s.Values[keyTheme].(string)
		roles, ok3 := s.Values[keyRoles].([]string)
		return uid, ok1, theme, ok2, roles, ok3
	}
	commit := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		okHandler(read, func(r *http.Request) {
			s := get(r)
			s.Values[keyLastSeen] = nextLastSeen
			if err := s.Save(r, w); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		}).ServeHTTP(w, r)
	})
	return &httpImpl{name: "gorilla", cookie: im.cookie, read: okHandler(read, nil), commit: commit}
}

// httpBareVary is bare adding "Vary: Cookie", as the Middleware does: the
// cost net/http charges for a handler that sets any header.
func httpBareVary(tb testing.TB) *httpImpl {
	im := httpBare(tb)
	im.name = "bare-vary"
	im.read = withVary(im.read)
	im.commit = im.read
	return im
}

// httpSessiongenDirect is sessiongen without the Middleware: the handler
// calls GetSession (and, for handler=commit, CommitSession) and adds
// "Vary: Cookie" itself. Its time over bare-vary is the session's work;
// sessiongen's over it is the Middleware's.
func httpSessiongenDirect(tb testing.TB) *httpImpl {
	st, err := gen.NewSignedStorage(benchConfig())
	must(tb, err)
	handler := func(commit bool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Cookie")
			s, err := st.GetSession(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			if err := checkRead(uid, ok1, theme, ok2, roles, ok3); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			if commit {
				s.SetLastSeen(nextLastSeen)
				if err := st.CommitSession(w, s); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			io.WriteString(w, "ok")
		})
	}
	return &httpImpl{
		name:   "sessiongen-direct",
		cookie: newSessiongen(tb).cookie,
		read:   handler(false),
		commit: handler(true),
	}
}

func withVary(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Cookie")
		h.ServeHTTP(w, r)
	})
}

var httpImpls = []func(testing.TB) *httpImpl{httpBare, httpSessiongen, httpSessiongenServer, httpSCS, httpGorilla}

var errHTTPStatus = errors.New("bench: the server did not answer 200 ok")

// serve sends one request with cookie to url and reads the answer.
func serve(c *http.Client, url, cookie string) error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		return errHTTPStatus
	}
	return nil
}

// BenchmarkHTTP is one loopback HTTP request per iteration through each
// implementation's middleware (gorilla has none: its calls are in the
// handler), handler=read and handler=commit.
func BenchmarkHTTP(b *testing.B) {
	for _, handler := range []string{"read", "commit"} {
		for _, newImpl := range httpImpls {
			im := newImpl(b)
			h := im.read
			if handler == "commit" {
				h = im.commit
			}
			b.Run("handler="+handler+"/impl="+im.name, func(b *testing.B) {
				srv := httptest.NewServer(h)
				defer srv.Close()
				c := srv.Client()
				b.ReportAllocs()
				for b.Loop() {
					if err := serve(c, srv.URL, im.cookie); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHTTPOverhead measures the Middleware's overhead as a share of
// the bare handler's time on a machine whose load changes from one moment
// to the next: each iteration sends one request to each of bare,
// bare-vary, sessiongen-direct, sessiongen and sessiongen-server-memory,
// in an order that rotates, and times each; it reports the median time per
// request of each (bare-ns/req, ...) and each median over bare's
// (sessiongen-overhead-%, ...). Requests seconds apart see different
// loads; requests microseconds apart see the same. bare-vary and
// sessiongen-direct split sessiongen's overhead into net/http's cost of a
// header, the session's work and the Middleware's own.
//
//	go test -run '^$' -bench HTTPOverhead -benchtime 3000x .
func BenchmarkHTTPOverhead(b *testing.B) {
	for _, handler := range []string{"read", "commit"} {
		b.Run("handler="+handler, func(b *testing.B) {
			ims := []*httpImpl{httpBare(b), httpBareVary(b), httpSessiongenDirect(b), httpSessiongen(b), httpSessiongenServer(b)}
			srvs := make([]*httptest.Server, len(ims))
			for i, im := range ims {
				h := im.read
				if handler == "commit" {
					h = im.commit
				}
				srvs[i] = httptest.NewServer(h)
				defer srvs[i].Close()
			}
			took := make([][]time.Duration, len(ims))
			n := 0
			for b.Loop() {
				for k := range ims {
					i := (n + k) % len(ims)
					start := time.Now()
					if err := serve(srvs[i].Client(), srvs[i].URL, ims[i].cookie); err != nil {
						b.Fatal(err)
					}
					took[i] = append(took[i], time.Since(start))
				}
				n++
			}
			bare := medianDuration(took[0])
			for i, im := range ims {
				m := medianDuration(took[i])
				b.ReportMetric(float64(m.Nanoseconds()), im.name+"-ns/req")
				if i > 0 {
					b.ReportMetric(100*(float64(m)/float64(bare)-1), im.name+"-overhead-%")
				}
			}
		})
	}
}

func medianDuration(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// TestHTTP checks that every implementation answers both handlers.
func TestHTTP(t *testing.T) {
	for _, newImpl := range append(httpImpls, httpBareVary, httpSessiongenDirect) {
		im := newImpl(t)
		for _, h := range []http.Handler{im.read, im.commit} {
			srv := httptest.NewServer(h)
			if err := serve(srv.Client(), srv.URL, im.cookie); err != nil {
				t.Errorf("%s: %v", im.name, err)
			}
			srv.Close()
		}
	}
}
