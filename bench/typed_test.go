package bench

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// impl=typed: what an app would write by hand without a session library: a
// Go struct with json tags, encoding/json, and React Router's signed cookie
// format (base64 of the JSON, "." and the unpadded base64 HMAC-SHA256 of the
// base64 text, URI-encoded). It knows its keys at compile time, as the
// generated code does, but pays for encoding/json's reflection.

// typedSession is the bench's session as a struct; the tags give the
// payload's key order and names, so it writes the bytes sessiongen writes.
type typedSession struct {
	UserID   string   `json:"userId,omitempty"`
	Theme    string   `json:"theme,omitempty"`
	Roles    []string `json:"roles,omitempty"`
	LastSeen int64    `json:"lastSeen,omitempty"`
	Flash    string   `json:"__flash_message__,omitempty"`
}

var errTypedCookie = errors.New("typed: bad cookie")

// typedStore signs and verifies the cookie with the bench's secret.
type typedStore struct{ key []byte }

func (st typedStore) mac(b64 string) string {
	m := hmac.New(sha256.New, st.key)
	m.Write([]byte(b64))
	return base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}

// load reads the session of r; no cookie gives an empty one.
func (st typedStore) load(r *http.Request) (*typedSession, error) {
	s := new(typedSession)
	c, err := r.Cookie(cookieName)
	if err != nil {
		return s, nil
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil, err
	}
	b64, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(st.mac(b64))) {
		return nil, errTypedCookie
	}
	p, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, err
	}
	return s, json.Unmarshal(p, s)
}

// save sets the session's cookie on w.
func (st typedStore) save(w http.ResponseWriter, s *typedSession) error {
	p, err := json.Marshal(s)
	if err != nil {
		return err
	}
	b64 := base64.StdEncoding.EncodeToString(p)
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: url.QueryEscape(b64 + "." + st.mac(b64)),
		Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

func newTyped(tb testing.TB) *impl {
	st := typedStore{key: []byte(secret)}
	readThree := func(s *typedSession) error {
		return checkRead(s.UserID, s.UserID != "", s.Theme, s.Theme != "", s.Roles, s.Roles != nil)
	}
	im := &impl{
		name: "typed",
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.load(r)
			if err != nil {
				return err
			}
			return readThree(s)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.load(r)
			if err != nil {
				return err
			}
			s.UserID, s.Theme, s.Flash = valUserID, valTheme, valFlash
			return st.save(w, s)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.load(r)
			if err != nil {
				return err
			}
			if err := readThree(s); err != nil {
				return err
			}
			s.LastSeen = nextLastSeen
			return st.save(w, s)
		},
		decode: func(cookie string) (view, error) {
			s, err := st.load(newRequest(cookie))
			if err != nil {
				return view{}, err
			}
			return view(*s), nil
		},
	}
	w := newRespWriter()
	full := typedSession(viewFull)
	if err := st.save(w, &full); err != nil {
		tb.Fatal(err)
	}
	im.cookie = cookiePair(setCookie(w))
	return im
}
