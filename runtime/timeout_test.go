package runtime_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

func TestRenewInterval(t *testing.T) {
	for _, tc := range []struct{ idle, want time.Duration }{
		{5 * time.Second, time.Second},      // a tenth is below the floor
		{2 * time.Minute, 12 * time.Second}, // a tenth
		{30 * time.Minute, time.Minute},     // a tenth is above the ceiling
		{24 * time.Hour, time.Minute},
	} {
		if got := runtime.RenewInterval(tc.idle); got != tc.want {
			t.Errorf("RenewInterval(%v) = %v, want %v", tc.idle, got, tc.want)
		}
	}
}

// timeoutServer serves /login (sets userId), /me (reads it, reports why a
// session timed out) and /noop (touches nothing) under the middleware.
func timeoutServer(t *testing.T, st *runtime.Storage) (get func(path, cookie string) result) {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "userId", "ada")
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		s := reqSession(t, r)
		id, _ := runtime.Get[string](s, "userId")
		switch err := s.ReadError(); {
		case errors.Is(err, runtime.ErrIdleTimeout) && s.TimedOut():
			io.WriteString(w, "idle timeout")
		case errors.Is(err, runtime.ErrAbsoluteTimeout) && s.TimedOut():
			io.WriteString(w, "absolute timeout")
		default:
			io.WriteString(w, id)
		}
	})
	s := serveTest(t, st.Middleware(sessKey{}, mux))
	return func(path, cookie string) result { return doRequest(t, s, "GET", path, cookie) }
}

// stamps decodes the stamps of a cookie session's Set-Cookie.
func stamps(t *testing.T, st *runtime.Storage, cookie string) (created, seen int64) {
	t.Helper()
	s, err := st.GetSessionHeader(t.Context(), cookie)
	if err != nil {
		t.Fatal(err)
	}
	created, _ = runtime.Get[int64](s, runtime.CreatedKey)
	seen, _ = runtime.Get[int64](s, runtime.SeenKey)
	return created, seen
}

