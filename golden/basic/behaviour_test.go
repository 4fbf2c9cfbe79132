package basic

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

const (
	secret    = "0123456789abcdef0123456789abcdef-current"
	oldSecret = "0123456789abcdef0123456789abcdef-previous"
)

func newStorage(t *testing.T, secrets ...string) *UserStorage {
	t.Helper()
	if len(secrets) == 0 {
		secrets = []string{secret}
	}
	st, err := NewUserStorage(Config{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// request returns a GET request carrying the cookies of the Set-Cookie
// headers in rec, as a browser would send them back.
func request(rec *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

func commit(t *testing.T, st *UserStorage, s *UserSession, opts ...CommitOption) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := st.CommitSession(rec, s, opts...); err != nil {
		t.Fatal(err)
	}
	return rec
}

func get(t *testing.T, st *UserStorage, r *http.Request) *UserSession {
	t.Helper()
	s, err := st.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSetCommitReadBack(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	if _, ok := s.UserID(); ok || s.HasUserID() {
		t.Fatal("a new session has a userId")
	}
	if s.Theme() != "light" {
		t.Fatalf("default theme = %q", s.Theme())
	}
	s.SetUserID("u-42")
	s.SetTheme("dark")
	if !s.Runtime().Modified() {
		t.Fatal("a set did not mark the session modified")
	}
	rec := commit(t, st, s)
	line := rec.Header().Get("Set-Cookie")
	if !strings.HasPrefix(line, "__session=") || !strings.HasSuffix(line, "; Path=/; HttpOnly; SameSite=Lax") {
		t.Fatalf("Set-Cookie = %q", line)
	}
	got := get(t, st, request(rec))
	if v, ok := got.UserID(); !ok || v != "u-42" {
		t.Fatalf("UserID() = %q, %v", v, ok)
	}
	if got.Theme() != "dark" || !got.HasTheme() {
		t.Fatalf("Theme() = %q", got.Theme())
	}
	if got.Runtime().Modified() {
		t.Fatal("a session just read is modified")
	}
	got.UnsetTheme()
	got2 := get(t, st, request(commit(t, st, got)))
	if got2.HasTheme() || got2.Theme() != "light" {
		t.Fatal("UnsetTheme did not persist")
	}
}

func TestFlashIsConsumedOnce(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.FlashMessage("Saved!")
	r := request(commit(t, st, s))

	s1 := get(t, st, r)
	if v, ok := s1.PopMessage(); !ok || v != "Saved!" {
		t.Fatalf("PopMessage() = %q, %v", v, ok)
	}
	if _, ok := s1.PopMessage(); ok {
		t.Fatal("a flash was read twice in one request")
	}
	if !s1.Runtime().Modified() {
		t.Fatal("consuming a flash did not mark the session modified")
	}
	s2 := get(t, st, request(commit(t, st, s1)))
	if _, ok := s2.PopMessage(); ok {
		t.Fatal("flash still there after the commit that consumed it")
	}
}

func TestBadCookiesReadAsEmpty(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.SetUserID("u-1")
	good := request(commit(t, st, s)).Header.Get("Cookie")
	value := strings.TrimPrefix(good, "__session=")

	foreign := newStorage(t, "another-secret-of-at-least-32-bytes!!")
	fs := get(t, foreign, httptest.NewRequest("GET", "/", nil))
	fs.SetUserID("u-1")
	foreignCookie := request(commit(t, foreign, fs)).Header.Get("Cookie")

	cases := map[string]struct {
		cookie string
		want   error
	}{
		"tampered payload":   {"__session=X" + value[1:], runtime.ErrTampered},
		"tampered signature": {good[:len(good)-2] + "AA", runtime.ErrTampered},
		"foreign secret":     {foreignCookie, runtime.ErrTampered},
		"garbage":            {"__session=%%%not-a-cookie", runtime.ErrMalformed},
		"no signature":       {"__session=eyJ1c2VySWQiOiJ1LTEifQ%3D%3D", runtime.ErrMalformed},
		"quoted":             {`__session="` + value + `"`, runtime.ErrTampered},
		"empty value":        {"__session=", nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Cookie", c.cookie)
			s, err := st.GetSession(r)
			if err != nil {
				t.Fatalf("a bad cookie gave an error: %v", err)
			}
			if s.HasUserID() || len(s.Runtime().Keys()) != 0 {
				t.Fatalf("bad cookie accepted: keys %v", s.Runtime().Keys())
			}
			if !errors.Is(s.Runtime().ReadError(), c.want) {
				t.Fatalf("ReadError() = %v, want %v", s.Runtime().ReadError(), c.want)
			}
		})
	}
}

func TestSecretRotation(t *testing.T) {
	old := newStorage(t, oldSecret)
	s := get(t, old, httptest.NewRequest("GET", "/", nil))
	s.SetUserID("u-7")
	r := request(commit(t, old, s))

	rotated := newStorage(t, secret, oldSecret)
	s2 := get(t, rotated, r)
	if v, _ := s2.UserID(); v != "u-7" {
		t.Fatalf("a cookie signed with the old secret was not read: %q", v)
	}
	r2 := request(commit(t, rotated, s2))
	// Re-signed with the new secret: a storage with only the new one reads it.
	if v, _ := get(t, newStorage(t, secret), r2).UserID(); v != "u-7" {
		t.Fatal("commit after rotation did not sign with the first secret")
	}
	if get(t, newStorage(t, oldSecret), r2).HasUserID() {
		t.Fatal("the re-signed cookie still verifies with only the old secret")
	}
}

func TestRememberMe(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.SetUserID("u-1")
	plain := commit(t, st, s).Result().Cookies()[0]
	if plain.MaxAge != 0 || !plain.Expires.IsZero() {
		t.Fatalf("plain login gave a persistent cookie: %+v", plain)
	}
	remembered := commit(t, st, s, WithMaxAge(30*24*time.Hour)).Result().Cookies()[0]
	if remembered.MaxAge != 30*24*3600 {
		t.Fatalf("remember-me Max-Age = %d", remembered.MaxAge)
	}
	until := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	line := commit(t, st, s, WithExpires(until)).Header().Get("Set-Cookie")
	if !strings.Contains(line, "; Expires=Mon, 03 Feb 2031 04:05:06 GMT") {
		t.Fatalf("WithExpires: %q", line)
	}
}

func TestDestroy(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.SetUserID("u-1")
	r := request(commit(t, st, s))
	s = get(t, st, r)
	rec := httptest.NewRecorder()
	if err := st.DestroySession(rec, s); err != nil {
		t.Fatal(err)
	}
	want := "__session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
	if got := rec.Header().Get("Set-Cookie"); got != want {
		t.Fatalf("destroy Set-Cookie = %q, want %q", got, want)
	}
	if s.HasUserID() {
		t.Fatal("destroyed session still has data")
	}
}

func TestSizeLimit(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.SetUserID(strings.Repeat("x", 2900)) // 2900 bytes of JSON → ~3900 of base64
	if _, err := st.CommitSessionHeader(s); err != nil {
		t.Fatalf("a cookie under the limit was refused: %v", err)
	}
	s.SetUserID(strings.Repeat("x", 3100))
	rec := httptest.NewRecorder()
	err := st.CommitSession(rec, s)
	var tooLarge *runtime.TooLargeError
	if !errors.As(err, &tooLarge) || !errors.Is(err, runtime.ErrTooLarge) {
		t.Fatalf("err = %v, want a TooLargeError", err)
	}
	if tooLarge.Size <= 4096 || tooLarge.Limit != 4096 || !strings.Contains(err.Error(), "__session") {
		t.Fatalf("error figures: %+v", tooLarge)
	}
	if rec.Header().Get("Set-Cookie") != "" {
		t.Fatal("a too-large cookie was still written")
	}
}

func TestUnknownKeysSurvive(t *testing.T) {
	st := newStorage(t)
	// A React Router app sharing the cookie wrote keys the schema does not know.
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.Runtime().SetRaw("cartCount", []byte(`3`))
	s.Runtime().SetRaw("prefs", []byte(`{"b":[1,2.50,"x\u00e9"],"a":null}`))
	s.SetUserID("u-1")
	r := request(commit(t, st, s))

	s2 := get(t, st, r)
	s2.SetTheme("dark")
	s3 := get(t, st, request(commit(t, st, s2)))
	want := `{"cartCount":3,"prefs":{"b":[1,2.50,"x\u00e9"],"a":null},"userId":"u-1","theme":"dark"}`
	if got := string(s3.Runtime().JSON()); got != want {
		t.Fatalf("data after read-modify-commit:\n got %s\nwant %s", got, want)
	}
}

func TestWrongTypeReadsAsUnset(t *testing.T) {
	st := newStorage(t)
	s := get(t, st, httptest.NewRequest("GET", "/", nil))
	s.Runtime().SetRaw("userId", []byte(`42`)) // written by another app as a number
	s.Runtime().SetRaw("theme", []byte(`{"x":1}`))
	s2 := get(t, st, request(commit(t, st, s)))
	if v, ok := s2.UserID(); ok || v != "" {
		t.Fatalf("a number read as a string: %q, %v", v, ok)
	}
	if !s2.HasUserID() {
		t.Fatal("HasUserID is false for a key that is set (with another type)")
	}
	if s2.Theme() != "light" {
		t.Fatalf("undecodable theme did not fall back to the default: %q", s2.Theme())
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no secret":    {},
		"empty secret": {Secrets: []string{""}},
		"short secret": {Secrets: []string{"s3cr3t"}},
		"short second": {Secrets: []string{secret, "short"}},
	} {
		if _, err := NewUserStorage(cfg); !errors.Is(err, runtime.ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
	if _, err := NewUserStorage(Config{Secrets: []string{"s3cr3t"}, AllowWeakSecrets: true}); err != nil {
		t.Errorf("AllowWeakSecrets: %v", err)
	}
}

func TestHeaderLevelForms(t *testing.T) {
	st := newStorage(t)
	s, err := st.GetSessionHeader(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetUserID("u-9")
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	nameValue, _, _ := strings.Cut(line, ";")
	s2, err := st.GetSessionHeader(t.Context(), "a=b; "+nameValue)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s2.UserID(); v != "u-9" {
		t.Fatalf("UserID() = %q", v)
	}
	destroy, err := st.DestroySessionHeader(s2)
	if err != nil || !strings.HasPrefix(destroy, "__session=; ") {
		t.Fatalf("destroy = %q, %v", destroy, err)
	}
}
