// Package migrate shows how to move signed-in users from gorilla/sessions or
// scs to sessiongen without signing them out: a middleware, run inside the
// generated Middleware, reads the old cookie once through the old library,
// copies what the new session needs, and expires the old cookie (and, for
// scs, deletes the old server-side data). The generated Middleware then
// commits the new cookie. Once the old cookie is gone, the old library is
// never called again; remove the middleware when the old cookies' lifetime
// has passed.
//
//	h := users.Middleware(migrate.FromGorilla(oldStore, "session")(mux))
//	h := users.Middleware(migrate.FromSCS(sessionManager)(mux))
//
// The new cookie must have another name than the old one (sessiongen's
// default, __session, is not gorilla's or scs's default, "session").
package migrate

import (
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	gsessions "github.com/gorilla/sessions"

	"github.com/sessiongen/sessiongen/examples/migrate/sessions"
)

// FromGorilla returns middleware that moves the user of a gorilla/sessions
// session named name (a CookieStore's, or any Store's) into the request's
// UserSession, and expires the old cookie. A request without the old cookie
// goes straight to next.
func FromGorilla(old gsessions.Store, name string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie(name); err == nil { // only while the old cookie is there
				if err := fromGorilla(w, r, old, name); err != nil {
					http.Error(w, "session migration failed", http.StatusInternalServerError)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func fromGorilla(w http.ResponseWriter, r *http.Request, old gsessions.Store, name string) error {
	s, _ := sessions.UserSessionFrom(r.Context())
	o, err := old.Get(r, name) // an error: the old keys do not verify the cookie; o is then empty
	if id, ok := o.Values["userId"].(string); ok && err == nil && !s.HasUserID() {
		s.SetUserID(id) // the generated Middleware commits the new cookie
	}
	o.Options.MaxAge = -1 // expire the old cookie
	return o.Save(r, w)
}

// FromSCS returns middleware that moves the user of an scs session (from
// old's store) into the request's UserSession, deletes the old data and
// expires the old cookie. A request without the old cookie goes straight to
// next; a store failure is a 500, never a signed-out user.
func FromSCS(old *scs.SessionManager) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, err := r.Cookie(old.Cookie.Name); err == nil { // only while the old cookie is there
				if err := fromSCS(w, r, old, c.Value); err != nil {
					http.Error(w, "session migration failed", http.StatusInternalServerError)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func fromSCS(w http.ResponseWriter, r *http.Request, old *scs.SessionManager, token string) error {
	ctx, err := old.Load(r.Context(), token)
	if err != nil {
		return err
	}
	s, _ := sessions.UserSessionFrom(r.Context())
	if id := old.GetString(ctx, "userID"); id != "" && !s.HasUserID() {
		s.SetUserID(id) // the generated Middleware commits the new cookie
	}
	if err := old.Destroy(ctx); err != nil {
		return err
	}
	old.WriteSessionCookie(ctx, w, "", time.Time{}) // expire the old cookie
	return nil
}
