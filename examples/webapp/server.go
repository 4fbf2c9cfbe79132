package main

import (
	"crypto/subtle"
	"embed"
	"html/template"
	"log"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// config is what newServer needs; main fills it from flags and environment,
// tests directly.
type config struct {
	// Secrets sign both cookies, newest first.
	Secrets []string
	// DisableSecure drops the Secure cookie attribute, for plain HTTP in
	// development (-dev).
	DisableSecure bool
	// IdleTimeout, when set, replaces the schema's idleTimeout of the user
	// session (30m), so that a test can use a short one.
	IdleTimeout time.Duration
	// RememberFor is how long a "remember me" cookie lasts (default 30 days).
	RememberFor time.Duration
}

// account is a demo user. The credentials are fixed and shown on the sign-in
// page: this is an example, not a user database.
type account struct {
	password string
	admin    bool
}

var accounts = map[string]account{
	"demo":  {password: "demo-password"},
	"admin": {password: "admin-password", admin: true},
}

// checkPassword reports whether name and password match a demo account.
func checkPassword(name, password string) (account, bool) {
	a, ok := accounts[name]
	if !ok {
		return account{}, false
	}
	return a, subtle.ConstantTimeCompare([]byte(a.password), []byte(password)) == 1
}

//go:embed templates/*.html
var templateFS embed.FS

type server struct {
	cfg   config
	users *UserStorage
	admin *AdminStorage
	pages map[string]*template.Template
	// handler serves the app: routes, sessions, CSRF protection, headers.
	handler http.Handler

	mu    sync.Mutex
	items map[string][]string // per user, created at first use
}

var defaultItems = []string{"Apples", "Bread", "Coffee", "Dates", "Eggs"}

// newServer returns the app's handler.
func newServer(cfg config) (http.Handler, error) {
	s, err := newApp(cfg)
	if err != nil {
		return nil, err
	}
	return s.handler, nil
}

// newApp returns the app, whose handler serves it; tests use its storages
// too (sessiontest).
func newApp(cfg config) (*server, error) {
	if cfg.RememberFor == 0 {
		cfg.RememberFor = 30 * 24 * time.Hour
	}
	sc := Config{Secrets: cfg.Secrets, DisableSecure: cfg.DisableSecure}
	users, err := newUserStorage(sc, cfg.IdleTimeout)
	if err != nil {
		return nil, err
	}
	admin, err := NewAdminStorage(sc)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, users: users, admin: admin, pages: map[string]*template.Template{}, items: map[string][]string{}}
	layout := template.Must(template.ParseFS(templateFS, "templates/layout.html"))
	for _, p := range []string{"login", "dashboard", "admin", "admin_login"} {
		s.pages[p] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p+".html"))
	}

	// Signed-in pages: RequireUserID (from `require: {redirect: /login}` in
	// the schema) sends a request without a user to /login?redirectTo=….
	signedIn := users.RequireUserID
	// Administration: a signed-in user who is not an administrator gets 403
	// (Require with a predicate); without an administrator session,
	// RequireAdminID sends the request to /admin/login.
	// notPlainUser allows a request unless a signed-in user who is not an
	// administrator makes it.
	notPlainUser := func(us *UserSession) bool {
		name, ok := us.UserID()
		return !ok || accounts[name].admin
	}
	adminOnly := func(h http.HandlerFunc) http.Handler {
		return users.Require(notPlainUser, admin.Middleware(admin.RequireAdminID(h)))
	}
	adminLogin := func(h http.HandlerFunc) http.Handler {
		return users.Require(notPlainUser, admin.Middleware(h))
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.Handle("GET /{$}", signedIn(http.HandlerFunc(s.dashboard)))
	mux.Handle("POST /items/{id}/delete", signedIn(http.HandlerFunc(s.deleteItem)))
	mux.Handle("GET /admin", adminOnly(s.adminPage))
	mux.Handle("POST /admin/logout", adminOnly(s.adminLogout))
	mux.Handle("GET /admin/login", adminLogin(s.adminLoginPage))
	mux.Handle("POST /admin/login", adminLogin(s.adminLogin))

	// The user session is loaded for every request and committed when it
	// changed (a flash set or consumed, an idle-timeout renewal). Every
	// state change is a POST, refused when it comes from another origin
	// (CSRF), on top of the cookies' SameSite.
	h := users.Middleware(s.timedOutNotice(mux))
	s.handler = securityHeaders(http.NewCrossOriginProtection().Handler(h))
	return s, nil
}

// newUserStorage is NewUserStorage with the idle timeout replaced when idle
// is not zero (the -idle flag; a short one in tests).
func newUserStorage(c Config, idle time.Duration) (*UserStorage, error) {
	c.IdleTimeout = idle
	return NewUserStorage(c)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// user returns the request's user session, which users.Middleware loaded.
func user(r *http.Request) *UserSession {
	us, ok := UserSessionFrom(r.Context())
	if !ok {
		panic("user session middleware missing") // newServer always installs it
	}
	return us
}

// timedOutNotice turns a session that the runtime discarded for its idle (or
// absolute) timeout into a flash for the sign-in page, which RequireUserID
// then redirects to.
func (s *server) timedOutNotice(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if us := user(r); us.TimedOut() {
			us.FlashError("Your session timed out. Please sign in again.")
		}
		next.ServeHTTP(w, r)
	})
}

