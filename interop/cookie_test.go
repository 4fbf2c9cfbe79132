package interop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/internal/testtypes"
	"github.com/sessiongen/sessiongen/runtime"
)

// The standalone cookie (runtime.Cookie, the schema's cookies: section)
// against React Router's own createCookie: the same Set-Cookie bytes for the
// same value, and each side reading the other's cookie.

type cookieRequest struct {
	Op            string     `json:"op"`
	Secrets       []string   `json:"secrets"`
	Cookie        rrCookie   `json:"cookie"`
	Serialize     []string   `json:"serialize,omitempty"`
	Parse         []string   `json:"parse,omitempty"`
	CommitOptions *commitOpt `json:"commitOptions,omitempty"`
}

type cookieResponse struct {
	Error      string            `json:"error"`
	SetCookies []string          `json:"setCookies"`
	Parsed     []json.RawMessage `json:"parsed"`
}

func (p *nodeRR) cookie(t *testing.T, req cookieRequest) cookieResponse {
	t.Helper()
	req.Op = "cookie"
	raw, err := p.roundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	var resp cookieResponse
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Error != "" {
		t.Fatalf("react-router: %s %v", resp.Error, err)
	}
	return resp
}

// parsedText is React Router's parse result as JSON text ("null", "{}", …).
func parsedText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("parse result %s", raw)
	}
	return s
}

// A typedValue is one value of a Go type, given as JSON text, with the
// typed Serialize and Parse of runtime.Cookie for that type.
type typedValue struct {
	json      string
	serialize func(c *runtime.Cookie, opts ...runtime.CommitOption) (string, error)
	parse     func(c *runtime.Cookie, header string) (string, bool) // JSON of the value read
}

func typed[T any](text string) typedValue {
	return typedValue{
		json: text,
		serialize: func(c *runtime.Cookie, opts ...runtime.CommitOption) (string, error) {
			var v T
			if err := json.Unmarshal([]byte(text), &v); err != nil {
				panic(err)
			}
			return runtime.SerializeCookie(c, v, opts...)
		},
		parse: func(c *runtime.Cookie, header string) (string, bool) {
			v, ok := runtime.ParseCookieHeader[T](c, header)
			if !ok {
				return "", false
			}
			b, _ := runtime.Encode(v)
			return string(b), true
		},
	}
}

var cookieValues = []typedValue{
	typed[map[string]string]("{\"b\":\"ü 😀 \u2028 <&>\",\"theme\":\"dark\"}"),
	typed[map[string]string](`{}`),
	typed[string](`"hello, world"`),
	typed[string](`"a+b/c=d;e"`),
	typed[string](`""`),
	typed[int64](`42`),
	typed[int64](`-9007199254740991`),
	typed[float64](`1.5`),
	typed[bool](`true`),
	typed[bool](`false`),
	typed[[]string](`["x","y"]`),
	typed[testtypes.Cart](`{"items":[{"sku":"A-1","qty":2}],"updated":"2030-01-02T03:04:05Z","coupon":"HALF"}`),
}

func cookieSpec(unsigned bool) runtime.CookieSpec {
	return runtime.CookieSpec{Name: "Prefs", Unsigned: unsigned, Cookie: runtime.CookieOptions{
		Name: "prefs", Path: "/", SameSite: "lax", HTTPOnly: true, Secure: true, MaxAge: 168 * time.Hour, Priority: "high",
	}}
}

