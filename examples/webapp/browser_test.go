package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sessiongen/sessiongen/internal/browsertest"
	"github.com/sessiongen/sessiongen/runtime"
)

// These tests drive the example app with a real headless Chromium: real
// cookies, real redirects, real HttpOnly. They need Debian's chromium
// package; see internal/browsertest.

const (
	userCookie  = "__session"
	adminCookie = "admin_session"
	testSecret  = "browser-test-secret-of-at-least-32-bytes!"
)

// app starts the example app on 127.0.0.1 with production cookie settings
// (Secure on: Chromium treats http://127.0.0.1 as a secure context).
func app(t *testing.T, idle time.Duration) string {
	t.Helper()
	return appWith(t, config{IdleTimeout: idle})
}

// appWith is app with more of the configuration chosen.
func appWith(t *testing.T, cfg config) string {
	t.Helper()
	cfg.Secrets = []string{testSecret}
	h, err := newServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// submit runs actions that cause a navigation (a click on a submit button)
// and returns the final document's response.
func submit(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return resp
}

// visit navigates to base+path and returns the final response.
func visit(t *testing.T, ctx context.Context, base, path string) *network.Response {
	t.Helper()
	return browsertest.Run(t, ctx, "visit "+path, chromedp.NavigateResponse(base+path))
}

// location returns the page's URL without base.
func location(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	return strings.TrimPrefix(browsertest.Run(t, ctx, "location", chromedp.Location()), base)
}

// text returns the text of the element with id on the loaded page; it
// fails at once when there is none.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	if !present(t, ctx, id) {
		t.Fatalf("no #%s on the page at %s", id, browsertest.Run(t, ctx, "location", chromedp.Location()))
	}
	return browsertest.Run(t, ctx, "text of #"+id, chromedp.Text(chromedp.ID(id)))
}

// present reports whether an element with id is on the page now.
func present(t *testing.T, ctx context.Context, id string) bool {
	t.Helper()
	return browsertest.Run(t, ctx, "look for #"+id, chromedp.Evaluate[bool]("document.getElementById("+jsString(id)+") !== null"))
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

// login signs in through the form and checks that the dashboard shows.
func login(t *testing.T, ctx context.Context, base, user, password string, remember bool) {
	t.Helper()
	visit(t, ctx, base, "/login")
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
	}
	if remember {
		steps = append(steps, chromedp.Click(chromedp.ID("remember")))
	}
	browsertest.Do(t, ctx, "fill in the sign-in form", steps...)
	resp := submit(t, ctx, "sign in", chromedp.Click(chromedp.ID("submit")))
	if resp.Status != http.StatusOK || location(t, ctx, base) != "/" {
		t.Fatalf("after signing in: status %d at %s, want 200 at /", resp.Status, location(t, ctx, base))
	}
	if got := text(t, ctx, "user"); got != user {
		t.Fatalf("dashboard shows user %q, want %q", got, user)
	}
}

