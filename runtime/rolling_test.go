package runtime_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// rollingServer serves POST /login (sets userId; ?remember=30d commits with
// WithMaxAge) and GET / (reads userId) under the middleware.
func rollingServer(t *testing.T, spec runtime.Spec, cfg runtime.Config) func(method, path, cookie string) result {
	st := newMWStorage(t, spec, cfg)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := reqSession(t, r)
		runtime.Set(s, "userId", "ada")
		if d, err := time.ParseDuration(r.URL.Query().Get("remember")); err == nil {
			if err := st.CommitSession(w, s, runtime.WithMaxAge(d)); err != nil {
				t.Error(err)
			}
		}
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if v, _ := runtime.Get[string](reqSession(t, r), "userId"); v != "ada" {
			t.Errorf("GET /: userId %q, want ada", v)
		}
	})
	srv := serveTest(t, st.Middleware(sessKey{}, mux))
	return func(method, path, cookie string) result { return doRequest(t, srv, method, path, cookie) }
}

func rollingSpec(maxAge time.Duration, rolling bool) runtime.Spec {
	return runtime.Spec{Name: "User", Cookie: runtime.CookieOptions{
		Name: "__session", Path: "/", SameSite: "lax", HTTPOnly: true, MaxAge: maxAge, Rolling: rolling,
	}}
}

// maxAgeOf returns the Max-Age attribute of a response's only Set-Cookie
// line, or "" when there is none.
func maxAgeOf(t *testing.T, res result) string {
	t.Helper()
	if len(res.cookies) == 0 {
		return ""
	}
	if len(res.cookies) != 1 {
		t.Fatalf("Set-Cookie %q, want one line", res.cookies)
	}
	for _, attr := range strings.Split(res.cookies[0], "; ") {
		if v, ok := strings.CutPrefix(attr, "Max-Age="); ok {
			return v
		}
	}
	return "none"
}

func TestRollingRenewsMaxAgeThrottled(t *testing.T) {
	clock := newClock()
	do := rollingServer(t, rollingSpec(time.Hour, true), runtime.Config{Now: clock.Now})
	res := do("POST", "/login", "")
	cookie := res.cookie("")
	if got := maxAgeOf(t, res); got != "3600" {
		t.Fatalf("login: Max-Age %q, want 3600", got)
	}
	// RenewInterval(1h) is one minute: inside it, nothing is written.
	clock.Advance(59 * time.Second)
	if res = do("GET", "/", cookie); len(res.cookies) != 0 {
		t.Fatalf("59s after login: Set-Cookie %q, want none (throttled)", res.cookies)
	}
	for i := range 3 {
		clock.Advance(time.Minute)
		res = do("GET", "/", cookie)
		if got := maxAgeOf(t, res); got != "3600" {
			t.Fatalf("renewal %d: Max-Age %q, want 3600 from now", i, got)
		}
		if res.cookie(cookie) == cookie {
			t.Fatalf("renewal %d: the cookie did not change (no new renewal stamp)", i)
		}
		cookie = res.cookie(cookie)
		if res = do("GET", "/", cookie); len(res.cookies) != 0 {
			t.Fatalf("right after renewal %d: Set-Cookie %q, want none", i, res.cookies)
		}
	}
}

func TestNotRollingNeverRenews(t *testing.T) {
	clock := newClock()
	do := rollingServer(t, rollingSpec(time.Hour, false), runtime.Config{Now: clock.Now})
	cookie := do("POST", "/login", "").cookie("")
	clock.Advance(50 * time.Minute)
	if res := do("GET", "/", cookie); len(res.cookies) != 0 {
		t.Errorf("without rolling: Set-Cookie %q, want none", res.cookies)
	}
}

func TestRollingRememberMeKeepsItsLength(t *testing.T) {
	for _, maxAge := range []time.Duration{0, time.Hour} {
		clock := newClock()
		do := rollingServer(t, rollingSpec(maxAge, true), runtime.Config{Now: clock.Now})
		cookie := do("POST", "/login?remember=720h", "").cookie("")
		clock.Advance(2 * time.Minute)
		res := do("GET", "/", cookie)
		if got := maxAgeOf(t, res); got != "2592000" {
			t.Errorf("schema maxAge %v: renewal of a remembered session: Max-Age %q, want 2592000 (30 days)", maxAge, got)
		}
	}
}

func TestRollingBrowserSessionCookieDoesNotRoll(t *testing.T) {
	clock := newClock()
	do := rollingServer(t, rollingSpec(0, true), runtime.Config{Now: clock.Now})
	cookie := do("POST", "/login", "").cookie("")
	clock.Advance(2 * time.Hour)
	if res := do("GET", "/", cookie); len(res.cookies) != 0 {
		t.Errorf("a browser-session cookie with rolling: Set-Cookie %q, want none (nothing to roll)", res.cookies)
	}
}

// expiryStore records the expiry of every write.
type expiryStore struct {
	runtime.Store
	mu     sync.Mutex
	writes []time.Time
}

func (s *expiryStore) Create(ctx context.Context, id string, rec runtime.Record) error {
	s.note(rec.Expires)
	return s.Store.Create(ctx, id, rec)
}

func (s *expiryStore) Update(ctx context.Context, id string, p runtime.Patch) error {
	s.note(p.Expires)
	return s.Store.Update(ctx, id, p)
}

func (s *expiryStore) note(t time.Time) { s.mu.Lock(); s.writes = append(s.writes, t); s.mu.Unlock() }

func (s *expiryStore) take() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.writes
	s.writes = nil
	return w
}

func TestRollingMovesStoreExpiry(t *testing.T) {
	clock := newClock()
	store := &expiryStore{Store: runtime.NewMemoryStore(0)}
	spec := rollingSpec(time.Hour, true)
	spec.Server = true
	do := rollingServer(t, spec, runtime.Config{Now: clock.Now, Store: store})
	cookie := do("POST", "/login", "").cookie("")
	if w := store.take(); len(w) != 1 || !w[0].Equal(clock.Now().Add(time.Hour)) {
		t.Fatalf("login wrote expiries %v, want one at now+1h", w)
	}
	clock.Advance(30 * time.Second)
	if do("GET", "/", cookie); len(store.take()) != 0 {
		t.Fatal("a request inside the renewal interval wrote to the store")
	}
	clock.Advance(40 * time.Second)
	res := do("GET", "/", cookie)
	if w := store.take(); len(w) != 1 || !w[0].Equal(clock.Now().Add(time.Hour)) {
		t.Errorf("renewal wrote expiries %v, want one at now+1h (%v)", w, clock.Now().Add(time.Hour))
	}
	if got := maxAgeOf(t, res); got != "3600" || res.cookie(cookie) != cookie {
		t.Errorf("renewal: Max-Age %q, cookie changed %v; want 3600 and the same id", got, res.cookie(cookie) != cookie)
	}
}
