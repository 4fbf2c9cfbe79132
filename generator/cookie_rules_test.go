package generator

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestAcceptedCookieAlwaysStarts: over many random cookie mappings, each
// with valid and subtly invalid fields, a schema is either refused with
// every problem at a position inside the cookie mapping, or accepted, and
// then runtime.NewStorage takes its cookie as the generated code passes
// it. The generator and the runtime cannot disagree about a cookie rule.
func TestAcceptedCookieAlwaysStarts(t *testing.T) {
	values := map[string][]string{
		"name":        {"__session", "s", "__Host-s", "__host-s", "__HOST-s", "__Secure-s", "__secure-s", "__SECURE-s", "a b", "a;b", "a,b", "é", "''", "__Host", "x=y"},
		"path":        {"/", "/app", "/a/b?c=d&e=f#frag", "''", "a", "/a b", "/a,b", "/a;b", "\"/a\\tb\"", "/é", "\"/a\\x7fb\""},
		"domain":      {"''", "example.com", ".example.com", "a:b", "a..b", "-a.com", "a-.com", strings.Repeat("a", 63) + ".com", strings.Repeat("a", 64) + ".com", "192.168.0.1", "\"::1\"", "a_b.com", "a/b"},
		"sameSite":    {"lax", "strict", "none", "omit", "Lax", "''", "loose"},
		"priority":    {"low", "medium", "high", "High", "''", "urgent"},
		"httpOnly":    {"true", "false"},
		"secure":      {"true", "false"},
		"partitioned": {"true", "false"},
		"maxAge":      {"1h", "168h", "0s", "1.5s", "-1h"},
		"rolling":     {"true", "false"},
	}
	rng := rand.New(rand.NewPCG(11, 4))
	accepted, refused := 0, 0
	for i := 0; i < 2000; i++ {
		fields := []string{"httpOnly: true"}
		for _, f := range cookieFields {
			if vs := values[f]; rng.IntN(2) == 0 && vs != nil {
				fields = append(fields, f+": "+vs[rng.IntN(len(vs))])
			}
		}
		src := "package: p\nsessions:\n  User:\n    cookie:\n"
		for _, f := range fields {
			src += "      " + f + "\n"
		}
		s, err := Load([]byte(src), Options{Filename: "c.yaml"})
		if err != nil {
			refused++
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("%s: error %T, want Diagnostics: %v", src, err, err)
			}
			for _, d := range ds {
				if d.Pos.Line < 5 || d.Pos.Line > 4+len(fields) || d.Pos.Col < 7 {
					t.Errorf("%s: %v: not at a field of the cookie", src, d)
				}
			}
			continue
		}
		accepted++
		c := s.Sessions[0].Cookie
		if _, err := runtime.NewStorage(runtime.Spec{Name: "User", Cookie: c}, runtime.Config{Secrets: []string{"0123456789abcdef0123456789abcdef"}}); err != nil {
			t.Errorf("%s: accepted, but NewStorage(%+v): %v", src, c, err)
		}
	}
	if accepted < 100 || refused < 100 {
		t.Errorf("%d accepted, %d refused: the random specs do not exercise both sides", accepted, refused)
	}
}
