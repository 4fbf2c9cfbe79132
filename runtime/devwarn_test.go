package runtime_test

import (
	"context"
	"crypto/tls"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// captureLog sends the standard logger's output to a buffer for the test.
func captureLog(t *testing.T) *strings.Builder {
	var b strings.Builder
	log.SetOutput(&b)
	flags := log.Flags()
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(os.Stderr); log.SetFlags(flags) })
	return &b
}

// secureStorage is a storage of a Secure cookie whose middleware sets a key
// on every request.
func secureStorage(t *testing.T, cfg runtime.Config) http.Handler {
	spec := runtime.Spec{Name: "User", Cookie: runtime.CookieOptions{Name: "__session", Path: "/", SameSite: "lax", HTTPOnly: true, Secure: true}}
	st := newMWStorage(t, spec, cfg)
	return st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "userId", "ada")
	}))
}

// served marks r as received by an http.Server, as net/http does.
func served(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), http.ServerContextKey, &http.Server{}))
}

func TestSecureCookieOverPlainHTTPWarnsOnce(t *testing.T) {
	logged := captureLog(t)
	// A real server on loopback, reached under a name that is not: what a
	// browser on another machine of the network does.
	srv := serveTest(t, secureStorage(t, runtime.Config{}))
	for range 3 {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/login", nil)
		req.Host = "shop.example.test:8080"
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(resp.Cookies()) != 1 {
			t.Fatalf("no Set-Cookie: the warning must not stop the commit")
		}
	}
	out := logged.String()
	if n := strings.Count(out, "\n"); n != 1 {
		t.Fatalf("logged %d lines, want 1 warning per storage:\n%s", n, out)
	}
	for _, want := range []string{`session "User"`, `cookie "__session"`, "Secure", "plain HTTP", `"shop.example.test"`, "Config.DisableSecure", "X-Forwarded-Proto: https"} {
		if !strings.Contains(out, want) {
			t.Errorf("warning %q does not say %q", out, want)
		}
	}
	// A second storage warns for itself.
	h2 := secureStorage(t, runtime.Config{})
	h2.ServeHTTP(httptest.NewRecorder(), served(httptest.NewRequest("GET", "http://shop.example.test/", nil)))
	if n := strings.Count(logged.String(), "\n"); n != 2 {
		t.Errorf("a second storage logged %d lines in all, want 2", n)
	}
}

func TestSecureCookieNoWarning(t *testing.T) {
	cases := map[string]func(r *http.Request){
		"localhost":               func(r *http.Request) { r.Host = "localhost:8080" },
		"a .localhost name":       func(r *http.Request) { r.Host = "app.localhost" },
		"127.0.0.1":               func(r *http.Request) { r.Host = "127.0.0.1:8080" },
		"127.0.0.0/8":             func(r *http.Request) { r.Host = "127.1.2.3" },
		"::1":                     func(r *http.Request) { r.Host = "[::1]:8080" },
		"TLS":                     func(r *http.Request) { r.TLS = &tls.ConnectionState{} },
		"X-Forwarded-Proto":       func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") },
		"X-Forwarded-Proto chain": func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "HTTPS, http") },
		"Forwarded":               func(r *http.Request) { r.Header.Set("Forwarded", `for=192.0.2.60;proto=https;by=203.0.113.43`) },
		"Forwarded quoted": func(r *http.Request) {
			r.Header.Set("Forwarded", `for="[2001:db8::1]";proto="https", for=10.0.0.1;proto=http`)
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			logged := captureLog(t)
			r := served(httptest.NewRequest("GET", "http://shop.example.test/", nil))
			edit(r)
			secureStorage(t, runtime.Config{}).ServeHTTP(httptest.NewRecorder(), r)
			if logged.Len() != 0 {
				t.Errorf("logged %q, want nothing", logged.String())
			}
		})
	}
	t.Run("DisableSecure", func(t *testing.T) {
		logged := captureLog(t)
		secureStorage(t, runtime.Config{DisableSecure: true}).ServeHTTP(httptest.NewRecorder(), served(httptest.NewRequest("GET", "http://shop.example.test/", nil)))
		if logged.Len() != 0 {
			t.Errorf("logged %q, want nothing", logged.String())
		}
	})
	t.Run("built by a test, not received by a server", func(t *testing.T) {
		logged := captureLog(t)
		secureStorage(t, runtime.Config{}).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "http://shop.example.test/", nil))
		if logged.Len() != 0 {
			t.Errorf("logged %q, want nothing", logged.String())
		}
	})
	t.Run("proxy says http", func(t *testing.T) {
		logged := captureLog(t)
		r := served(httptest.NewRequest("GET", "http://shop.example.test/", nil))
		r.Header.Set("Forwarded", "for=192.0.2.60;proto=http")
		secureStorage(t, runtime.Config{}).ServeHTTP(httptest.NewRecorder(), r)
		if logged.Len() == 0 {
			t.Error("Forwarded: proto=http gave no warning")
		}
	})
}

func TestDefaultErrorHandlerLineDoesNotStutter(t *testing.T) {
	logged := captureLog(t)
	st := newMWStorage(t, runtime.Spec{}, runtime.Config{})
	h := st.Middleware(sessKey{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Set(reqSession(t, r), "big", strings.Repeat("x", 5000))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/big", nil))
	line := logged.String()
	if !strings.HasPrefix(line, `sessiongen: POST /big: cookie "__session" too large`) || strings.Count(line, "sessiongen:") != 1 {
		t.Errorf("logged %q; want one line starting `sessiongen: POST /big: cookie \"__session\" too large`", line)
	}
}
