package runtime_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

const testSecret = "0123456789abcdef0123456789abcdef"

// sessKey is the context key the tests' middleware uses, as generated code
// uses one of its own.
type sessKey struct{}

// A clock is a fake Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newMWStorage(t testing.TB, spec runtime.Spec, cfg runtime.Config) *runtime.Storage {
	t.Helper()
	cfg.Secrets = []string{testSecret}
	if spec.Cookie.Name == "" {
		spec.Cookie = runtime.CookieOptions{Name: "__session", Path: "/", SameSite: "lax", HTTPOnly: true}
	}
	st, err := runtime.NewStorage(spec, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// session returns the request's session, failing the test when the
// middleware did not run.
func reqSession(t *testing.T, r *http.Request) *runtime.Session {
	s, ok := runtime.SessionFrom(r.Context(), sessKey{})
	if !ok {
		t.Error("no session in the request context")
		return runtime.NewSession()
	}
	return s
}

// A result is one response, read whole.
type result struct {
	status  int
	header  http.Header
	body    string
	cookies []string // Set-Cookie lines
}

// cookie returns the Cookie header a browser would send after this
// response, given the one it sent (cookie names other than __session and
// admin are not used in these tests).
func (r result) cookie(prev string) string {
	if len(r.cookies) == 0 {
		return prev
	}
	line := r.cookies[len(r.cookies)-1]
	if strings.Contains(line, "Expires=Thu, 01 Jan 1970") {
		return ""
	}
	v, _, _ := strings.Cut(line, ";")
	return v
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func doRequest(t *testing.T, srv *httptest.Server, method, path, cookie string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, string(body), resp.Header.Values("Set-Cookie")}
}

func serveTest(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func wantVary(t *testing.T, res result) {
	t.Helper()
	if got := res.header.Values("Vary"); len(got) != 1 || got[0] != "Cookie" {
		t.Errorf("Vary = %q, want exactly [Cookie]", got)
	}
}

func TestMiddlewareCommitsChangesOnly(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "userId", "ada")
		runtime.Flash(reqSession(t, r), "message", "welcome")
		io.WriteString(w, "signed in")
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		id, _ := runtime.Get[string](reqSession(t, r), "userId")
		io.WriteString(w, id)
	})
	mux.HandleFunc("GET /flash", func(w http.ResponseWriter, r *http.Request) {
		msg, _ := runtime.Pop[string](reqSession(t, r), "message")
		io.WriteString(w, msg)
	})
	srv := serveTest(t, st.Middleware(sessKey{}, mux))

	res := doRequest(t, srv, "POST", "/login", "")
	if res.status != 200 || res.body != "signed in" || len(res.cookies) != 1 {
		t.Fatalf("login: %d %q, Set-Cookie %q; want 200 and one Set-Cookie", res.status, res.body, res.cookies)
	}
	wantVary(t, res)
	cookie := res.cookie("")

	res = doRequest(t, srv, "GET", "/me", cookie)
	if res.body != "ada" {
		t.Errorf("after login, userId = %q, want ada", res.body)
	}
	if len(res.cookies) != 0 {
		t.Errorf("a request that changed nothing sent Set-Cookie %q", res.cookies)
	}
	wantVary(t, res)

	res = doRequest(t, srv, "GET", "/flash", cookie)
	if res.body != "welcome" || len(res.cookies) != 1 {
		t.Fatalf("flash: %q with Set-Cookie %q; want welcome and a commit (the flash was consumed)", res.body, res.cookies)
	}
	cookie = res.cookie(cookie)
	if res = doRequest(t, srv, "GET", "/flash", cookie); res.body != "" || len(res.cookies) != 0 {
		t.Errorf("flash read twice: %q, Set-Cookie %q", res.body, res.cookies)
	}
	if res = doRequest(t, srv, "GET", "/me", cookie); res.body != "ada" {
		t.Errorf("userId lost with the flash: %q", res.body)
	}
}

func TestMiddlewareKeepsHandlerVary(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Encoding, cookie")
	})))
	if got := doRequest(t, srv, "GET", "/", "").header.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding, cookie" {
		t.Errorf("Vary = %q, want the handler's own, not a second Cookie", got)
	}
}

