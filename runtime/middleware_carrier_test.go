package runtime_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

type outerKey struct{}

// The context the handler gets carries the session, its parent's values
// and its parent's cancellation, as context.WithValue's would; a context
// derived from it is cancelled with the parent.
func TestMiddlewareContextIsParents(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{ContextKey: sessKey{}}, runtime.Config{})
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), outerKey{}, "outer"))
	deadline := time.Now().Add(time.Hour)
	parent, cancelDeadline := context.WithDeadline(parent, deadline)
	defer cancelDeadline()
	var got context.Context
	var child context.Context
	var cancelChild context.CancelFunc
	h := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Context()
		child, cancelChild = context.WithCancel(r.Context())
		if _, ok := runtime.SessionFrom(got, sessKey{}); !ok {
			t.Error("SessionFrom: no session")
		}
		if s, err := st.GetSession(r); err != nil || s != reqSession(t, r) {
			t.Errorf("GetSession = %p, %v; want the middleware's session", s, err)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(parent))
	defer cancelChild()
	if v := got.Value(outerKey{}); v != "outer" {
		t.Errorf("parent's value = %v, want outer", v)
	}
	if d, ok := got.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline = %v, %v; want %v", d, ok, deadline)
	}
	if !strings.Contains(got.(interface{ String() string }).String(), "WithValue") {
		t.Errorf("String = %q, want it to name WithValue", got)
	}
	if got.Err() != nil {
		t.Fatalf("Err before cancel = %v", got.Err())
	}
	cancel()
	for _, c := range []context.Context{got, child} {
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("not cancelled with its parent")
		}
		if c.Err() != context.Canceled {
			t.Errorf("Err = %v, want context.Canceled", c.Err())
		}
	}
}

// A key context.WithValue would refuse is refused when the middleware is
// built, not at the first request.
func TestMiddlewareKeyNotComparable(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	for _, key := range []any{nil, []string{"k"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Middleware(%#v) did not panic", key)
				}
			}()
			st.Middleware(key, http.NotFoundHandler())
		}()
	}
}

// io.WriteString through the writer (its WriteString method) commits the
// session before the body, as Write does; the handler's own Vary and
// Set-Cookie lines, added before or after the first byte, are kept beside
// the middleware's.
func TestMiddlewareWriteStringCommits(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	for _, own := range []bool{false, true} {
		srv := serveTest(t, st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runtime.Set(reqSession(t, r), "userId", "u1")
			if own {
				w.Header().Add("Set-Cookie", "other=1")
				w.Header().Add("Vary", "Accept")
			}
			if _, ok := w.(io.StringWriter); !ok {
				t.Error("the writer has no WriteString")
			}
			io.WriteString(w, "ok")
			w.Header().Add("Vary", "Late")
			w.Header().Add("Set-Cookie", "late=1")
		})))
		res := doRequest(t, srv, "GET", "/", "")
		if res.body != "ok" || len(res.cookies) != 1+btoi(own) {
			t.Fatalf("own=%v: body %q, Set-Cookie %q", own, res.body, res.cookies)
		}
		if !strings.HasPrefix(res.cookies[len(res.cookies)-1], "__session=") {
			t.Errorf("own=%v: Set-Cookie %q, want the session's last", own, res.cookies)
		}
		if vary := strings.Join(res.header.Values("Vary"), ","); strings.Contains(vary, "Late") || !strings.Contains(vary, "Cookie") || own != strings.Contains(vary, "Accept") {
			t.Errorf("own=%v: Vary %q", own, vary)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The middleware costs no allocation beyond what the handler's own
// GetSession and CommitSession would: the session, the context, the
// request copy and the writer share one, and the Vary and Set-Cookie
// values it adds live in it. (BenchmarkMiddleware measures the time.)
func TestMiddlewareAllocations(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	s := runtime.NewSession()
	runtime.Set(s, "userId", "user-1234567890")
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", (result{cookies: []string{line}}).cookie(""))
	for _, commit := range []bool{false, true} {
		direct := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := st.GetSession(r)
			if commit {
				runtime.Set(s, "n", 1)
				st.CommitSession(w, s)
			}
			w.Header().Add("Vary", "Cookie")
			io.WriteString(w, "ok")
		})
		wrapped := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s, _ := runtime.SessionFrom(r.Context(), sessKey{}); commit {
				runtime.Set(s, "n", 1)
			}
			io.WriteString(w, "ok")
		}))
		want, got := serveAllocs(direct, req), serveAllocs(wrapped, req)
		if got > want {
			t.Errorf("commit=%v: the middleware allocates %v times, the handler alone %v", commit, got, want)
		}
	}
}

func serveAllocs(h http.Handler, r *http.Request) float64 {
	w := &discard{h: http.Header{}}
	return testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
}

// Require without Middleware applies it at the same cost as under it: the
// middleware it falls back on is built once, not per request.
func TestRequireAppliesMiddlewareOnce(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	req := httptest.NewRequest("GET", "/", nil)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	allow := func(*runtime.Session) bool { return true }
	alone := st.Require(sessKey{}, allow, ok)
	under := st.Middleware(sessKey{}, st.Require(sessKey{}, allow, ok))
	if a, u := serveAllocs(alone, req), serveAllocs(under, req); a > u {
		t.Errorf("Require alone allocates %v times a request, under Middleware %v", a, u)
	}
}
