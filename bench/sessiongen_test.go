package bench

// sessiongen's side of the comparison, in this one file so that a generated
// package can replace the runtime calls without touching the harness.

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

func sessiongenSpec(server bool) runtime.Spec {
	return runtime.Spec{
		Name:   "User",
		Server: server,
		Cookie: runtime.CookieOptions{
			Name:     cookieName,
			Path:     "/",
			HTTPOnly: true,
			Secure:   true,
			SameSite: runtime.SameSiteLax,
		},
	}
}

func newSessiongenStorage(tb testing.TB, server bool) *runtime.Storage {
	st, err := runtime.NewStorage(sessiongenSpec(server), runtime.Config{Secrets: []string{secret}})
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func newSessiongen(tb testing.TB) *impl {
	st := newSessiongenStorage(tb, false)
	im := &impl{
		name: "sessiongen",
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := runtime.Get[string](s, keyUserID)
			theme, ok2 := runtime.Get[string](s, keyTheme)
			return checkRead(uid, ok1, theme, ok2)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			runtime.Set(s, keyUserID, valUserID)
			runtime.Set(s, keyTheme, valTheme)
			runtime.Flash(s, flashKey, valFlash)
			return st.CommitSession(w, s)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := runtime.Get[string](s, keyUserID)
			theme, ok2 := runtime.Get[string](s, keyTheme)
			if err := checkRead(uid, ok1, theme, ok2); err != nil {
				return err
			}
			runtime.Set(s, keyLastSeen, nextLastSeen)
			return st.CommitSession(w, s)
		},
		decode: func(cookie string) (view, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return view{}, err
			}
			if err := s.ReadError(); err != nil {
				return view{}, err
			}
			var v view
			v.UserID, _ = runtime.Get[string](s, keyUserID)
			v.Theme, _ = runtime.Get[string](s, keyTheme)
			v.Roles, _ = runtime.Get[[]string](s, keyRoles)
			v.LastSeen, _ = runtime.Get[int64](s, keyLastSeen)
			v.Flash, _ = runtime.Get[string](s, runtime.FlashKey(flashKey))
			return v, nil
		},
	}
	// The incoming cookie: the full session, committed by sessiongen.
	s := runtime.NewSession()
	runtime.Set(s, keyUserID, valUserID)
	runtime.Set(s, keyTheme, valTheme)
	runtime.Set(s, keyRoles, valRoles)
	runtime.Set(s, keyLastSeen, valLastSeen)
	runtime.Flash(s, flashKey, valFlash)
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		tb.Fatal(err)
	}
	im.cookie = cookiePair(line)
	return im
}

// newSessiongenShared is sessiongen with server storage (the default
// in-memory store) for the lost-writes comparison: a commit sends the store
// only the keys that request changed.
func newSessiongenShared(tb testing.TB) *sharedImpl {
	st := newSessiongenStorage(tb, true)
	return &sharedImpl{
		name: "sessiongen",
		create: func() (string, error) {
			s := runtime.NewSession()
			runtime.Set(s, keyUserID, valUserID)
			line, err := st.CommitSessionHeader(s)
			return cookiePair(line), err
		},
		update: func(cookie, key string, loaded func()) error {
			r, w := newRequest(cookie), newRespWriter()
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			if s.ID() == "" {
				return errors.New("sessiongen: the shared session was not found")
			}
			loaded()
			runtime.Set(s, key, true)
			return st.CommitSession(w, s)
		},
		has: func(cookie string, keys []string) (int, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return 0, err
			}
			n := 0
			for _, k := range keys {
				if s.Has(k) {
					n++
				}
			}
			return n, nil
		},
	}
}
