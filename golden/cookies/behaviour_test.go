package cookies

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/internal/testtypes"
	"github.com/sessiongen/sessiongen/runtime"
)

const secret = "0123456789abcdef0123456789abcdef-current"

func TestSignedCookieRoundTrip(t *testing.T) {
	prefs, err := NewPrefsCookie(Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := prefs.Set(w, map[string]string{"theme": "dark"}); err != nil {
		t.Fatal(err)
	}
	line := w.Header().Get("Set-Cookie")
	if !strings.HasPrefix(line, "prefs=") || !strings.Contains(line, "; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax") {
		t.Fatalf("Set-Cookie %q", line)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", strings.SplitN(line, ";", 2)[0])
	if v, ok := prefs.Parse(r); !ok || v["theme"] != "dark" {
		t.Errorf("Parse: %v, %t", v, ok)
	}
	if _, ok := prefs.ParseHeader(strings.Replace(r.Header.Get("Cookie"), "prefs=", "prefs=e30", 1)); ok {
		t.Error("a changed value verifies")
	}
}

func TestUnsignedCookieNeedsNoSecret(t *testing.T) {
	theme, err := NewThemeCookie(Config{})
	if err != nil {
		t.Fatal(err)
	}
	line, err := theme.Serialize("dark", WithMaxAge(time.Hour))
	if err != nil || line != "Theme=ImRhcmsi; Max-Age=3600; Path=/; SameSite=Lax" {
		t.Fatalf("Serialize: %q, %v", line, err)
	}
	if v, ok := theme.ParseHeader("Theme=ImRhcmsi"); !ok || v != "dark" {
		t.Errorf("ParseHeader: %q, %t", v, ok)
	}
	if _, err := NewPrefsCookie(Config{}); !errors.Is(err, runtime.ErrConfig) {
		t.Errorf("a signed cookie without secrets: %v", err)
	}
}

func TestTypedValues(t *testing.T) {
	cfg := Config{Secrets: []string{secret}}
	visits, _ := NewVisitsCookie(cfg)
	line, _ := visits.Serialize(1 << 60)
	if v, ok := visits.ParseHeader(strings.SplitN(line, ";", 2)[0]); !ok || v != 1<<60 {
		t.Errorf("int64 2^60: %d, %t", v, ok)
	}
	cart, _ := NewCartCookie(cfg)
	want := testtypes.Cart{Items: []testtypes.Item{{SKU: "A", Qty: 2}}, Updated: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	line, _ = cart.Serialize(want)
	if !strings.Contains(line, "; Path=/; HttpOnly; Secure; Partitioned; SameSite=Lax") {
		t.Errorf("cart line %q", line)
	}
	got, ok := cart.ParseHeader(strings.SplitN(line, ";", 2)[0])
	if !ok || !got.Updated.Equal(want.Updated) || len(got.Items) != 1 || got.Items[0] != want.Items[0] {
		t.Errorf("cart: %+v, %t", got, ok)
	}
	if _, ok := visits.ParseHeader(strings.Replace(strings.SplitN(line, ";", 2)[0], "__Host-cart", "visits", 1)); ok {
		t.Error("a cart read as visits (another type)")
	}
}