func TestSessionFromWithoutMiddleware(t *testing.T) {
	var ok atomic.Bool
	ok.Store(true)
	srv := serveTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, found := runtime.SessionFrom(r.Context(), sessKey{})
		ok.Store(found || s != nil)
	}))
	doRequest(t, srv, "GET", "/", "")
	if ok.Load() {
		t.Error("SessionFrom found a session without the middleware")
	}
	if s, found := runtime.SessionFrom(context.Background(), sessKey{}); found || s != nil {
		t.Error("SessionFrom(context.Background()) found a session")
	}
}

func TestMiddlewareTwiceReadsOnce(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	var outer, inner *runtime.Session
	h := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner = reqSession(t, r)
		runtime.Set(inner, "k", 1)
	}))
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outer = reqSession(t, r)
		h.ServeHTTP(w, r)
	})))
	res := doRequest(t, srv, "GET", "/", "")
	if outer != inner || len(res.cookies) != 1 {
		t.Errorf("nested middleware: same session %v, Set-Cookie %q; want one session, one commit", outer == inner, res.cookies)
	}
}

// TestMiddlewareFlush streams a response: the first chunk reaches the
// client, with the session's Set-Cookie, while the handler still runs.
func TestMiddlewareFlush(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	release := make(chan struct{})
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "step", 1)
		io.WriteString(w, "first;")
		f, ok := w.(http.Flusher)
		if !ok {
			t.Error("the middleware's writer is not an http.Flusher")
			return
		}
		f.Flush()
		<-release
		io.WriteString(w, "second")
	})))
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if len(resp.Header.Values("Set-Cookie")) != 1 {
		t.Errorf("streamed response: Set-Cookie %q, want the commit before the first chunk", resp.Header.Values("Set-Cookie"))
	}
	first := make([]byte, len("first;"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "first;" {
		t.Fatalf("first chunk = %q, %v", first, err)
	}
	close(release) // only now can the handler finish: the chunk was flushed
	rest, _ := io.ReadAll(resp.Body)
	if string(rest) != "second" {
		t.Errorf("rest = %q", rest)
	}
}

// TestMiddlewareResponseController uses http.ResponseController through the
// wrapper: the deadlines and full duplex need Unwrap.
func TestMiddlewareResponseController(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(interface{ Unwrap() http.ResponseWriter }); !ok {
			t.Error("the middleware's writer has no Unwrap")
		}
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through the middleware: %v", err)
		}
		if err := rc.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetReadDeadline through the middleware: %v", err)
		}
		if err := rc.EnableFullDuplex(); err != nil {
			t.Errorf("EnableFullDuplex through the middleware: %v", err)
		}
		runtime.Set(reqSession(t, r), "k", "v")
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush through the middleware: %v", err)
		}
	})))
	if res := doRequest(t, srv, "GET", "/", ""); len(res.cookies) != 1 {
		t.Errorf("Set-Cookie %q, want the commit at the controller's Flush", res.cookies)
	}
}

// TestMiddlewareHijack takes the connection over, as a WebSocket upgrade
// does, on a real server connection.
func TestMiddlewareHijack(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	for _, via := range []string{"Hijacker", "ResponseController"} {
		t.Run(via, func(t *testing.T) {
			srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var conn net.Conn
				var brw *bufio.ReadWriter
				var err error
				if via == "Hijacker" {
					hj, ok := w.(http.Hijacker)
					if !ok {
						t.Error("the middleware's writer is not an http.Hijacker")
						return
					}
					conn, brw, err = hj.Hijack()
				} else {
					conn, brw, err = http.NewResponseController(w).Hijack()
				}
				if err != nil {
					t.Errorf("Hijack: %v", err)
					return
				}
				defer conn.Close()
				brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
				brw.Flush()
			})))
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if string(body) != "hijacked" {
				t.Errorf("body over the hijacked connection = %q", body)
			}
		})
	}
}