// render writes a page with status code; the middleware commits the
// sessions before the first byte.
func (s *server) render(w http.ResponseWriter, status int, page string, data map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages[page].ExecuteTemplate(w, "layout", data); err != nil {
		log.Printf("render %s: %v", page, err)
	}
}

func (s *server) fail(w http.ResponseWriter, err error) {
	log.Printf("error: %v", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// flashes moves the user session's flash messages into data (consuming them).
func flashes(us *UserSession, data map[string]any) map[string]any {
	if msg, ok := us.PopMessage(); ok {
		data["Message"] = msg
	}
	if msg, ok := us.PopError(); ok {
		data["Error"] = msg
	}
	return data
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	us := user(r)
	to := runtime.SafeRedirect(r.URL.Query().Get("redirectTo"), "/")
	if us.HasUserID() {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	s.render(w, http.StatusOK, "login", flashes(us, map[string]any{"Title": "Sign in", "RedirectTo": to}))
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	to := runtime.SafeRedirect(r.PostFormValue("redirectTo"), "/")
	if _, ok := checkPassword(name, password); !ok {
		s.render(w, http.StatusUnauthorized, "login", map[string]any{
			"Title": "Sign in", "Error": "Wrong user name or password.", "Username": name, "RedirectTo": to,
		})
		return
	}
	us := user(r)
	if err := s.users.RegenerateID(us); err != nil {
		s.fail(w, err)
		return
	}
	us.SetUserID(name)
	us.FlashMessage("Welcome, " + name + ".")
	if r.PostFormValue("remember") != "" {
		// A persistent cookie. Under the middleware the runtime remembers
		// the Max-Age in the session (runtime.RememberKey), so its later
		// commits (a consumed flash, an idle renewal) keep it.
		if err := s.users.CommitSession(w, us, WithMaxAge(s.cfg.RememberFor)); err != nil {
			s.fail(w, err)
			return
		}
	}
	// Without remember-me, the cookie is a browser-session one: RegenerateID
	// forgot any earlier remembered login.
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.users.DestroySession(w, user(r)); err != nil {
		s.fail(w, err)
		return
	}
	// The administrator session ends with the user's.
	if as, err := s.admin.GetSession(r); err == nil && as.HasAdminID() {
		if err := s.admin.DestroySession(w, as); err != nil {
			s.fail(w, err)
			return
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// userItems returns a copy of the user's items.
func (s *server) userItems(user string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, ok := s.items[user]
	if !ok {
		items = slices.Clone(defaultItems)
		s.items[user] = items
	}
	return slices.Clone(items)
}

// removeItem deletes the user's item named name and reports whether it existed.
func (s *server) removeItem(user, name string) bool {
	s.userItems(user)
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.Index(s.items[user], name)
	if i < 0 {
		return false
	}
	s.items[user] = slices.Delete(s.items[user], i, i+1)
	return true
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	us := user(r)
	name, _ := us.UserID()
	s.render(w, http.StatusOK, "dashboard", flashes(us, map[string]any{
		"Title": "Dashboard", "User": name, "Items": s.userItems(name), "Admin": accounts[name].admin,
	}))
}

func (s *server) deleteItem(w http.ResponseWriter, r *http.Request) {
	us := user(r)
	name, _ := us.UserID()
	if item := r.PathValue("id"); s.removeItem(name, item) {
		us.FlashMessage("Deleted item " + item)
	} else {
		us.FlashError("No item " + item)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *server) adminPage(w http.ResponseWriter, r *http.Request) {
	as, _ := AdminSessionFrom(r.Context())
	name, _ := as.AdminID()
	data := map[string]any{"Title": "Administration", "Admin": name}
	if msg, ok := as.PopNotice(); ok {
		data["Message"] = msg
	}
	s.render(w, http.StatusOK, "admin", data)
}

func (s *server) adminLoginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "admin_login", map[string]any{
		"Title": "Administrator sign-in", "RedirectTo": runtime.SafeRedirect(r.URL.Query().Get("redirectTo"), "/admin"),
	})
}

func (s *server) adminLogin(w http.ResponseWriter, r *http.Request) {
	as, _ := AdminSessionFrom(r.Context())
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	to := runtime.SafeRedirect(r.PostFormValue("redirectTo"), "/admin")
	if a, ok := checkPassword(name, password); !ok || !a.admin {
		s.render(w, http.StatusUnauthorized, "admin_login", map[string]any{
			"Title": "Administrator sign-in", "Error": "Not an administrator, or a wrong password.", "Username": name, "RedirectTo": to,
		})
		return
	}
	// A new id at every sign-in: an id planted or seen before it (session
	// fixation) is worthless after it.
	if err := s.admin.RegenerateID(as); err != nil {
		s.fail(w, err)
		return
	}
	as.SetAdminID(name)
	as.FlashNotice("Signed in as administrator " + name + ".")
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *server) adminLogout(w http.ResponseWriter, r *http.Request) {
	as, _ := AdminSessionFrom(r.Context())
	if err := s.admin.DestroySession(w, as); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
