package bench

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gorilla/sessions"
)

// gorilla/sessions: CookieStore (signed with HMAC-SHA256, not encrypted, as
// sessiongen's cookie) for the scenarios, FilesystemStore for lost writes.

// newGorillaStore returns the CookieStore of the scenarios.
func newGorillaStore() *sessions.CookieStore {
	store := sessions.NewCookieStore([]byte(secret))
	store.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	store.MaxAge(0) // a browser-session cookie, as sessiongen's and scs's here
	return store
}

func newGorilla(tb testing.TB) *impl {
	store := newGorillaStore()

	readThree := func(s *sessions.Session) error {
		uid, ok1 := s.Values[keyUserID].(string)
		theme, ok2 := s.Values[keyTheme].(string)
		roles, ok3 := s.Values[keyRoles].([]string)
		return checkRead(uid, ok1, theme, ok2, roles, ok3)
	}
	im := &impl{
		name: "gorilla",
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := store.Get(r, cookieName)
			if err != nil {
				return err
			}
			return readThree(s)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := store.Get(r, cookieName)
			if err != nil {
				return err
			}
			s.Values[keyUserID] = valUserID
			s.Values[keyTheme] = valTheme
			s.AddFlash(valFlash, flashKey)
			return s.Save(r, w)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := store.Get(r, cookieName)
			if err != nil {
				return err
			}
			if err := readThree(s); err != nil {
				return err
			}
			s.Values[keyLastSeen] = nextLastSeen
			return s.Save(r, w)
		},
		decode: func(cookie string) (view, error) {
			s, err := store.New(newRequest(cookie), cookieName)
			if err != nil {
				return view{}, err
			}
			if s.IsNew {
				return view{}, errors.New("gorilla: no session in cookie")
			}
			var v view
			v.UserID, _ = s.Values[keyUserID].(string)
			v.Theme, _ = s.Values[keyTheme].(string)
			v.Roles, _ = s.Values[keyRoles].([]string)
			v.LastSeen, _ = s.Values[keyLastSeen].(int64)
			if f, ok := s.Values[flashKey].([]interface{}); ok && len(f) == 1 {
				v.Flash, _ = f[0].(string)
			}
			return v, nil
		},
	}
	r, w := newRequest(""), newRespWriter()
	s, err := store.Get(r, cookieName)
	if err != nil {
		tb.Fatal(err)
	}
	s.Values[keyUserID] = valUserID
	s.Values[keyTheme] = valTheme
	s.Values[keyRoles] = valRoles
	s.Values[keyLastSeen] = valLastSeen
	s.AddFlash(valFlash, flashKey)
	if err := s.Save(r, w); err != nil {
		tb.Fatal(err)
	}
	im.cookie = cookiePair(setCookie(w))
	return im
}

// newGorillaShared is gorilla's FilesystemStore: the cookie carries the id,
// a file the values; Save writes every value.
func newGorillaShared(tb testing.TB) *sharedImpl {
	store := sessions.NewFilesystemStore(tb.TempDir(), []byte(secret))
	return &sharedImpl{
		name: "gorilla",
		create: func() (string, error) {
			r, w := newRequest(""), newRespWriter()
			s, err := store.Get(r, cookieName)
			if err != nil {
				return "", err
			}
			s.Values[keyUserID] = valUserID
			if err := s.Save(r, w); err != nil {
				return "", err
			}
			return cookiePair(setCookie(w)), nil
		},
		update: func(cookie, key string, loaded func()) error {
			r, w := newRequest(cookie), newRespWriter()
			s, err := store.Get(r, cookieName)
			if err != nil {
				return err
			}
			if s.IsNew {
				return errors.New("gorilla: the shared session was not found")
			}
			loaded()
			s.Values[key] = true
			return s.Save(r, w)
		},
		has: func(cookie string, keys []string) (int, error) {
			s, err := store.New(newRequest(cookie), cookieName)
			if err != nil {
				return 0, err
			}
			if s.IsNew {
				return 0, fmt.Errorf("gorilla: the shared session was not found")
			}
			n := 0
			for _, k := range keys {
				if _, ok := s.Values[k]; ok {
					n++
				}
			}
			return n, nil
		},
	}
}
