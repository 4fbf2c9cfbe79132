package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The fixtures were made by the real react-router 8.5.1 (see
// testdata/interop/README.md). These tests need no Node; the live test in
// interop/ runs the library itself.

type fixtureFile struct {
	CookieSession []struct {
		Name          string            `json:"name"`
		Secrets       []string          `json:"secrets"`
		Ops           []json.RawMessage `json:"ops"`
		SetCookie     string            `json:"setCookie"`
		CookieHeader  string            `json:"cookieHeader"`
		PayloadJSON   string            `json:"payloadJson"`
		ReadBack      json.RawMessage   `json:"readBack"`
		CookieOptions fixtureCookieOpts `json:"cookieOptions"`
	} `json:"cookieSession"`
	Negative []struct {
		Name         string          `json:"name"`
		Secrets      []string        `json:"secrets"`
		CookieHeader *string         `json:"cookieHeader"`
		ReadBack     json.RawMessage `json:"readBack"`
	} `json:"negative"`
	Destroy []struct {
		Name           string             `json:"name"`
		CookieOptions  *fixtureCookieOpts `json:"cookieOptions"`
		DestroyOptions *fixtureCookieOpts `json:"destroyOptions"`
		SetCookie      string             `json:"setCookie"`
		Calls          [][]string         `json:"calls"`
	} `json:"destroy"`
	CommitOptions []struct {
		Name          string             `json:"name"`
		CookieOptions fixtureCookieOpts  `json:"cookieOptions"`
		CommitOptions *fixtureCookieOpts `json:"commitOptions"`
		Data          json.RawMessage    `json:"data"`
		SetCookie     string             `json:"setCookie"`
	} `json:"commitOptions"`
	CookieOptions []struct {
		Name          string            `json:"name"`
		CookieOptions fixtureCookieOpts `json:"cookieOptions"`
		Data          json.RawMessage   `json:"data"`
		SetCookie     string            `json:"setCookie"`
	} `json:"cookieOptions"`
}

// fixtureCookieOpts is React Router's cookie options object.
type fixtureCookieOpts struct {
	Name        string   `json:"name"`
	Secrets     []string `json:"secrets"`
	HTTPOnly    *bool    `json:"httpOnly"`
	Secure      *bool    `json:"secure"`
	SameSite    any      `json:"sameSite"`
	Path        *string  `json:"path"`
	Domain      *string  `json:"domain"`
	MaxAge      *int64   `json:"maxAge"`
	Priority    string   `json:"priority"`
	Partitioned bool     `json:"partitioned"`
	Expires     string   `json:"expires"`
}

func loadFixtures(t *testing.T) fixtureFile {
	t.Helper()
	b, err := os.ReadFile("../testdata/interop/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// cookieOptions maps React Router's options (and per-call overrides) onto
// ours; React Router's defaults are Path=/ and SameSite=Lax.
func (f fixtureCookieOpts) cookieOptions(over *fixtureCookieOpts) CookieOptions {
	c := CookieOptions{Name: f.Name, Path: "/", SameSite: SameSiteLax}
	for _, o := range []*fixtureCookieOpts{&f, over} {
		if o == nil {
			continue
		}
		if o.HTTPOnly != nil {
			c.HTTPOnly = *o.HTTPOnly
		}
		if o.Secure != nil {
			c.Secure = *o.Secure
		}
		switch v := o.SameSite.(type) {
		case string:
			c.SameSite = strings.ToLower(v)
		case bool:
			c.SameSite = map[bool]string{true: SameSiteStrict, false: SameSiteOmit}[v]
		}
		if o.Path != nil {
			c.Path = *o.Path
		}
		if o.Domain != nil {
			c.Domain = *o.Domain
		}
		if o.MaxAge != nil && o == &f {
			c.MaxAge = time.Duration(*o.MaxAge) * time.Second
		}
		if o.Priority != "" {
			c.Priority = o.Priority
		}
		c.Partitioned = c.Partitioned || o.Partitioned
	}
	return c
}

func fixtureStorage(t *testing.T, secrets []string, c CookieOptions) *Storage {
	t.Helper()
	if len(secrets) == 0 {
		secrets = []string{"s3cr3t"}
	}
	st, err := NewStorage(Spec{Name: "fixture", Cookie: c}, Config{Secrets: secrets, AllowWeakSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// applyOp replays one React Router session call on s, encoding values with
// our encoder (strings, numbers, booleans through the typed path; objects
// and arrays as the fixture's JSON).
func applyOp(t *testing.T, s *Session, op json.RawMessage) {
	var parts []json.RawMessage
	if err := json.Unmarshal(op, &parts); err != nil {
		t.Fatal(err)
	}
	var verb, key string
	json.Unmarshal(parts[0], &verb)
	json.Unmarshal(parts[1], &key)
	if verb == "unset" {
		s.Unset(key)
		return
	}
	raw := encodeFixtureValue(t, parts[2])
	if raw == nil {
		return // undefined: JSON.stringify drops the key
	}
	if verb == "flash" {
		key = FlashKey(key)
	}
	s.SetRaw(key, raw)
}

func encodeFixtureValue(t *testing.T, v json.RawMessage) []byte {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	var err error
	switch x := x.(type) {
	case string:
		if strings.Contains(string(v), `\ud800`) {
			return compact(t, v) // a lone surrogate has no Go string form
		}
		raw, err = Encode(x)
	case json.Number:
		if n, e := x.Int64(); e == nil && !strings.ContainsAny(x.String(), ".eE") {
			raw, err = Encode(n)
		} else {
			f, _ := x.Float64()
			raw, err = Encode(f)
		}
	case bool:
		raw, err = Encode(x)
	case map[string]any:
		if x["$undefined"] == true {
			return nil
		}
		raw = appendJSNormal(nil, compact(t, v))
	default:
		raw = appendJSNormal(nil, compact(t, v))
	}
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func compact(t *testing.T, v []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFixturesCookieSession(t *testing.T) {
	for _, c := range loadFixtures(t).CookieSession {
		t.Run(c.Name, func(t *testing.T) {
			st := fixtureStorage(t, c.Secrets, c.CookieOptions.cookieOptions(nil))
			s := NewSession()
			for _, op := range c.Ops {
				applyOp(t, s, op)
			}
			if got := string(s.JSON()); got != c.PayloadJSON {
				t.Errorf("payload JSON (-want +got):\n%s", cmp.Diff(c.PayloadJSON, got))
			}
			line, err := st.CommitSessionHeader(s)
			if err != nil {
				t.Fatal(err)
			}
			if line != c.SetCookie {
				t.Errorf("Set-Cookie (-want +got):\n%s", cmp.Diff(c.SetCookie, line))
			}
			// Read React Router's cookie back with every secret in the list.
			got, err := st.GetSessionHeader(context.Background(), c.CookieHeader)
			if err != nil || got.ReadError() != nil {
				t.Fatalf("read back: %v %v", err, got.ReadError())
			}
			if !bytes.Equal(got.JSON(), []byte(c.PayloadJSON)) {
				t.Errorf("read back (-want +got):\n%s", cmp.Diff(c.PayloadJSON, string(got.JSON())))
			}
		})
	}
}

func TestFixturesNegative(t *testing.T) {
	for _, c := range loadFixtures(t).Negative {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Secrets) == 0 {
				t.Skip("sessiongen has no unsigned cookie storage: NewStorage refuses an empty secret list")
			}
			st := fixtureStorage(t, c.Secrets, CookieOptions{Name: "__session", Path: "/"})
			header := ""
			if c.CookieHeader != nil {
				header = *c.CookieHeader
			}
			s, err := st.GetSessionHeader(context.Background(), header)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(compact(t, c.ReadBack)), string(s.JSON())); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFixturesCommitOptions(t *testing.T) {
	f := loadFixtures(t)
	for _, c := range f.CommitOptions {
		t.Run(c.Name, func(t *testing.T) {
			var opts []CommitOption
			if o := c.CommitOptions; o != nil {
				if o.MaxAge != nil {
					opts = append(opts, WithMaxAge(time.Duration(*o.MaxAge)*time.Second))
				}
				if o.Expires != "" {
					exp, _ := time.Parse(time.RFC3339, o.Expires)
					opts = append(opts, WithExpires(exp))
				}
			}
			// Per-commit attribute overrides (path, domain, httpOnly) are
			// cookie options in sessiongen: apply them to the storage.
			checkSetCookie(t, c.CookieOptions.cookieOptions(c.CommitOptions), c.Data, c.SetCookie, opts...)
		})
	}
	for _, c := range f.CookieOptions {
		t.Run("cookieOptions/"+c.Name, func(t *testing.T) {
			var opts []CommitOption
			if c.CookieOptions.Expires != "" {
				// A static Expires is a commit option here (React Router warns about it).
				exp, _ := time.Parse(time.RFC3339, c.CookieOptions.Expires)
				opts = append(opts, WithExpires(exp))
			}
			checkSetCookie(t, c.CookieOptions.cookieOptions(nil), c.Data, c.SetCookie, opts...)
		})
	}
}

func checkSetCookie(t *testing.T, co CookieOptions, data json.RawMessage, want string, opts ...CommitOption) {
	t.Helper()
	st := fixtureStorage(t, []string{"s3cr3t"}, co)
	obj, ok := parseObject(compact(t, data))
	if !ok {
		t.Fatal("bad data")
	}
	s := NewSession()
	s.data = obj
	got, err := st.CommitSessionHeader(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Set-Cookie (-want +got):\n%s", cmp.Diff(want, got))
	}
}

// recordingStore records the calls destroy makes.
type recordingStore struct {
	*MemoryStore
	calls [][]string
}

func (r *recordingStore) Delete(ctx context.Context, id string) error {
	r.calls = append(r.calls, []string{"deleteData", id})
	return r.MemoryStore.Delete(ctx, id)
}

func TestFixturesDestroy(t *testing.T) {
	for _, c := range loadFixtures(t).Destroy {
		t.Run(c.Name, func(t *testing.T) {
			base := fixtureCookieOpts{Name: "__session", HTTPOnly: ptr(true), Secure: ptr(true)}
			if c.CookieOptions != nil {
				base = *c.CookieOptions
			} else if c.Calls != nil {
				base = fixtureCookieOpts{Name: "__session"}
			}
			co := base.cookieOptions(c.DestroyOptions)
			if c.Calls == nil {
				st := fixtureStorage(t, nil, co)
				got, err := st.DestroySessionHeader(NewSession())
				check(t, err, got, c.SetCookie)
				return
			}
			rec := &recordingStore{MemoryStore: NewMemoryStore(0)}
			st, err := NewStorage(Spec{Cookie: co, Server: true}, Config{Secrets: []string{"s3cr3t"}, AllowWeakSecrets: true, Store: rec})
			if err != nil {
				t.Fatal(err)
			}
			s := NewSession()
			var want [][]string
			if len(c.Calls) > 0 {
				s.id = st.newID()
				want = [][]string{{"deleteData", s.id}}
			}
			got, err := st.DestroySessionHeader(s)
			check(t, err, got, c.SetCookie)
			if diff := cmp.Diff(want, rec.calls); diff != "" {
				t.Errorf("store calls (-want +got):\n%s", diff)
			}
		})
	}
}

func check(t *testing.T, err error, got, want string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Set-Cookie (-want +got):\n%s", cmp.Diff(want, got))
	}
}

func ptr[T any](v T) *T { return &v }

// TestFixtureCookieOverHTTP reads a fixture cookie through a real request.
func TestFixtureCookieOverHTTP(t *testing.T) {
	c := loadFixtures(t).CookieSession[1]
	st := fixtureStorage(t, c.Secrets, CookieOptions{Name: "__session", Path: "/"})
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "other=1; "+c.CookieHeader+"; __session=second-is-ignored")
	s, err := st.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := Get[string](s, "userId"); !ok || v != "user-123" {
		t.Fatalf("userId = %q, %v", v, ok)
	}
}
