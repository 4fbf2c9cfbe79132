package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// These tests need no browser: they check the app over HTTP with Go's
// cookie jar. browser_test.go checks it in Chromium.

func TestNewServerRefusesShortSecret(t *testing.T) {
	if _, err := newServer(config{Secrets: []string{"short"}}); err == nil {
		t.Fatal("newServer accepted a 5-byte secret")
	}
}

// client is an HTTP client with a cookie jar that does not follow redirects.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHTTPFlow(t *testing.T) {
	// Without -dev the cookies are Secure; Go's jar would not send them
	// over http://, so this test uses the development setting.
	h, err := newServer(config{Secrets: []string{testSecret}, DisableSecure: true, IdleTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	c := client(t)

	resp, _ := get(t, c, ts.URL+"/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("signed out: status %d", resp.StatusCode)
	}
	resp, err = c.PostForm(ts.URL+"/login", url.Values{"username": {"demo"}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong password: status %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// redirectTo is checked with runtime.SafeRedirect: a hostile value
	// sends the user to the dashboard, a path on this site is kept.
	for _, to := range []string{"//evil.example/", "/\\evil.example", "https://evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "/admin"} {
		resp, err = c.PostForm(ts.URL+"/login", url.Values{"username": {"demo"}, "password": {"demo-password"}, "redirectTo": {to}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := "/"
		if to == "/admin" {
			want = to
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Fatalf("sign-in with redirectTo %q: status %d, Location %q; want 303 to %s", to, resp.StatusCode, loc, want)
		}
	}
	resp, body := get(t, c, ts.URL+"/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="user">demo<`) || !strings.Contains(body, "Welcome, demo.") {
		t.Fatalf("dashboard: status %d\n%s", resp.StatusCode, body)
	}
	if resp, body = get(t, c, ts.URL+"/"); strings.Contains(body, "Welcome, demo.") {
		t.Error("the welcome flash shows twice")
	}
	if v := resp.Header.Get("Vary"); v != "Cookie" || len(resp.Cookies()) != 0 {
		t.Errorf("a page that changed no session: Vary %q, Set-Cookie %v; want Vary: Cookie and no cookie", v, resp.Cookies())
	}
	// Signing in again without "remember me" forgets an earlier one.
	for _, remember := range []string{"1", ""} {
		resp, err = c.PostForm(ts.URL+"/login", url.Values{"username": {"demo"}, "password": {"demo-password"}, "remember": {remember}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		resp, _ = get(t, c, ts.URL+"/") // consumes the welcome flash: the middleware commits
		cs := resp.Cookies()
		if len(cs) != 1 || (cs[0].MaxAge > 0) != (remember != "") {
			t.Errorf("remember=%q: dashboard's Set-Cookie %v; want Max-Age only when remembered", remember, cs)
		}
	}
	if resp, _ = get(t, c, ts.URL+"/admin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("/admin for demo: status %d, want 403", resp.StatusCode)
	}

	// A form posted from another site is refused, whatever its cookies.
	req, _ := http.NewRequest("POST", ts.URL+"/items/Bread/delete", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
	if _, body = get(t, c, ts.URL+"/"); !strings.Contains(body, `data-item="Bread"`) {
		t.Error("the cross-site POST deleted Bread")
	}
}
