package runtime

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Secrets of the minimum length, for the security tests.
const (
	secretA = "0123456789abcdef0123456789abcdef"
	secretB = "fedcba9876543210fedcba9876543210"
	secretC = "a third secret, never configured!"
)

func newTestStorage(t testing.TB, name string, encrypt bool, secrets ...string) *Storage {
	t.Helper()
	spec := Spec{Name: "t", Cookie: CookieOptions{Name: name, Path: "/", HTTPOnly: true, Secure: true}, Encrypt: encrypt}
	st, err := NewStorage(spec, Config{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// cookieOf turns a Set-Cookie line into the Cookie header a browser sends.
func cookieOf(line string) string {
	pair, _, _ := strings.Cut(line, ";")
	return pair
}

// commitValues sets key=value pairs on a new session and commits it.
func commitValues(t testing.TB, st *Storage, kv ...string) string {
	t.Helper()
	s := NewSession()
	for i := 0; i+1 < len(kv); i += 2 {
		Set(s, kv[i], kv[i+1])
	}
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func read(t testing.TB, st *Storage, header string) *Session {
	t.Helper()
	s, err := st.GetSessionHeader(context.Background(), header)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEncryptedRoundTrip(t *testing.T) {
	st := newTestStorage(t, "vault", true, secretA)
	line := commitValues(t, st, "account", "secret-account-42", "note", "<b>&\u2028")
	value := strings.TrimPrefix(cookieOf(line), "vault=")
	if !strings.HasPrefix(value, encPrefix) {
		t.Fatalf("value %q lacks the %q prefix", value, encPrefix)
	}
	if strings.Trim(value[len(encPrefix):], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("value %q is not unpadded base64url", value)
	}
	if strings.Contains(line, "secret-account") || strings.Contains(line, "YWNjb3VudC") {
		t.Errorf("plaintext visible in %q", line)
	}
	if again := commitValues(t, st, "account", "secret-account-42", "note", "<b>&\u2028"); again == line {
		t.Error("two commits of the same data gave the same value: the nonce is not fresh")
	}
	s := read(t, st, cookieOf(line))
	if s.ReadError() != nil || s.Modified() {
		t.Fatalf("ReadError %v, Modified %v; want nil, false", s.ReadError(), s.Modified())
	}
	if v, _ := Get[string](s, "account"); v != "secret-account-42" {
		t.Errorf("account = %q", v)
	}
	if v, _ := Get[string](s, "note"); v != "<b>&\u2028" {
		t.Errorf("note = %q", v)
	}
}

// TestEncryptedRotation: the first secret seals, all open, and a cookie
// opened with an old secret is marked modified so that the next commit
// reseals it under the new one.
func TestEncryptedRotation(t *testing.T) {
	old := newTestStorage(t, "vault", true, secretA)
	rotated := newTestStorage(t, "vault", true, secretB, secretA)
	onlyNew := newTestStorage(t, "vault", true, secretB)
	line := commitValues(t, old, "k", "v")

	s := read(t, rotated, cookieOf(line))
	if s.ReadError() != nil {
		t.Fatalf("rotated storage cannot open an old cookie: %v", s.ReadError())
	}
	if !s.Modified() {
		t.Error("a cookie opened with an old secret is not marked Modified")
	}
	if s := read(t, onlyNew, cookieOf(line)); !errors.Is(s.ReadError(), ErrDecrypt) || len(s.Keys()) != 0 {
		t.Errorf("storage without the old secret: ReadError %v, keys %v; want ErrDecrypt, none", s.ReadError(), s.Keys())
	}
	resealed, err := rotated.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	s2 := read(t, onlyNew, cookieOf(resealed))
	if v, _ := Get[string](s2, "k"); s2.ReadError() != nil || v != "v" {
		t.Errorf("resealed cookie under the new secret: ReadError %v, k = %q", s2.ReadError(), v)
	}
	if s := read(t, rotated, cookieOf(resealed)); s.Modified() {
		t.Error("a cookie sealed with the first secret is marked Modified")
	}
}

// TestFormatsDoNotMix: a signed cookie presented to an encrypted session
// reads as empty, and the reverse, even under the same secret.
func TestFormatsDoNotMix(t *testing.T) {
	signed := newTestStorage(t, "c", false, secretA)
	enc := newTestStorage(t, "c", true, secretA)
	s := read(t, enc, cookieOf(commitValues(t, signed, "k", "v")))
	if len(s.Keys()) != 0 || !errors.Is(s.ReadError(), ErrDecrypt) || !errors.Is(s.ReadError(), ErrTampered) {
		t.Errorf("signed → encrypted: keys %v, ReadError %v; want none, ErrDecrypt", s.Keys(), s.ReadError())
	}
	s = read(t, signed, cookieOf(commitValues(t, enc, "k", "v")))
	if len(s.Keys()) != 0 || !errors.Is(s.ReadError(), ErrTampered) || errors.Is(s.ReadError(), ErrDecrypt) {
		t.Errorf("encrypted → signed: keys %v, ReadError %v; want none, ErrTampered", s.Keys(), s.ReadError())
	}
}

// TestEncryptedNameBound: the cookie name is associated data, so a value
// cannot be moved to another cookie of the same app.
func TestEncryptedNameBound(t *testing.T) {
	a := newTestStorage(t, "a", true, secretA)
	b := newTestStorage(t, "b", true, secretA)
	value := strings.TrimPrefix(cookieOf(commitValues(t, a, "role", "admin")), "a=")
	if s := read(t, b, "b="+value); len(s.Keys()) != 0 || !errors.Is(s.ReadError(), ErrDecrypt) {
		t.Errorf("value moved from a to b: keys %v, ReadError %v; want none, ErrDecrypt", s.Keys(), s.ReadError())
	}
}

// TestEncryptionKeyIsDerived: the AEAD key is not the secret (which is the
// HMAC key of the signed format), differs per secret, and is stable.
func TestEncryptionKeyIsDerived(t *testing.T) {
	ka, _ := encKey(secretA)
	kb, _ := encKey(secretB)
	ka2, _ := encKey(secretA)
	if len(ka) != 32 || bytes.Equal(ka, []byte(secretA)) || bytes.Equal(ka, kb) || !bytes.Equal(ka, ka2) {
		t.Errorf("derived keys: %x %x %x", ka, kb, ka2)
	}
}

func TestEncryptWithServerStorageRefused(t *testing.T) {
	_, err := NewStorage(Spec{Name: "s", Server: true, Encrypt: true}, Config{Secrets: []string{secretA}})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("Server+Encrypt: err = %v, want ErrConfig", err)
	}
}

func TestEncryptedTooLarge(t *testing.T) {
	st := newTestStorage(t, "vault", true, secretA)
	s := NewSession()
	Set(s, "big", strings.Repeat("x", 3000))
	_, err := st.CommitSessionHeader(s)
	var tl *TooLargeError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &tl) || tl.Size <= tl.Limit || tl.Limit != 4096 || tl.Name != "vault" {
		t.Fatalf("err = %v (%+v); want a *TooLargeError over 4096", err, tl)
	}
	Set(s, "big", strings.Repeat("x", 2900))
	line, err := st.CommitSessionHeader(s)
	if err != nil || len(line) > 4096 {
		t.Errorf("2900 bytes: len %d, err %v; want a line that fits", len(line), err)
	}
}

// TestSecretPolicy: the rules of checkSecrets, for both formats.
func TestSecretPolicy(t *testing.T) {
	short := "s3cr3t"
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"no secrets", Config{}, false},
		{"empty secret", Config{Secrets: []string{""}}, false},
		{"empty old secret", Config{Secrets: []string{secretA, ""}}, false},
		{"empty secret even when weak allowed", Config{Secrets: []string{""}, AllowWeakSecrets: true}, false},
		{"31 bytes", Config{Secrets: []string{secretA[:31]}}, false},
		{"short old secret", Config{Secrets: []string{secretA, short}}, false},
		{"short secret allowed", Config{Secrets: []string{short}, AllowWeakSecrets: true}, true},
		{"32 bytes", Config{Secrets: []string{secretA}}, true},
		{"rotation", Config{Secrets: []string{secretB, secretA}}, true},
	}
	for _, enc := range []bool{false, true} {
		for _, c := range cases {
			_, err := NewStorage(Spec{Name: "p", Encrypt: enc}, c.cfg)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Errorf("encrypt=%v, %s: err = %v, want ok=%v", enc, c.name, err, c.ok)
			}
		}
	}
}