func newCookie(t *testing.T, unsigned bool, secrets ...string) *runtime.Cookie {
	t.Helper()
	c, err := runtime.NewCookie(cookieSpec(unsigned), runtime.Config{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	secretA = "standalone-cookie-secret-A-of-32+bytes"
	secretB = "standalone-cookie-secret-B-of-32+bytes"
)

func sent(line string) string { v, _, _ := strings.Cut(line, ";"); return v }

// TestStandaloneCookieBothWays: for signed and unsigned cookies and each
// kind of value, Go's Set-Cookie line is React Router's byte for byte, React
// Router parses Go's cookie to the value, and Go parses React Router's.
func TestStandaloneCookieBothWays(t *testing.T) {
	p := rr(t)
	for _, unsigned := range []bool{false, true} {
		var secrets []string
		if !unsigned {
			secrets = []string{secretA}
		}
		c := newCookie(t, unsigned, secrets...)
		req := cookieRequest{Secrets: secrets, Cookie: rrCookieOf(c.Options())}
		for _, v := range cookieValues {
			req.Serialize = append(req.Serialize, v.json)
		}
		rrLines := p.cookie(t, req).SetCookies
		var goLines []string
		for i, v := range cookieValues {
			line, err := v.serialize(c)
			if err != nil {
				t.Fatal(err)
			}
			goLines = append(goLines, sent(line))
			if line != rrLines[i] {
				t.Errorf("unsigned=%t %s:\n go %s\n rr %s", unsigned, v.json, line, rrLines[i])
			}
			if got, ok := v.parse(c, sent(rrLines[i])); v.json != `""` && (!ok || got != v.json) {
				t.Errorf("unsigned=%t: Go reads React Router's %s as %s, %t", unsigned, v.json, got, ok)
			}
		}
		parsed := p.cookie(t, cookieRequest{Secrets: secrets, Cookie: req.Cookie, Parse: goLines}).Parsed
		for i, v := range cookieValues {
			if got := parsedText(t, parsed[i]); got != v.json {
				t.Errorf("unsigned=%t: React Router reads Go's %s as %s", unsigned, v.json, got)
			}
		}
	}
}

// TestStandaloneCookieEdgeCases pins what React Router's parse returns for
// odd Cookie headers, and what Go's typed Parse does with them.
func TestStandaloneCookieEdgeCases(t *testing.T) {
	p := rr(t)
	signed := newCookie(t, false, secretA)
	goodLine, _ := runtime.SerializeCookie(signed, "v")
	good := sent(goodLine)
	badPayload := "prefs=" + signRaw(secretA, b64("not json")) // base64 of "not json", signed
	cases := []struct {
		name, header, rr string
		goString         *string // Go's ParseHeader[string]; nil: false
		unsigned         bool
	}{
		{"no Cookie header", "", "null", nil, false},
		{"another cookie", "other=1", "null", nil, false},
		{"empty value", "prefs=", `""`, ptr(""), false},
		{"empty value, unsigned", "prefs=", `""`, ptr(""), true},
		{"bad signature", strings.Replace(good, "prefs=", "prefs=x", 1), "null", nil, false},
		{"unsigned value", "prefs=InYi", "null", nil, false},
		{"bad payload, good signature", badPayload, "{}", nil, false},
		{"not base64, unsigned", "prefs=%25%25", "{}", nil, true},
		{"first of two wins", good + "; prefs=x", `"v"`, ptr("v"), false},
		{"null", "prefs=bnVsbA%3D%3D", "null", nil, true},
	}
	for _, tc := range cases {
		c, secrets := signed, []string{secretA}
		if tc.unsigned {
			c, secrets = newCookie(t, true), nil
		}
		header := tc.header
		res := p.cookie(t, cookieRequest{Secrets: secrets, Cookie: rrCookieOf(c.Options()), Parse: []string{header}})
		if got := parsedText(t, res.Parsed[0]); got != tc.rr {
			t.Errorf("%s: React Router's parse gives %s, want %s", tc.name, got, tc.rr)
		}
		v, ok := runtime.ParseCookieHeader[string](c, header)
		if (tc.goString == nil) != !ok || ok && v != *tc.goString {
			t.Errorf("%s: Go reads %q, %t", tc.name, v, ok)
		}
	}
}

// TestStandaloneCookieRotation: Go reads a cookie React Router signed with
// the older of two secrets, and the reverse.
func TestStandaloneCookieRotation(t *testing.T) {
	p := rr(t)
	old := newCookie(t, false, secretB)
	rotated := newCookie(t, false, secretA, secretB)
	rrOld := p.cookie(t, cookieRequest{Secrets: []string{secretB}, Cookie: rrCookieOf(old.Options()), Serialize: []string{`{"a":"1"}`}}).SetCookies[0]
	if v, ok := runtime.ParseCookieHeader[map[string]string](rotated, sent(rrOld)); !ok || v["a"] != "1" {
		t.Errorf("Go after rotation reads React Router's old cookie as %v, %t", v, ok)
	}
	goOld, _ := runtime.SerializeCookie(old, map[string]string{"a": "2"})
	parsed := p.cookie(t, cookieRequest{Secrets: []string{secretA, secretB}, Cookie: rrCookieOf(rotated.Options()), Parse: []string{sent(goOld)}}).Parsed
	if got := parsedText(t, parsed[0]); got != `{"a":"2"}` {
		t.Errorf("React Router after rotation reads Go's old cookie as %s", got)
	}
}

func ptr[T any](v T) *T { return &v }