// TestMiddlewareWriteBeforeRead: a handler that writes first still works;
// what it changes afterwards cannot reach the cookie.
func TestMiddlewareWriteBeforeRead(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "body first")
		runtime.Set(reqSession(t, r), "late", true)
	})
	srv := serveTest(t, st.Middleware(sessKey{}, mux))
	res := doRequest(t, srv, "GET", "/late", "")
	if res.status != 200 || res.body != "body first" {
		t.Fatalf("handler writing first: %d %q", res.status, res.body)
	}
	if len(res.cookies) != 0 {
		t.Errorf("Set-Cookie %q after the body was written", res.cookies)
	}
	wantVary(t, res)
}

// TestMiddlewareLateCommitServer: a server session that has an id can be
// saved after the first byte by an explicit CommitSession (the store is
// updated; the cookie keeps the id).
func TestMiddlewareLateCommitServer(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{Server: true}, runtime.Config{Store: runtime.NewMemoryStore(0)})
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "n", 1)
	})
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "streamed")
		s := reqSession(t, r)
		runtime.Set(s, "n", 2)
		if err := st.CommitSession(w, s); err != nil {
			t.Errorf("explicit commit after the first byte: %v", err)
		}
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, string(reqSession(t, r).JSON()))
	})
	srv := serveTest(t, st.Middleware(sessKey{}, mux))
	cookie := doRequest(t, srv, "GET", "/start", "").cookie("")
	if res := doRequest(t, srv, "GET", "/late", cookie); res.body != "streamed" || len(res.cookies) != 0 {
		t.Fatalf("late commit: %q, Set-Cookie %q", res.body, res.cookies)
	}
	if got := doRequest(t, srv, "GET", "/read", cookie).body; got != `{"n":2}` {
		t.Errorf("after a late explicit commit the session is %s, want {\"n\":2}", got)
	}
}

// TestMiddlewareCommitFailure: a commit that fails before the first byte
// replaces the handler's response with ErrorHandler's.
func TestMiddlewareCommitFailure(t *testing.T) {
	var got error
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		got = err
		http.Error(w, "session not saved", http.StatusInternalServerError)
	}})
	var writeErr error
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "big", strings.Repeat("x", 5000))
		w.Header().Set("Location", "/done")
		w.WriteHeader(http.StatusSeeOther)
		_, writeErr = io.WriteString(w, "redirecting")
	})))
	res := doRequest(t, srv, "POST", "/", "")
	if res.status != 500 || res.body != "session not saved\n" || res.header.Get("Location") != "" || len(res.cookies) != 0 {
		t.Errorf("commit failure: %d %q Location %q Set-Cookie %q; want ErrorHandler's 500 alone", res.status, res.body, res.header.Get("Location"), res.cookies)
	}
	if !errors.Is(got, runtime.ErrTooLarge) || !errors.Is(writeErr, runtime.ErrTooLarge) {
		t.Errorf("ErrorHandler got %v, the handler's Write %v; want ErrTooLarge for both", got, writeErr)
	}
	wantVary(t, res)
}

func TestMiddlewareDefaultErrorHandler(t *testing.T) {
	var logged strings.Builder
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "big", strings.Repeat("x", 5000))
	})))
	res := doRequest(t, srv, "GET", "/path", "")
	if res.status != 500 || !strings.Contains(logged.String(), "GET /path") || !strings.Contains(logged.String(), "too large") {
		t.Errorf("default error handler: %d, logged %q", res.status, logged.String())
	}
}

// A switchStore is a memory store whose server can be taken down.
type switchStore struct {
	runtime.Store
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (s *switchStore) Read(ctx context.Context, id string) (runtime.Record, error) {
	if s.down.Load() {
		return runtime.Record{}, errDown
	}
	return s.Store.Read(ctx, id)
}

func (s *switchStore) Update(ctx context.Context, id string, p runtime.Patch) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Update(ctx, id, p)
}