// TestOnInvalidCookie: the hook hears every discarded cookie, with the
// request when there is one, and nothing about valid or missing cookies.
func TestOnInvalidCookie(t *testing.T) {
	type call struct {
		r   *http.Request
		err error
	}
	for _, enc := range []bool{false, true} {
		var calls []call
		cfg := Config{Secrets: []string{secretA}, OnInvalidCookie: func(r *http.Request, err error) { calls = append(calls, call{r, err}) }}
		st, err := NewStorage(Spec{Name: "h", Encrypt: enc}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		good := cookieOf(commitValues(t, st, "k", "v"))
		flip := []byte(good)
		flip[len(flip)/2] ^= 1 // a letter or digit stays one, and differs
		bad := string(flip)
		want := ErrTampered
		if enc {
			want = ErrDecrypt
		}

		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", bad)
		if _, err := st.GetSession(req); err != nil {
			t.Fatal(err)
		}
		read(t, st, bad)
		read(t, st, good)
		read(t, st, "")
		read(t, st, "other=1")
		if len(calls) != 2 {
			t.Fatalf("encrypt=%v: %d calls, want 2 (one per bad cookie)", enc, len(calls))
		}
		if calls[0].r != req || !errors.Is(calls[0].err, want) {
			t.Errorf("encrypt=%v: GetSession call = %+v, want the request and %v", enc, calls[0], want)
		}
		if calls[1].r != nil || !errors.Is(calls[1].err, want) {
			t.Errorf("encrypt=%v: GetSessionHeader call = %+v, want nil request and %v", enc, calls[1], want)
		}
	}
}

// TestErrorsAreDistinct: each cookie failure is its own sentinel, so that
// code can tell them apart, and ErrDecrypt is also a kind of ErrTampered.
func TestErrorsAreDistinct(t *testing.T) {
	all := []error{ErrTampered, ErrMalformed, ErrDecrypt, ErrTooLarge, ErrConfig}
	for i, a := range all {
		for j, b := range all {
			is := errors.Is(a, b)
			want := i == j || (a == ErrDecrypt && b == ErrTampered)
			if is != want {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, is)
			}
		}
	}
	var se *StoreError
	if err := error(&StoreError{Op: "read", Err: context.DeadlineExceeded}); !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
		t.Error("StoreError does not unwrap")
	}
}

