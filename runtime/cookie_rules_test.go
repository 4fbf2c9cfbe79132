package runtime

import (
	"errors"
	"strings"
	"testing"
)

// TestCookieRulesAsBrowsers: NewStorage refuses what browsers drop or
// what SECURITY.md says is refused, and accepts the rest.
func TestCookieRulesAsBrowsers(t *testing.T) {
	ok := CookieOptions{Name: "s", Path: "/", SameSite: SameSiteLax, Secure: true}
	with := func(f func(*CookieOptions)) CookieOptions { c := ok; f(&c); return c }
	cases := []struct {
		name  string
		c     CookieOptions
		field string // "" when accepted
	}{
		{"defaults", DefaultCookieOptions(), ""},
		{"lower-case __host- with a path", with(func(c *CookieOptions) { c.Name, c.Path = "__host-x", "/x" }), "path"},
		{"upper-case __HOST- with a domain", with(func(c *CookieOptions) { c.Name, c.Domain = "__HOST-x", "example.com" }), "domain"},
		{"__Host- without secure", with(func(c *CookieOptions) { c.Name, c.Secure = "__Host-x", false }), "secure"},
		{"lower-case __secure- without secure", with(func(c *CookieOptions) { c.Name, c.Secure = "__secure-x", false }), "secure"},
		{"__SeCuRe- without secure", with(func(c *CookieOptions) { c.Name, c.Secure = "__SeCuRe-x", false }), "secure"},
		{"__host-x as browsers want it", with(func(c *CookieOptions) { c.Name = "__host-x" }), ""},
		{"path with a comma", with(func(c *CookieOptions) { c.Path = "/a,b" }), "path"},
		{"path with a space", with(func(c *CookieOptions) { c.Path = "/a b" }), "path"},
		{"path with a tab", with(func(c *CookieOptions) { c.Path = "/a\tb" }), "path"},
		{"path with é", with(func(c *CookieOptions) { c.Path = "/é" }), "path"},
		{"relative path", with(func(c *CookieOptions) { c.Path = "a" }), "path"},
		{"no path", with(func(c *CookieOptions) { c.Path = "" }), ""},
		{"path with query characters", with(func(c *CookieOptions) { c.Path = "/a/b?c=d&e=f#frag" }), ""},
		{"domain with a colon", with(func(c *CookieOptions) { c.Domain = "a:b" }), "domain"},
		{"domain label of 64", with(func(c *CookieOptions) { c.Domain = strings.Repeat("a", 64) + ".com" }), "domain"},
		{"domain label of 63", with(func(c *CookieOptions) { c.Domain = strings.Repeat("a", 63) + ".com" }), ""},
		{"leading-dot domain", with(func(c *CookieOptions) { c.Domain = ".example.com" }), ""},
		{"sameSite omit", with(func(c *CookieOptions) { c.SameSite = SameSiteOmit }), ""},
		{"unknown sameSite", with(func(c *CookieOptions) { c.SameSite = "loose" }), "sameSite"},
		{"priority Medium", with(func(c *CookieOptions) { c.Priority = "Medium" }), ""},
		{"negative maxAge", with(func(c *CookieOptions) { c.MaxAge = -1 }), "maxAge"},
	}
	for _, c := range cases {
		probs := CheckCookie(c.c)
		_, err := NewStorage(Spec{Name: "x", Cookie: c.c}, Config{Secrets: []string{secretA}})
		if c.field == "" {
			if len(probs) != 0 || err != nil {
				t.Errorf("%s: CheckCookie = %v, NewStorage: %v; want accepted", c.name, probs, err)
			}
			continue
		}
		if len(probs) == 0 || probs[0].Fields[0] != c.field {
			t.Errorf("%s: CheckCookie = %+v, want a problem with field %s first", c.name, probs, c.field)
		}
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s: NewStorage: %v, want ErrConfig", c.name, err)
		}
	}
}
