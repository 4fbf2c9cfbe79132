package bench

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
)

// scs: a SessionManager with its default memory store, used the way its
// users run it, through the LoadAndSave middleware. The cookie carries a
// token; the values are gob-encoded in the store.

// flashKeySCS is where the flash message lives: scs has no flash values, an
// app Puts a key and PopStrings it.
const flashKeySCS = "flash." + flashKey

// scsManager is an scs.SessionManager whose ErrorFunc keeps the error it is
// given (a store or codec failure), for scsHandler to report.
type scsManager struct {
	*scs.SessionManager
	failed atomic.Pointer[error]
}

// newSCSManager returns a manager over a memory store of its own, without
// a cleanup goroutine (nothing expires during a benchmark): once the
// benchmark ends, the store and the sessions Write created in it are garbage
// and do not weigh on later benchmarks' garbage collections. (Stopping the
// cleanup of scs.New's store instead races with its start.)
func newSCSManager() *scsManager {
	sm := &scsManager{SessionManager: scs.New()}
	sm.Store = memstore.NewWithCleanupInterval(0)
	sm.Cookie.Name = cookieName
	sm.Cookie.Secure = true
	sm.Cookie.Persist = false // a browser-session cookie, as sessiongen's and gorilla's here
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		sm.failed.Store(&err)
		http.Error(w, "session error", http.StatusInternalServerError)
	}
	return sm
}

// scsHandler wraps fn in LoadAndSave and reports fn's error, or the error
// scs passed to its ErrorFunc. Each request needs its own handler when they
// run concurrently.
func scsHandler(sm *scsManager, fn func(ctx context.Context) error) handler {
	var err error
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = fn(r.Context())
	}))
	return func(w http.ResponseWriter, r *http.Request) error {
		err = nil
		h.ServeHTTP(w, r)
		if p := sm.failed.Load(); p != nil {
			return *p
		}
		return err
	}
}

func newSCS(tb testing.TB) *impl {
	return newSCSWith(tb, "scs", scsHandler)
}

// newSCSLoadCommit is impl=scs-loadcommit: scs's cheapest path, as its
// users call it without the middleware: Load with the cookie's token, the
// handler's Gets and Puts, Commit, WriteSessionCookie (no buffering of the
// response, no request copy).
func newSCSLoadCommit(tb testing.TB) *impl {
	return newSCSWith(tb, "scs-loadcommit", scsLoadCommit)
}

// scsLoadCommit is scsHandler without LoadAndSave: the calls its
// middleware makes, made by the handler.
func scsLoadCommit(sm *scsManager, fn func(ctx context.Context) error) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var token string
		if c, err := r.Cookie(sm.Cookie.Name); err == nil {
			token = c.Value
		}
		ctx, err := sm.Load(r.Context(), token)
		if err != nil {
			return err
		}
		if err := fn(ctx); err != nil {
			return err
		}
		if sm.Status(ctx) != scs.Modified {
			return nil
		}
		token, expiry, err := sm.Commit(ctx)
		if err != nil {
			return err
		}
		sm.WriteSessionCookie(ctx, w, token, expiry)
		return nil
	}
}

func newSCSWith(tb testing.TB, name string, wrap func(*scsManager, func(context.Context) error) handler) *impl {
	sm := newSCSManager()
	readThree := func(ctx context.Context) error {
		uid, ok1 := sm.Get(ctx, keyUserID).(string)
		theme, ok2 := sm.Get(ctx, keyTheme).(string)
		roles, ok3 := sm.Get(ctx, keyRoles).([]string)
		return checkRead(uid, ok1, theme, ok2, roles, ok3)
	}
	im := &impl{
		name: name,
		read: wrap(sm, readThree),
		write: wrap(sm, func(ctx context.Context) error {
			sm.Put(ctx, keyUserID, valUserID)
			sm.Put(ctx, keyTheme, valTheme)
			sm.Put(ctx, flashKeySCS, valFlash)
			return nil
		}),
		roundTrip: wrap(sm, func(ctx context.Context) error {
			if err := readThree(ctx); err != nil {
				return err
			}
			sm.Put(ctx, keyLastSeen, nextLastSeen)
			return nil
		}),
	}
	im.decode = func(cookie string) (v view, err error) {
		h := scsHandler(sm, func(ctx context.Context) error {
			if sm.Token(ctx) == "" {
				return errors.New("scs: no session for the cookie's token")
			}
			v.UserID = sm.GetString(ctx, keyUserID)
			v.Theme = sm.GetString(ctx, keyTheme)
			v.Roles, _ = sm.Get(ctx, keyRoles).([]string)
			v.LastSeen = sm.GetInt64(ctx, keyLastSeen)
			v.Flash = sm.GetString(ctx, flashKeySCS)
			return nil
		})
		err = h(newRespWriter(), newRequest(cookie))
		return v, err
	}
	im.cookie = seedSCS(tb, sm)
	return im
}

// seedSCS stores the full session in sm's store and returns its cookie.
func seedSCS(tb testing.TB, sm *scsManager) string {
	seed := scsHandler(sm, func(ctx context.Context) error {
		sm.Put(ctx, keyUserID, valUserID)
		sm.Put(ctx, keyTheme, valTheme)
		sm.Put(ctx, keyRoles, valRoles)
		sm.Put(ctx, keyLastSeen, valLastSeen)
		sm.Put(ctx, flashKeySCS, valFlash)
		return nil
	})
	w := newRespWriter()
	if err := seed(w, newRequest("")); err != nil {
		tb.Fatal(err)
	}
	return cookiePair(setCookie(w))
}

// newSCSShared is scs's memory store for lost writes: a commit writes every
// value of the request's copy of the session.
func newSCSShared(tb testing.TB) *sharedImpl {
	sm := newSCSManager()
	return &sharedImpl{
		name: "scs",
		create: func() (string, error) {
			w := newRespWriter()
			err := scsHandler(sm, func(ctx context.Context) error {
				sm.Put(ctx, keyUserID, valUserID)
				return nil
			})(w, newRequest(""))
			return cookiePair(setCookie(w)), err
		},
		update: func(cookie, key string, loaded func()) error {
			return scsHandler(sm, func(ctx context.Context) error {
				if sm.Token(ctx) == "" {
					return errors.New("scs: the shared session was not found")
				}
				loaded()
				sm.Put(ctx, key, true)
				return nil
			})(newRespWriter(), newRequest(cookie))
		},
		has: func(cookie string, keys []string) (n int, err error) {
			err = scsHandler(sm, func(ctx context.Context) error {
				if sm.Token(ctx) == "" {
					return errors.New("scs: the shared session was not found")
				}
				for _, k := range keys {
					if sm.Exists(ctx, k) {
						n++
					}
				}
				return nil
			})(newRespWriter(), newRequest(cookie))
			return n, err
		},
	}
}