// TestSmugglingRefusedAtNewStorage: names and attributes that could split
// a Set-Cookie line or add an attribute are refused.
func TestSmugglingRefusedAtNewStorage(t *testing.T) {
	bad := []string{"\r", "\n", ";", ",", "\x00", " ", "=", "\"", "\t"}
	for _, c := range bad {
		for _, co := range []CookieOptions{
			{Name: "a" + c + "b"},
			{Name: "s", Path: "/a" + c + "Secure"},
			{Name: "s", Domain: "example.com" + c + "x"},
			{Name: "s", Priority: "high" + c},
			{Name: "s", SameSite: "lax" + c},
		} {
			if (c == "=" || c == "\"") && co.Path != "" {
				continue // legal in a path: it cannot end the attribute
			}
			if _, err := NewStorage(Spec{Name: "x", Cookie: co}, Config{Secrets: []string{secretA}}); !errors.Is(err, ErrConfig) {
				t.Errorf("NewStorage(%#v) = %v, want ErrConfig", co, err)
			}
		}
	}
}

// TestNoSmugglingThroughValues: whatever the data, a Set-Cookie line is one
// line, and its value holds only characters that cannot end it.
func TestNoSmugglingThroughValues(t *testing.T) {
	evil := []string{"\r\nSet-Cookie: admin=1", "a;b", "a,b", "x\x00y", "\"q\"", "; Domain=evil.com", "\n", "é\u2028"}
	for _, enc := range []bool{false, true} {
		st := newTestStorage(t, "__session", enc, secretA)
		for _, v := range evil {
			s := NewSession()
			Set(s, v, v)
			Flash(s, v, v)
			line, err := st.CommitSessionHeader(s)
			if err != nil {
				t.Fatal(err)
			}
			checkLine(t, line)
			back := read(t, st, cookieOf(line))
			if got, _ := Get[string](back, v); got != v {
				t.Errorf("encrypt=%v: %q read back as %q", enc, v, got)
			}
		}
	}
}

// checkLine asserts that a Set-Cookie line cannot smuggle a header or an
// attribute: no control bytes, and a value of URI-unreserved characters
// and percent escapes only.
func checkLine(t testing.TB, line string) {
	t.Helper()
	if strings.ContainsAny(line, "\r\n\x00") {
		t.Fatalf("Set-Cookie line with a control byte: %q", line)
	}
	_, value, _ := strings.Cut(cookieOf(line), "=")
	for i := 0; i < len(value); i++ {
		if c := value[i]; !uriUnreserved(c) && c != '%' {
			t.Fatalf("Set-Cookie value with %q: %q", c, value)
		}
	}
}

// TestOnInvalidCookieHearsExpiry: a session past its idle timeout is
// reported to the hook too, with an error matching ErrExpired.
func TestOnInvalidCookieHearsExpiry(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var got []error
	for _, enc := range []bool{false, true} {
		cfg := Config{Secrets: []string{secretA}, Now: func() time.Time { return now },
			OnInvalidCookie: func(_ *http.Request, err error) { got = append(got, err) }}
		st, err := NewStorage(Spec{Name: "t", Encrypt: enc, IdleTimeout: time.Minute}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		header := cookieOf(commitValues(t, st, "k", "v"))
		now = now.Add(2 * time.Minute)
		s := read(t, st, header)
		if !errors.Is(s.ReadError(), ErrExpired) || len(got) != 1 || !errors.Is(got[0], ErrExpired) {
			t.Errorf("encrypt=%v: ReadError %v, hook calls %v; want one ErrExpired", enc, s.ReadError(), got)
		}
		got = nil
	}
}
