// Package flowtest drives the framework examples (examples/chi,
// examples/echo, adapters/gin/example, adapters/fiber/example) through one
// flow over real HTTP with Go's cookie jar, so that every framework is held
// to what the generated middleware does under net/http.
//
// Each example serves the same routes for a session "User" with key
// userId (require: {redirect: /login}) and flash keys message and error,
// with DisableSecure set so that the jar sends the cookie over http://:
//
//	GET  /          "home", "user: <userId>", "message: <flash>"
//	GET  /login     "login", "error: <flash>"
//	POST /login     user, password, remember, redirectTo: on success
//	                RegenerateID, SetUserID, FlashMessage("welcome <user>"),
//	                an explicit commit (WithMaxAge(30 days) when remember=on),
//	                303 to SafeRedirect(redirectTo, "/"); else FlashError("wrong
//	                password") and 303 to /login
//	GET  /dashboard RequireUserID: "dashboard of <userId>", "message: <flash>"
//	GET  /admin     Require(userId == "admin"): "admin area", else 403
//	POST /logout    DestroySession, 303 to /
//
// The users are demo / demo-password and admin / admin-password.
package flowtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// RememberMaxAge is the Max-Age the examples commit with at a "remember me"
// login: 30 days.
const RememberMaxAge = "Max-Age=2592000"

// Cookie is the session cookie's name in every example.
const Cookie = "__session"

// A Client is a browser stand-in: a cookie jar, no redirects followed.
type Client struct {
	t    *testing.T
	base string
	http *http.Client
}

// NewClient returns a Client for the app served at base (http://host:port).
func NewClient(t *testing.T, base string) *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, base: base, http: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// A Response is a response with its body read.
type Response struct {
	*http.Response
	Body string
}

// SessionLines returns the response's Set-Cookie lines for the session
// cookie.
func (r Response) SessionLines() []string {
	var lines []string
	for _, l := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(l, Cookie+"=") {
			lines = append(lines, l)
		}
	}
	return lines
}

// Get requests path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil)
}

// Post posts form to path.
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	return c.do(http.MethodPost, path, form)
}

func (c *Client) do(method, path string, form url.Values) Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return Response{Response: resp, Body: string(b)}
}

// Login posts the login form.
func (c *Client) Login(user, password string, remember bool, redirectTo string) Response {
	c.t.Helper()
	form := url.Values{"user": {user}, "password": {password}, "redirectTo": {redirectTo}}
	if remember {
		form.Set("remember", "on")
	}
	return c.Post("/login", form)
}

// Run drives the app at base through sign-in, flash messages, the guarded
// pages and sign-out, checking every status, redirect, cookie and body.
func Run(t *testing.T, base string) {
	c := NewClient(t, base)
	wantRedirect(t, c.Get("/dashboard?tab=2"), "/login?redirectTo=%2Fdashboard%3Ftab%3D2")
	wrongPassword(t, c)
	rememberedLogin(t, c)
	if r := c.Get("/admin"); r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, "admin area") {
		t.Fatalf("GET /admin as demo: %d %q, want 403 without the page", r.StatusCode, r.Body)
	}
	logout(t, c)
	wantRedirect(t, c.Get("/dashboard"), "/login?redirectTo=%2Fdashboard")

	admin := NewClient(t, base)
	wantRedirect(t, admin.Login("admin", "admin-password", false, "/admin"), "/admin")
	if r := admin.Get("/admin"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "admin area") {
		t.Fatalf("GET /admin as admin: %d %q", r.StatusCode, r.Body)
	}
}

// wrongPassword checks that a failed login's flash error is shown once.
func wrongPassword(t *testing.T, c *Client) {
	t.Helper()
	wantRedirect(t, c.Login("demo", "wrong", false, "/dashboard"), "/login")
	if r := c.Get("/login"); !strings.Contains(r.Body, "error: wrong password") {
		t.Fatalf("GET /login after a wrong password: no flash error in %q", r.Body)
	}
	if r := c.Get("/login"); strings.Contains(r.Body, "wrong password") {
		t.Fatalf("GET /login again: the flash error was not consumed: %q", r.Body)
	}
}

// rememberedLogin signs in with remember-me and checks that the persistent
// cookie survives the commit that consumes the welcome flash.
func rememberedLogin(t *testing.T, c *Client) {
	t.Helper()
	r := c.Login("demo", "demo-password", true, "/dashboard?tab=2")
	wantRedirect(t, r, "/dashboard?tab=2")
	wantOneLine(t, r, "POST /login", RememberMaxAge)
	r = c.Get("/dashboard?tab=2")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "dashboard of demo") || !strings.Contains(r.Body, "message: welcome demo") {
		t.Fatalf("GET /dashboard after login: %q", r.Body)
	}
	if vary := r.Header.Values("Vary"); !strings.Contains(strings.Join(vary, ","), "Cookie") {
		t.Errorf("GET /dashboard: Vary %q, want Cookie", vary)
	}
	// The flash was consumed, so the middleware committed; the remembered
	// Max-Age is kept.
	wantOneLine(t, r, "GET /dashboard (flash consumed)", RememberMaxAge)
	r = c.Get("/dashboard")
	if strings.Contains(r.Body, "welcome") {
		t.Fatalf("GET /dashboard again: the flash was not consumed: %q", r.Body)
	}
	if lines := r.SessionLines(); len(lines) != 0 {
		t.Errorf("GET /dashboard with nothing changed: Set-Cookie %q, want none", lines)
	}
	if r := c.Get("/"); !strings.Contains(r.Body, "user: demo") {
		t.Fatalf("GET /: %q", r.Body)
	}
}

func logout(t *testing.T, c *Client) {
	t.Helper()
	r := c.Post("/logout", url.Values{})
	wantRedirect(t, r, "/")
	wantOneLine(t, r, "POST /logout", "Expires=Thu, 01 Jan 1970 00:00:00 GMT")
	if r := c.Get("/"); strings.Contains(r.Body, "user: demo") {
		t.Fatalf("GET / after logout: still signed in: %q", r.Body)
	}
}

// wantOneLine checks that r sets the session cookie exactly once (an
// explicit commit and the middleware's auto-commit never both reach the
// wire), with attr in the line.
func wantOneLine(t *testing.T, r Response, what, attr string) {
	t.Helper()
	lines := r.SessionLines()
	if len(lines) != 1 || !strings.Contains(lines[0], attr) {
		t.Fatalf("%s: session Set-Cookie %q, want one line with %q", what, lines, attr)
	}
}

func wantStatus(t *testing.T, r Response, code int) {
	t.Helper()
	if r.StatusCode != code {
		t.Fatalf("%s %s: status %d, want %d (body %q)", r.Request.Method, r.Request.URL.Path, r.StatusCode, code, r.Body)
	}
}

func wantRedirect(t *testing.T, r Response, location string) {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	if strings.Contains(r.Body, "dashboard of") {
		t.Fatalf("%s %s: the guarded page ran behind the redirect: %q", r.Request.Method, r.Request.URL.Path, r.Body)
	}
	if got := r.Header.Get("Location"); got != location {
		t.Fatalf("%s %s: Location %q, want %q", r.Request.Method, r.Request.URL.Path, got, location)
	}
}
