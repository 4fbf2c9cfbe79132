package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sessiongen/sessiongen/examples/chi/sessions"
	"github.com/sessiongen/sessiongen/runtime"
)

// routes returns the app's router: chi runs net/http middleware as it is,
// so the generated Middleware, RequireUserID and Require need no adapter.
func routes(users *sessions.UserStorage) http.Handler {
	r := chi.NewRouter()
	r.Use(users.Middleware)                                  // one session per request
	r.With(users.RequireUserID).Get("/dashboard", dashboard) // 303 to /login?redirectTo=%2Fdashboard
	r.With(requireAdmin(users)).Get("/admin", admin)         // 403 unless isAdmin
	r.Get("/", home)
	r.Get("/login", loginPage)
	r.Post("/login", login(users))
	r.Post("/logout", logout(users))
	return r
}

// requireAdmin is users.Require in chi's middleware shape.
func requireAdmin(users *sessions.UserStorage) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return users.Require(isAdmin, next) }
}

func isAdmin(s *sessions.UserSession) bool {
	id, _ := s.UserID()
	return id == "admin"
}

func dashboard(w http.ResponseWriter, r *http.Request) {
	s, _ := sessions.UserSessionFrom(r.Context()) // the middleware's session; nil-safe without it
	id, _ := s.UserID()
	msg, _ := s.PopMessage() // consumed: the middleware commits
	fmt.Fprintf(w, "dashboard of %s\nmessage: %s\n", id, msg)
}

func home(w http.ResponseWriter, r *http.Request) {
	s, _ := sessions.UserSessionFrom(r.Context())
	id, _ := s.UserID()
	msg, _ := s.PopMessage()
	fmt.Fprintf(w, "home\nuser: %s\nmessage: %s\n", id, msg)
}

func loginPage(w http.ResponseWriter, r *http.Request) {
	s, _ := sessions.UserSessionFrom(r.Context())
	msg, _ := s.PopError()
	fmt.Fprintf(w, "login\nerror: %s\n", msg)
}

func admin(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "admin area")
}

func login(users *sessions.UserStorage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := users.GetSession(r) // under the middleware: the same session as UserSessionFrom
		if err != nil {
			http.Error(w, "session store unavailable", http.StatusInternalServerError)
			return
		}
		user := r.FormValue("user")
		if !checkPassword(user, r.FormValue("password")) {
			s.FlashError("wrong password")
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if err := users.RegenerateID(s); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.SetUserID(user)
		s.FlashMessage("welcome " + user)
		var opts []sessions.CommitOption
		if r.FormValue("remember") == "on" {
			opts = append(opts, sessions.WithMaxAge(30*24*time.Hour))
		}
		if err := users.CommitSession(w, s, opts...); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, runtime.SafeRedirect(r.FormValue("redirectTo"), "/"), http.StatusSeeOther)
	}
}

func logout(users *sessions.UserStorage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, _ := sessions.UserSessionFrom(r.Context())
		if err := users.DestroySession(w, s); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

// checkPassword stands in for a real user database.
func checkPassword(user, password string) bool {
	want, ok := map[string]string{"demo": "demo-password", "admin": "admin-password"}[user]
	return ok && password == want
}