// TestMiddlewareStoreDown: a store failure at load answers 500 without
// running the handler; at commit, it replaces the response.
func TestMiddlewareStoreDown(t *testing.T) {
	store := &switchStore{Store: runtime.NewMemoryStore(0)}
	var errs []error
	st := newMWStorage(t, runtime.Spec{Server: true}, runtime.Config{Store: store, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		errs = append(errs, err)
		w.WriteHeader(http.StatusServiceUnavailable)
	}})
	var ran atomic.Int32
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran.Add(1)
		runtime.Set(reqSession(t, r), "n", ran.Load())
		io.WriteString(w, "ok")
	})))
	cookie := doRequest(t, srv, "GET", "/", "").cookie("")
	store.down.Store(true)
	res := doRequest(t, srv, "GET", "/", cookie)
	if res.status != 503 || ran.Load() != 1 || len(errs) != 1 {
		t.Fatalf("store down at load: %d, handler ran %d times, errors %v; want ErrorHandler only", res.status, ran.Load(), errs)
	}
	var se *runtime.StoreError
	if !errors.As(errs[0], &se) || se.Op != "read" {
		t.Errorf("load error = %v, want a *runtime.StoreError from read", errs[0])
	}
}

func TestMiddlewareRememberMe(t *testing.T) {
	clk := newClock()
	store := runtime.NewMemoryStore(0)
	for _, server := range []bool{false, true} {
		spec := runtime.Spec{Server: server} // no schema maxAge: a browser-session cookie by default
		st := newMWStorage(t, spec, runtime.Config{Store: store, Now: clk.Now})
		srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := reqSession(t, r)
			runtime.Set(s, "userId", "ada")
			if r.URL.Query().Has("remember") {
				if err := st.CommitSession(w, s, runtime.WithMaxAge(30*24*time.Hour)); err != nil {
					t.Error(err)
				}
			}
			runtime.Flash(s, "message", "welcome") // after the commit: the middleware commits again
			http.Redirect(w, r, "/", http.StatusSeeOther)
		})))
		for _, tc := range []struct {
			query  string
			maxAge string        // "" for a browser-session cookie
			expiry time.Duration // 0 for no store expiry
		}{{"?remember=on", "Max-Age=2592000", 30 * 24 * time.Hour}, {"", "", 0}} {
			res := doRequest(t, srv, "POST", "/login"+tc.query, "")
			if len(res.cookies) != 1 {
				t.Errorf("server=%v login%s: Set-Cookie %q, want one line", server, tc.query, res.cookies)
				continue
			}
			line := res.cookies[0]
			if persistent := strings.Contains(line, "Max-Age=") || strings.Contains(line, "Expires="); persistent != (tc.maxAge != "") || !strings.Contains(line, tc.maxAge) {
				t.Errorf("server=%v login%s: Set-Cookie %q, want %q (none: a browser-session cookie)", server, tc.query, line, tc.maxAge)
			}
			if !server {
				continue
			}
			s, err := st.GetSessionHeader(t.Context(), res.cookie(""))
			if err != nil || s.ID() == "" {
				t.Fatalf("reading the new session: %v", err)
			}
			rec, err := store.Read(t.Context(), s.ID())
			want := time.Time{}
			if tc.expiry > 0 {
				want = clk.Now().Add(tc.expiry)
			}
			if err != nil || !rec.Expires.Equal(want) {
				t.Errorf("login%s: store expiry %v (%v), want now+%v", tc.query, rec.Expires, err, tc.expiry)
			}
		}
	}
}

// TestMiddlewareDestroyAfterRememberedCommit: a logout that destroys a
// session committed with WithMaxAge earlier in the same request deletes the
// cookie; the middleware does not commit it again.
func TestMiddlewareDestroyAfterRememberedCommit(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := reqSession(t, r)
		runtime.Set(s, "userId", "ada")
		if err := st.CommitSession(w, s, runtime.WithMaxAge(time.Hour)); err != nil {
			t.Error(err)
		}
		if err := st.DestroySession(w, s); err != nil {
			t.Error(err)
		}
	})))
	res := doRequest(t, srv, "POST", "/logout", "")
	if n := len(res.cookies); n == 0 || !strings.Contains(res.cookies[n-1], "Expires=Thu, 01 Jan 1970") {
		t.Errorf("logout: Set-Cookie %q, want the deleting line last", res.cookies)
	}
}