func TestIdleTimeoutThrottledRenewal(t *testing.T) {
	clk := newClock()
	spec := runtime.Spec{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour}
	st := newMWStorage(t, spec, runtime.Config{Now: clk.Now})
	get := timeoutServer(t, st)
	start := clk.Now().Unix()

	cookie := get("/login", "").cookie("")
	if created, seen := stamps(t, st, cookie); created != start || seen != start {
		t.Fatalf("stamps after login = %d, %d; want both %d", created, seen, start)
	}
	clk.Advance(59 * time.Second) // RenewInterval(30m) is 1m
	if res := get("/me", cookie); res.body != "ada" || len(res.cookies) != 0 {
		t.Fatalf("59 s later: %q with Set-Cookie %q; want no rewrite", res.body, res.cookies)
	}
	clk.Advance(time.Second)
	res := get("/me", cookie)
	if res.body != "ada" || len(res.cookies) != 1 {
		t.Fatalf("60 s later: %q with Set-Cookie %q; want the renewal", res.body, res.cookies)
	}
	cookie = res.cookie(cookie)
	if created, seen := stamps(t, st, cookie); created != start || seen != start+60 {
		t.Errorf("stamps after renewal = %d, %d; want %d, %d", created, seen, start, start+60)
	}
	// Renewed at +60 s: idle until +60 s + 30 m − 1 s is still fine.
	clk.Advance(30*time.Minute - time.Second)
	if res := get("/me", cookie); res.body != "ada" {
		t.Fatalf("just inside the idle timeout: %q", res.body)
	}
	// The request above renewed the cookie, but a client that keeps the old
	// one is out one second later: the timeout runs from the signed stamp.
	clk.Advance(time.Second)
	res = get("/me", cookie)
	if res.body != "idle timeout" {
		t.Fatalf("after the idle timeout with the old cookie: %q, want idle timeout", res.body)
	}
	if len(res.cookies) != 1 || !strings.Contains(res.cookies[0], "Expires=Thu, 01 Jan 1970") {
		t.Errorf("timed-out session: Set-Cookie %q, want the cookie deleted", res.cookies)
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	clk := newClock()
	spec := runtime.Spec{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 2 * time.Hour}
	st := newMWStorage(t, spec, runtime.Config{Now: clk.Now})
	get := timeoutServer(t, st)
	cookie := get("/login", "").cookie("")
	for i := 0; i < 4; i++ { // active every 29 minutes: never idle
		clk.Advance(29 * time.Minute)
		res := get("/me", cookie)
		if res.body != "ada" {
			t.Fatalf("after %d × 29 min: %q", i+1, res.body)
		}
		cookie = res.cookie(cookie)
	}
	clk.Advance(2*time.Hour - 4*29*time.Minute) // 2 h after login
	if res := get("/me", cookie); res.body != "absolute timeout" {
		t.Errorf("2 h after login: %q, want absolute timeout", res.body)
	}
}

func TestExpiredErrorMatches(t *testing.T) {
	clk := newClock()
	st := newMWStorage(t, runtime.Spec{AbsoluteTimeout: time.Hour}, runtime.Config{Now: clk.Now})
	line, err := st.CommitSessionHeader(runtime.NewSession())
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	s, err := st.GetSessionHeader(t.Context(), strings.SplitN(line, ";", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var ee *runtime.ExpiredError
	if !errors.As(s.ReadError(), &ee) || ee.Idle || ee.Timeout != time.Hour || !ee.Since.Equal(clk.Now().Add(-time.Hour)) {
		t.Fatalf("ReadError = %#v, want an absolute *ExpiredError of 1h since creation", s.ReadError())
	}
	if !errors.Is(ee, runtime.ErrExpired) || !errors.Is(ee, runtime.ErrAbsoluteTimeout) || errors.Is(ee, runtime.ErrIdleTimeout) {
		t.Error("an absolute timeout must match ErrExpired and ErrAbsoluteTimeout only")
	}
	if !s.Modified() || len(s.Keys()) != 0 {
		t.Errorf("expired session: Modified %v, keys %q; want a new, modified session", s.Modified(), s.Keys())
	}
}

// TestTimeoutServerDeletesData: a timed-out server session's data is
// deleted from the store, not only ignored.
func TestTimeoutServerDeletesData(t *testing.T) {
	clk := newClock()
	store := runtime.NewMemoryStore(0)
	st := newMWStorage(t, runtime.Spec{Server: true, IdleTimeout: 10 * time.Minute}, runtime.Config{Store: store, Now: clk.Now})
	get := timeoutServer(t, st)
	cookie := get("/login", "").cookie("")
	s, err := st.GetSessionHeader(t.Context(), cookie)
	if err != nil || s.ID() == "" {
		t.Fatal(err)
	}
	id := s.ID()
	var data map[string]json.RawMessage
	rec, _ := store.Read(t.Context(), id)
	if json.Unmarshal(rec.Data, &data); string(data[runtime.SeenKey]) != jsonInt(clk.Now().Unix()) {
		t.Errorf("stored data %s has no %s stamp of now", rec.Data, runtime.SeenKey)
	}
	clk.Advance(10 * time.Minute)
	if res := get("/me", cookie); res.body != "idle timeout" {
		t.Fatalf("server session after the idle timeout: %q", res.body)
	}
	if _, err := store.Read(t.Context(), id); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("store.Read of the timed-out session: %v, want ErrNotFound", err)
	}
}

// TestUnstampedSessionAdopted: a session committed before the timeouts
// were configured (or by a React Router app sharing the cookie) is stamped
// at its next commit, not rejected.
func TestUnstampedSessionAdopted(t *testing.T) {
	clk := newClock()
	old := newMWStorage(t, runtime.Spec{}, runtime.Config{Now: clk.Now})
	s := runtime.NewSession()
	runtime.Set(s, "userId", "ada")
	line, err := old.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	st := newMWStorage(t, runtime.Spec{IdleTimeout: time.Hour, AbsoluteTimeout: 24 * time.Hour}, runtime.Config{Now: clk.Now})
	get := timeoutServer(t, st)
	res := get("/me", strings.SplitN(line, ";", 2)[0])
	if res.body != "ada" || len(res.cookies) != 1 {
		t.Fatalf("unstamped session: %q with Set-Cookie %q; want it kept and stamped", res.body, res.cookies)
	}
	if created, seen := stamps(t, st, res.cookie("")); created != clk.Now().Unix() || seen != created {
		t.Errorf("stamps = %d, %d; want now", created, seen)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestRememberMeSurvivesRenewal: a remember-me Max-Age is kept by the
// middleware's later commits (an idle renewal, a change), in cookie and
// server storage, and the store's expiry follows.
func TestRememberMeSurvivesRenewal(t *testing.T) {
	for _, server := range []bool{false, true} {
		clk := newClock()
		store := runtime.NewMemoryStore(0)
		st := newMWStorage(t, runtime.Spec{Server: server, IdleTimeout: 24 * time.Hour}, runtime.Config{Store: store, Now: clk.Now})
		mux := http.NewServeMux()
		mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
			s := reqSession(t, r)
			runtime.Set(s, "userId", "ada")
			opts := []runtime.CommitOption{}
			if r.URL.Query().Has("remember") {
				opts = append(opts, runtime.WithMaxAge(30*24*time.Hour))
			}
			if err := st.CommitSession(w, s, opts...); err != nil {
				t.Error(err)
			}
		})
		mux.HandleFunc("/theme", func(w http.ResponseWriter, r *http.Request) { runtime.Set(reqSession(t, r), "theme", "dark") })
		mux.HandleFunc("/noop", func(w http.ResponseWriter, r *http.Request) {})
		srv := serveTest(t, st.Middleware(sessKey{}, mux))
		for _, remember := range []bool{true, false} {
			path := "/login"
			if remember {
				path += "?remember"
			}
			cookie := doRequest(t, srv, "GET", path, "").cookie("")
			for _, step := range []string{"/noop", "/theme"} {
				clk.Advance(2 * time.Hour) // past RenewInterval: /noop renews
				res := doRequest(t, srv, "GET", step, cookie)
				if len(res.cookies) != 1 {
					t.Fatalf("server=%v remember=%v %s: Set-Cookie %q, want one", server, remember, step, res.cookies)
				}
				if got := strings.Contains(res.cookies[0], "; Max-Age=2592000;"); got != remember {
					t.Errorf("server=%v remember=%v %s: Set-Cookie %q", server, remember, step, res.cookies[0])
				}
				cookie = res.cookie(cookie)
				if server {
					s, _ := st.GetSessionHeader(t.Context(), cookie)
					rec, _ := store.Read(t.Context(), s.ID())
					// The store keeps the session until its idle deadline,
					// which comes before the remembered Max-Age runs out.
					if want := clk.Now().Add(24 * time.Hour); !rec.Expires.Equal(want) {
						t.Errorf("remember=%v %s: store expiry %v", remember, step, rec.Expires)
					}
				}
			}
		}
	}
}

// TestConfigOverridesTimeouts: Config.IdleTimeout and AbsoluteTimeout
// replace the schema's values; zero keeps them.
func TestConfigOverridesTimeouts(t *testing.T) {
	clk := newClock()
	spec := runtime.Spec{IdleTimeout: 30 * time.Minute}
	short := newMWStorage(t, spec, runtime.Config{Now: clk.Now, IdleTimeout: 2 * time.Second})
	kept := newMWStorage(t, spec, runtime.Config{Now: clk.Now})
	if got := short.Spec().IdleTimeout; got != 2*time.Second {
		t.Fatalf("override: IdleTimeout = %v", got)
	}
	if got := kept.Spec().IdleTimeout; got != 30*time.Minute {
		t.Fatalf("no override: IdleTimeout = %v", got)
	}
	get := timeoutServer(t, short)
	cookie := get("/login", "").cookie("")
	clk.Advance(3 * time.Second)
	if res := get("/me", cookie); res.body == "ada" {
		t.Fatal("a session idle for 3 s outlived a 2 s override")
	}
}

// TestRegenerateIDRestartsAbsoluteTimeout: a login (RegenerateID) on a
// session created long before starts its absolute timeout again.
func TestRegenerateIDRestartsAbsoluteTimeout(t *testing.T) {
	clk := newClock()
	for _, server := range []bool{false, true} {
		spec := runtime.Spec{AbsoluteTimeout: time.Hour, Server: server, Cookie: runtime.CookieOptions{Name: "s", Path: "/"}}
		st, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{"another-test-secret-q8Zr2LxW4vN7pT0kYs"}, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := st.GetSessionHeader(t.Context(), "")
		runtime.Set(s, "visits", 1)
		line, err := st.CommitSessionHeader(s)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(50 * time.Minute)
		s, _ = st.GetSessionHeader(t.Context(), strings.Split(line, ";")[0])
		if err := st.RegenerateID(s); err != nil {
			t.Fatal(err)
		}
		runtime.Set(s, "userId", "ada")
		line, err = st.CommitSessionHeader(s)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(50 * time.Minute) // 100 min after creation, 50 after login
		s, _ = st.GetSessionHeader(t.Context(), strings.Split(line, ";")[0])
		if v, ok := runtime.Get[string](s, "userId"); !ok || v != "ada" {
			t.Errorf("server=%v: session ended %v after login, before its absolute timeout (%v)", server, 50*time.Minute, s.ReadError())
		}
	}
}

// TestRegenerateIDForgetsRememberMe: a login without remember-me after a
// remembered one gives a browser-session cookie again.
func TestRegenerateIDForgetsRememberMe(t *testing.T) {
	st, err := runtime.NewStorage(runtime.Spec{Cookie: runtime.CookieOptions{Name: "s", Path: "/"}}, runtime.Config{Secrets: []string{"another-test-secret-q8Zr2LxW4vN7pT0kYs"}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := st.GetSessionHeader(t.Context(), "")
	s.SetRaw(runtime.RememberKey, []byte("2592000"))
	if err := st.RegenerateID(s); err != nil {
		t.Fatal(err)
	}
	if s.HasValue(runtime.RememberKey) || !s.Modified() {
		t.Fatal("RegenerateID kept the remembered Max-Age")
	}
}