// cookie returns the browser's cookie name for base, or nil.
func cookie(t *testing.T, ctx context.Context, base, name string) *network.Cookie {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(sctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	if err != nil {
		t.Fatalf("get cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// setCookie replaces a cookie in the browser, as a user editing it in the
// developer tools would.
func setCookie(t *testing.T, ctx context.Context, base string, c *network.Cookie, value string) {
	t.Helper()
	httpOnly, secure := c.HTTPOnly, c.Secure
	_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: c.Name, Value: value, URL: base + "/", Path: c.Path,
		HTTPOnly: &httpOnly, Secure: &secure, SameSite: c.SameSite,
	})
	if err != nil {
		t.Fatalf("set cookie %s: %v", c.Name, err)
	}
	if got := cookie(t, ctx, base, c.Name); got == nil || got.Value != value {
		t.Fatalf("cookie %s was not replaced: %+v", c.Name, got)
	}
}

func TestBrowser(t *testing.T) {
	start := time.Now()
	browser := browsertest.Start(t)
	t.Cleanup(func() { t.Logf("browser tests took %v", time.Since(start).Round(time.Millisecond)) })

	t.Run("LoginDashboardFlashOnce", func(t *testing.T) {
		base := app(t, time.Hour)
		ctx := browsertest.NewTab(t, browser)
		if resp := visit(t, ctx, base, "/"); resp.Status != http.StatusOK || !strings.HasPrefix(location(t, ctx, base), "/login?redirectTo=%2F") {
			t.Fatalf("signed out, / went to %s (status %d), want the sign-in page", location(t, ctx, base), resp.Status)
		}
		login(t, ctx, base, "demo", "demo-password", false)
		if got := text(t, ctx, "flash"); got != "Welcome, demo." {
			t.Errorf("flash after sign-in = %q", got)
		}

		resp := submit(t, ctx, "delete Bread", chromedp.Click(chromedp.ID("delete-Bread")))
		if resp.Status != http.StatusOK || location(t, ctx, base) != "/" {
			t.Fatalf("after delete: status %d at %s", resp.Status, location(t, ctx, base))
		}
		if got := text(t, ctx, "flash"); got != "Deleted item Bread" {
			t.Errorf("flash after delete = %q, want %q", got, "Deleted item Bread")
		}
		if present(t, ctx, "delete-Bread") || !present(t, ctx, "delete-Coffee") {
			t.Errorf("items after deleting Bread: %q", text(t, ctx, "items"))
		}
		shot := browsertest.Run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
		checkPNG(t, shot)

		browsertest.Do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("items")))
		if present(t, ctx, "flash") {
			t.Errorf("the flash %q is still there after a reload", text(t, ctx, "flash"))
		}
		if present(t, ctx, "delete-Bread") {
			t.Error("Bread is back after a reload")
		}
		if got := text(t, ctx, "user"); got != "demo" {
			t.Errorf("after reload the dashboard shows %q", got)
		}
	})

	t.Run("HttpOnlyCookieHiddenFromScript", func(t *testing.T) {
		base := app(t, time.Hour)
		ctx := browsertest.NewTab(t, browser)
		login(t, ctx, base, "demo", "demo-password", false)
		c := cookie(t, ctx, base, userCookie)
		if c == nil {
			t.Fatal("no session cookie in the browser after sign-in")
		}
		if !c.HTTPOnly || !c.Secure || c.SameSite != network.CookieSameSiteLax || c.Path != "/" {
			t.Errorf("session cookie attributes: httpOnly=%v secure=%v sameSite=%q path=%q, want HttpOnly, Secure, Lax, /", c.HTTPOnly, c.Secure, c.SameSite, c.Path)
		}
		// A cookie script may see, to show that document.cookie works here.
		seen := browsertest.Run(t, ctx, "document.cookie", chromedp.Evaluate[string](`document.cookie = "probe=visible; path=/"; document.cookie`))
		if !strings.Contains(seen, "probe=visible") {
			t.Fatalf("document.cookie = %q: it does not even show a script's own cookie", seen)
		}
		if strings.Contains(seen, userCookie) || strings.Contains(seen, c.Value) {
			t.Errorf("document.cookie = %q exposes the HttpOnly session cookie", seen)
		}
	})

	t.Run("RememberMePersistentCookie", func(t *testing.T) {
		const rememberIdle = 10 * time.Second // renewal due after 1s
		base := app(t, rememberIdle)

		plain := browsertest.NewTab(t, browser)
		login(t, plain, base, "demo", "demo-password", false)
		if c := cookie(t, plain, base, userCookie); c == nil || !c.Session || c.Expires != -1 {
			t.Errorf("plain sign-in: cookie %+v, want a browser-session cookie (Session true, Expires -1)", c)
		}

		remembered := browsertest.NewTab(t, browser)
		login(t, remembered, base, "demo", "demo-password", true)
		want := time.Now().Add(30 * 24 * time.Hour)
		check := func(when string) {
			t.Helper()
			c := cookie(t, remembered, base, userCookie)
			if c == nil || c.Session {
				t.Fatalf("%s: cookie %+v, want a persistent cookie", when, c)
			}
			exp := time.Unix(int64(c.Expires), 0)
			if d := exp.Sub(want); d < -time.Minute || d > time.Minute {
				t.Errorf("%s: cookie expires %v, want about %v (30 days)", when, exp, want)
			}
		}
		check("after sign-in")
		// Later commits (the welcome flash consumed, a delete's flash) keep
		// the cookie persistent.
		submit(t, remembered, "delete Apples", chromedp.Click(chromedp.ID("delete-Apples")))
		browsertest.Do(t, remembered, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("items")))
		check("after later commits")
		// An idle-timeout renewal (due a second after the last one with a
		// 10s timeout) rewrites the cookie: it stays persistent too.
		before := cookie(t, remembered, base, userCookie).Value
		waitUntil(t, time.Now().Add(runtime.RenewInterval(rememberIdle)+100*time.Millisecond))
		browsertest.Do(t, remembered, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("items")))
		if cookie(t, remembered, base, userCookie).Value == before {
			t.Error("no idle renewal: the cookie did not change")
		}
		check("after an idle renewal")
	})

	t.Run("RememberMeRolls", func(t *testing.T) {
		// The schema's cookie.rolling: a remembered cookie's Max-Age moves
		// forward on activity. With a 3s remember-me (renewed at most every
		// RenewInterval(3s) = 1s) and an idle timeout of an hour (whose own
		// renewal would come only after a minute), only rolling keeps the
		// browser from dropping the cookie after 3s.
		const rememberFor = 3 * time.Second
		base := appWith(t, config{IdleTimeout: time.Hour, RememberFor: rememberFor})
		ctx := browsertest.NewTab(t, browser)
		login(t, ctx, base, "demo", "demo-password", true)
		signedIn := time.Now()
		last := cookie(t, ctx, base, userCookie)
		for time.Since(signedIn) < rememberFor+2*time.Second {
			waitUntil(t, time.Now().Add(1500*time.Millisecond))
			browsertest.Do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("items")))
			c := cookie(t, ctx, base, userCookie)
			if c == nil || c.Session || c.Expires <= last.Expires {
				t.Fatalf("%v after sign-in: cookie %+v; want a persistent cookie expiring later than %v", time.Since(signedIn).Round(time.Millisecond), c, last.Expires)
			}
			if exp := time.UnixMilli(int64(c.Expires * 1000)); time.Until(exp) > rememberFor {
				t.Fatalf("cookie expires in %v, want at most the remember-me length %v", time.Until(exp), rememberFor)
			}
			last = c
		}
		// Inactive for longer than the remember-me length: the browser
		// drops the cookie, and the user is signed out.
		waitUntil(t, time.Now().Add(rememberFor+500*time.Millisecond))
		visit(t, ctx, base, "/")
		if loc := location(t, ctx, base); !strings.HasPrefix(loc, "/login") {
			t.Errorf("after %v without a request, / stayed at %s; want the sign-in page", rememberFor, loc)
		}
	})

	t.Run("EditedCookieLogsOut", func(t *testing.T) {
		base := app(t, time.Hour)
		ctx := browsertest.NewTab(t, browser)
		login(t, ctx, base, "demo", "demo-password", false)
		c := cookie(t, ctx, base, userCookie)
		if c == nil {
			t.Fatal("no session cookie")
		}
		// Make demo an admin in the payload and keep the old signature.
		wire, err := url.PathUnescape(c.Value)
		if err != nil {
			t.Fatal(err)
		}
		dot := strings.LastIndexByte(wire, '.')
		payload, err := base64.StdEncoding.DecodeString(wire[:dot])
		if err != nil || !bytes.Contains(payload, []byte(`"userId":"demo"`)) {
			t.Fatalf("unexpected cookie payload %q (%v)", payload, err)
		}
		forged := bytes.Replace(payload, []byte(`"userId":"demo"`), []byte(`"userId":"admin"`), 1)
		setCookie(t, ctx, base, c, url.QueryEscape(base64.StdEncoding.EncodeToString(forged)+wire[dot:]))

		visit(t, ctx, base, "/")
		if loc := location(t, ctx, base); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("with an edited cookie / stayed at %s; want the sign-in page", loc)
		}
		if !present(t, ctx, "login") {
			t.Error("no sign-in form after the edited cookie")
		}
		visit(t, ctx, base, "/admin")
		if loc := location(t, ctx, base); loc != "/admin/login?redirectTo=%2Fadmin" {
			t.Errorf("with a cookie forged for admin, /admin went to %s; want /admin/login?redirectTo=%%2Fadmin", loc)
		}
	})

	t.Run("LogoutClearsCookie", func(t *testing.T) {
		base := app(t, time.Hour)
		ctx := browsertest.NewTab(t, browser)
		login(t, ctx, base, "demo", "demo-password", true)
		if cookie(t, ctx, base, userCookie) == nil {
			t.Fatal("no session cookie after sign-in")
		}
		submit(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")))
		if loc := location(t, ctx, base); loc != "/login" {
			t.Errorf("after signing out: at %s, want /login", loc)
		}
		if c := cookie(t, ctx, base, userCookie); c != nil {
			t.Errorf("session cookie still in the browser after signing out: %+v", c)
		}
		visit(t, ctx, base, "/")
		if loc := location(t, ctx, base); !strings.HasPrefix(loc, "/login") {
			t.Errorf("after signing out, / went to %s", loc)
		}
	})

	t.Run("IdleTimeout", func(t *testing.T) {
		const idle = 3 * time.Second
		base := app(t, idle)
		ctx := browsertest.NewTab(t, browser)
		login(t, ctx, base, "demo", "demo-password", false)
		// The runtime stamps the session (whole seconds, inside the signed
		// cookie) at most when a response is sent: at lastSeen+idle the
		// session has been idle for too long, whatever the rounding. (It
		// may end up to a second earlier; nothing is sent meanwhile.)
		lastSeen := time.Now()
		waitUntil(t, lastSeen.Add(idle))
		visit(t, ctx, base, "/")
		if loc := location(t, ctx, base); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("after %v idle, / stayed at %s; want the sign-in page", time.Since(lastSeen).Round(time.Millisecond), loc)
		}
		if got := text(t, ctx, "error"); got != "Your session timed out. Please sign in again." {
			t.Errorf("sign-in page message = %q", got)
		}
		browsertest.Do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("login")))
		if present(t, ctx, "error") {
			t.Error("the timed-out message is still there after a reload")
		}
	})

	t.Run("AdminPage", func(t *testing.T) {
		base := app(t, time.Hour)

		user := browsertest.NewTab(t, browser)
		login(t, user, base, "demo", "demo-password", false)
		resp := visit(t, user, base, "/admin")
		if resp.Status != http.StatusForbidden {
			t.Errorf("/admin for a signed-in non-admin: status %d, want 403", resp.Status)
		}
		if got := browsertest.Run(t, user, "page text", chromedp.Evaluate[string]("document.body.innerText")); !strings.Contains(got, "Forbidden") {
			t.Errorf("403 page says %q", got)
		}

		admin := browsertest.NewTab(t, browser)
		visit(t, admin, base, "/admin")
		if loc := location(t, admin, base); loc != "/admin/login?redirectTo=%2Fadmin" {
			t.Fatalf("without an admin session /admin went to %s, want /admin/login?redirectTo=%%2Fadmin", loc)
		}
		adminLogin := func(user, password string) *network.Response {
			visit(t, admin, base, "/admin/login")
			browsertest.Do(t, admin, "fill in the admin form",
				chromedp.SendKeys(chromedp.ID("username"), user),
				chromedp.SendKeys(chromedp.ID("password"), password))
			return submit(t, admin, "admin sign-in", chromedp.Click(chromedp.ID("submit")))
		}
		if resp := adminLogin("demo", "demo-password"); resp.Status != http.StatusUnauthorized {
			t.Errorf("admin sign-in with a user's credentials: status %d, want 401", resp.Status)
		}
		if resp := adminLogin("admin", "admin-password"); resp.Status != http.StatusOK || location(t, admin, base) != "/admin" {
			t.Fatalf("admin sign-in: status %d at %s", resp.Status, location(t, admin, base))
		}
		if got := text(t, admin, "admin"); got != "admin" {
			t.Errorf("admin page shows %q", got)
		}
		first := cookie(t, admin, base, adminCookie)
		if first == nil || !first.HTTPOnly || first.SameSite != network.CookieSameSiteStrict {
			t.Fatalf("admin cookie %+v, want HttpOnly and SameSite=Strict", first)
		}

		// Signing in again gives a new id, and the old one is dead.
		adminLogin("admin", "admin-password")
		second := cookie(t, admin, base, adminCookie)
		if second == nil || second.Value == first.Value {
			t.Fatalf("admin cookie after a second sign-in: %+v, want a new id", second)
		}
		setCookie(t, admin, base, second, first.Value)
		visit(t, admin, base, "/admin")
		if loc := location(t, admin, base); !strings.HasPrefix(loc, "/admin/login") {
			t.Errorf("with the admin id from before the last sign-in, /admin went to %s, want /admin/login", loc)
		}
	})
}

// waitUntil waits for the deadline, never longer; it polls so that a test
// context cancelled meanwhile ends it.
func waitUntil(t *testing.T, deadline time.Time) {
	t.Helper()
	for d := time.Until(deadline); d > 0; d = time.Until(deadline) {
		time.Sleep(min(d, 100*time.Millisecond))
	}
}

// checkPNG asserts that b is a PNG image of a plausible size, and keeps it
// in the test's temporary directory.
func checkPNG(t *testing.T, b []byte) {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("empty screenshot")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if cfg.Width < 100 || cfg.Height < 100 {
		t.Errorf("screenshot is %dx%d", cfg.Width, cfg.Height)
	}
	path := filepath.Join(t.TempDir(), "dashboard.png")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("WEBAPP_KEEP_SCREENSHOT") != "" {
		if err := os.WriteFile(os.Getenv("WEBAPP_KEEP_SCREENSHOT"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
