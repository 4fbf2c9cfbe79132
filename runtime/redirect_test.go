package runtime_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestSafeRedirect is the open-redirect test: every hostile form falls back.
func TestSafeRedirect(t *testing.T) {
	hostile := []string{
		"",
		"//evil.example",
		"///evil.example",
		"////evil.example/path",
		"/\\evil.example",
		"\\\\evil.example",
		"\\/evil.example",
		"/a\\b",
		"https://evil.example",
		"http:evil.example",
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"evil.example",
		"./evil",
		" /evil",
		"/\t/evil.example",
		"/\r\nSet-Cookie: x=1",
		"/\n/evil.example",
		"/\x00evil",
		"/\x7f",
		"/\u0085/evil.example",
		"/%2F%2Fevil.example",
		"/%2fevil.example",
		"%2F%2Fevil.example",
		"/%5Cevil.example",
		"/%5cevil.example",
		"/a%5Cb",
		"/%09/evil.example",
		"/%0D%0ALocation:%20https://evil.example",
		"/%252F%252Fevil.example",
		"/%25252F%25252Fevil.example",
		"/%zz",
		"/\xff",
		"/" + strings.Repeat("a", 2048),
	}
	for _, v := range hostile {
		if got := runtime.SafeRedirect(v, "/home"); got != "/home" {
			t.Errorf("SafeRedirect(%q) = %q, want the fallback", v, got)
		}
	}
	good := []string{
		"/",
		"/dashboard",
		"/items/42?tab=notes&sort=desc",
		"/search?q=a%2Fb",
		"/a%2Fb",
		"/caf%C3%A9",
		"/café",
		"/path#section",
		"/user@example",
		"/a:b",
	}
	for _, v := range good {
		if got := runtime.SafeRedirect(v, "/home"); got != v {
			t.Errorf("SafeRedirect(%q) = %q, want it kept", v, got)
		}
	}
}

func TestRequireRedirectAndForbid(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	hasUser := func(s *runtime.Session) bool { _, ok := runtime.Get[string](s, "userId"); return ok }
	isAdmin := func(s *runtime.Session) bool { v, _ := runtime.Get[bool](s, "admin"); return v }
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "inside") })
	mux := http.NewServeMux()
	mux.Handle("/dashboard", st.RequireRedirect(sessKey{}, hasUser, "/login", ok))
	mux.Handle("/admin", st.Require(sessKey{}, isAdmin, ok))
	mux.Handle("/strip/", http.StripPrefix("/strip", st.RequireRedirect(sessKey{}, hasUser, "/login?from=guard", ok)))
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := runtime.SessionFrom(r.Context(), sessKey{})
		runtime.Set(s, "userId", "ada")
		http.Redirect(w, r, runtime.SafeRedirect(r.URL.Query().Get("redirectTo"), "/"), http.StatusSeeOther)
	})
	srv := serveTest(t, st.Middleware(sessKey{}, mux))

	for _, tc := range []struct{ method, path, location string }{
		{"GET", "/dashboard?tab=2&x=a%2Fb", "/login?redirectTo=%2Fdashboard%3Ftab%3D2%26x%3Da%252Fb"},
		{"POST", "/dashboard", "/login?redirectTo=%2Fdashboard"},
		{"GET", "/strip/page", "/login?from=guard&redirectTo=%2Fstrip%2Fpage"},
	} {
		res := doRequest(t, srv, tc.method, tc.path, "")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != tc.location {
			t.Errorf("%s %s without a user: %d Location %q; want 303 to %q", tc.method, tc.path, res.status, res.header.Get("Location"), tc.location)
		}
	}
	// The login handler sends the user back where the guard found them.
	res := doRequest(t, srv, "POST", "/login?redirectTo=%2Fdashboard%3Ftab%3D2", "")
	if res.header.Get("Location") != "/dashboard?tab=2" {
		t.Errorf("after login, Location %q", res.header.Get("Location"))
	}
	cookie := res.cookie("")
	if res := doRequest(t, srv, "POST", "/login?redirectTo=%2F%2Fevil.example", ""); res.header.Get("Location") != "/" {
		t.Errorf("hostile redirectTo: Location %q, want /", res.header.Get("Location"))
	}
	if res := doRequest(t, srv, "GET", "/dashboard", cookie); res.status != 200 || res.body != "inside" {
		t.Errorf("dashboard with a user: %d %q", res.status, res.body)
	}
	if res := doRequest(t, srv, "GET", "/admin", cookie); res.status != http.StatusForbidden || res.body == "inside" {
		t.Errorf("admin page for a non-admin: %d %q, want 403", res.status, res.body)
	}
}

// TestRequireWithoutMiddleware: a guard applies the middleware itself.
func TestRequireWithoutMiddleware(t *testing.T) {
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	srv := serveTest(t, st.Require(sessKey{}, func(s *runtime.Session) bool {
		runtime.Set(s, "seen", true)
		return true
	}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	if res := doRequest(t, srv, "GET", "/", ""); res.status != 200 || len(res.cookies) != 1 {
		t.Errorf("guard without middleware: %d, Set-Cookie %q; want the session read and committed", res.status, res.cookies)
	}
}
