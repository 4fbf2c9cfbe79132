package runtime

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	cookieSecret    = "a-standalone-cookie-secret-of-32+bytes"
	cookieSecretOld = "an-older-standalone-secret-of-32+bytes"
)

func newTestCookie(t *testing.T, unsigned bool, secrets ...string) *Cookie {
	t.Helper()
	c, err := NewCookie(CookieSpec{Name: "Prefs", Unsigned: unsigned, Cookie: CookieOptions{Name: "prefs", Path: "/", SameSite: "lax", HTTPOnly: true}}, Config{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sentCookie turns a Set-Cookie line into the Cookie header a browser sends.
func sentCookie(line string) string { v, _, _ := strings.Cut(line, ";"); return v }

func TestStandaloneCookieRoundTrip(t *testing.T) {
	for _, unsigned := range []bool{false, true} {
		c := newTestCookie(t, unsigned, cookieSecret)
		line, err := SerializeCookie(c, map[string]string{"theme": "dark"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, "prefs=") || !strings.HasSuffix(line, "; Path=/; HttpOnly; SameSite=Lax") {
			t.Errorf("line %q", line)
		}
		got, ok := ParseCookieHeader[map[string]string](c, "a=b; "+sentCookie(line))
		if !ok || got["theme"] != "dark" {
			t.Errorf("unsigned=%t: read %v, %t", unsigned, got, ok)
		}
		if _, ok := ParseCookieHeader[int](c, sentCookie(line)); ok {
			t.Errorf("unsigned=%t: an object read as an int", unsigned)
		}
	}
}

func TestStandaloneCookieEdgeCases(t *testing.T) {
	c := newTestCookie(t, false, cookieSecret)
	line, err := SerializeCookie(c, "")
	if err != nil || !strings.HasPrefix(line, "prefs=; Path=/") {
		t.Fatalf("empty string: %q, %v", line, err)
	}
	if v, ok := ParseCookieHeader[string](c, "prefs="); !ok || v != "" {
		t.Errorf("empty value as a string: %q, %t", v, ok)
	}
	if _, ok := ParseCookieHeader[map[string]string](c, "prefs="); ok {
		t.Error("empty value read as a map")
	}
	if _, ok := ParseCookieHeader[string](c, "other=1"); ok {
		t.Error("missing cookie read")
	}
	null, _ := SerializeCookie[map[string]string](c, nil)
	if _, ok := ParseCookieHeader[map[string]string](c, sentCookie(null)); ok {
		t.Error("null read as a value")
	}
	var reasons []error
	c.onInvalid = func(_ *http.Request, err error) { reasons = append(reasons, err) }
	good, _ := SerializeCookie(c, 42)
	forged := strings.Replace(sentCookie(good), "prefs=", "prefs=x", 1)
	if _, ok := ParseCookieHeader[int](c, forged); ok || len(reasons) != 1 || !errors.Is(reasons[0], ErrTampered) {
		t.Errorf("forged value: ok=%t, reasons %v", ok, reasons)
	}
}

func TestStandaloneCookieRotationAndLimits(t *testing.T) {
	old := newTestCookie(t, false, cookieSecretOld)
	line, _ := SerializeCookie(old, true)
	rotated := newTestCookie(t, false, cookieSecret, cookieSecretOld)
	if v, ok := ParseCookieHeader[bool](rotated, sentCookie(line)); !ok || !v {
		t.Errorf("old secret after rotation: %t, %t", v, ok)
	}
	if _, ok := ParseCookieHeader[bool](newTestCookie(t, false, cookieSecret), sentCookie(line)); ok {
		t.Error("a dropped secret still verifies")
	}
	_, err := SerializeCookie(rotated, strings.Repeat("x", 4000))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size <= 4096 {
		t.Errorf("large value: %v", err)
	}
	if _, err := NewCookie(CookieSpec{Cookie: CookieOptions{Name: "p"}}, Config{}); !errors.Is(err, ErrConfig) {
		t.Errorf("signed cookie without secrets: %v", err)
	}
	if _, err := NewCookie(CookieSpec{Unsigned: true, Cookie: CookieOptions{Name: "p", SameSite: "none"}}, Config{}); !errors.Is(err, ErrConfig) {
		t.Errorf("SameSite=None without Secure: %v", err)
	}
	rec := httptest.NewRecorder()
	if err := SetCookie(newTestCookie(t, true), rec, 1.5, WithMaxAge(0)); err != nil || rec.Header()["Set-Cookie"][0] != "prefs=MS41; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" {
		t.Errorf("SetCookie: %v %q", err, rec.Header()["Set-Cookie"])
	}
}
