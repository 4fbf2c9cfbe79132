package main

import (
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// config is what newServer needs; main fills it from flags and environment,
// tests directly.
type config struct {
	// Secrets sign both cookies, newest first.
	Secrets []string
	// DisableSecure drops the Secure cookie attribute, for plain HTTP in
	// development (-dev).
	DisableSecure bool
	// IdleTimeout signs a user out after this long without a request.
	IdleTimeout time.Duration
	// RememberFor is how long a "remember me" cookie lasts (default 30 days).
	RememberFor time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
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

	mu    sync.Mutex
	items map[string][]string // per user, created at first use
}

var defaultItems = []string{"Apples", "Bread", "Coffee", "Dates", "Eggs"}

// newServer returns the app's handler.
func newServer(cfg config) (http.Handler, error) {
	if cfg.RememberFor == 0 {
		cfg.RememberFor = 30 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	sc := Config{Secrets: cfg.Secrets, DisableSecure: cfg.DisableSecure, Now: cfg.Now}
	users, err := NewUserStorage(sc)
	if err != nil {
		return nil, err
	}
	admin, err := NewAdminStorage(sc)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, users: users, admin: admin, pages: map[string]*template.Template{}, items: map[string][]string{}}
	layout := template.Must(template.ParseFS(templateFS, "templates/layout.html"))
	for _, p := range []string{"login", "dashboard", "admin", "admin_login", "error"} {
		s.pages[p] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p+".html"))
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /{$}", s.dashboard)
	mux.HandleFunc("POST /items/{id}/delete", s.deleteItem)
	mux.HandleFunc("GET /admin", s.adminPage)
	mux.HandleFunc("GET /admin/login", s.adminLoginPage)
	mux.HandleFunc("POST /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/logout", s.adminLogout)
	return securityHeaders(mux), nil
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

// render writes a page with status code. Session commits (Set-Cookie) must be
// done before.
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

// errTimedOut is why currentUser found no user: the session was idle too long.
var errTimedOut = errors.New("session timed out")

// commitUser commits the user session, keeping a remember-me cookie
// persistent across later commits (a flash, an idle-timestamp renewal).
func (s *server) commitUser(w http.ResponseWriter, us *UserSession) error {
	if us.Remember() {
		return s.users.CommitSession(w, us, WithMaxAge(s.cfg.RememberFor))
	}
	return s.users.CommitSession(w, us)
}

// currentUser reads the user session and applies the idle timeout: a session
// idle for longer than cfg.IdleTimeout loses its user, and currentUser
// reports errTimedOut. The idle timestamp is renewed at most once per tenth
// of the timeout, so that most requests do not rewrite the cookie.
func (s *server) currentUser(r *http.Request) (*UserSession, string, error) {
	us, err := s.users.GetSession(r)
	if err != nil {
		return nil, "", err
	}
	name, ok := us.UserID()
	if !ok {
		return us, "", nil
	}
	if s.cfg.IdleTimeout > 0 {
		now := s.cfg.Now()
		seen, _ := us.SeenAt()
		if idle := now.Sub(seen); idle > s.cfg.IdleTimeout {
			us.UnsetUserID()
			us.UnsetSeenAt()
			us.UnsetRemember()
			return us, "", errTimedOut
		} else if idle > s.cfg.IdleTimeout/10 {
			us.SetSeenAt(now)
		}
	}
	return us, name, nil
}

// requireUser returns the signed-in user, or redirects to the sign-in page
// (with a "timed out" flash when that is why) and returns "".
func (s *server) requireUser(w http.ResponseWriter, r *http.Request) (*UserSession, string) {
	us, name, err := s.currentUser(r)
	if err != nil && !errors.Is(err, errTimedOut) {
		s.fail(w, err)
		return nil, ""
	}
	if name != "" {
		return us, name
	}
	if errors.Is(err, errTimedOut) {
		us.FlashError("Your session timed out. Please sign in again.")
		if err := s.users.CommitSession(w, us); err != nil {
			s.fail(w, err)
			return nil, ""
		}
	}
	http.Redirect(w, r, "/login?redirectTo="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return nil, ""
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	us, name, err := s.currentUser(r)
	if err != nil && !errors.Is(err, errTimedOut) {
		s.fail(w, err)
		return
	}
	if name != "" {
		http.Redirect(w, r, safeRedirect(r.URL.Query().Get("redirectTo")), http.StatusSeeOther)
		return
	}
	data := map[string]any{"Title": "Sign in", "RedirectTo": safeRedirect(r.URL.Query().Get("redirectTo"))}
	if errors.Is(err, errTimedOut) {
		data["Error"] = "Your session timed out. Please sign in again."
	}
	if msg, ok := us.PopError(); ok {
		data["Error"] = msg
	}
	if msg, ok := us.PopMessage(); ok {
		data["Message"] = msg
	}
	if us.Runtime().Modified() {
		if err := s.commitUser(w, us); err != nil {
			s.fail(w, err)
			return
		}
	}
	s.render(w, http.StatusOK, "login", data)
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	remember := r.PostFormValue("remember") != ""
	redirectTo := safeRedirect(r.PostFormValue("redirectTo"))
	if _, ok := checkPassword(name, password); !ok {
		s.render(w, http.StatusUnauthorized, "login", map[string]any{
			"Title": "Sign in", "Error": "Wrong user name or password.", "Username": name, "RedirectTo": redirectTo,
		})
		return
	}
	us, err := s.users.GetSession(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	us.SetUserID(name)
	us.SetSeenAt(s.cfg.Now())
	if remember {
		us.SetRemember(true)
	} else {
		us.UnsetRemember()
	}
	us.FlashMessage("Welcome, " + name + ".")
	if err := s.commitUser(w, us); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, redirectTo, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	us, err := s.users.GetSession(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	if err := s.users.DestroySession(w, us); err != nil {
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
	us, name := s.requireUser(w, r)
	if us == nil {
		return
	}
	data := map[string]any{"Title": "Dashboard", "User": name, "Items": s.userItems(name), "Admin": accounts[name].admin}
	if msg, ok := us.PopMessage(); ok {
		data["Message"] = msg
	}
	if msg, ok := us.PopError(); ok {
		data["Error"] = msg
	}
	if us.Runtime().Modified() {
		if err := s.commitUser(w, us); err != nil {
			s.fail(w, err)
			return
		}
	}
	s.render(w, http.StatusOK, "dashboard", data)
}

func (s *server) deleteItem(w http.ResponseWriter, r *http.Request) {
	us, name := s.requireUser(w, r)
	if us == nil {
		return
	}
	item := r.PathValue("id")
	if s.removeItem(name, item) {
		us.FlashMessage("Deleted item " + item)
	} else {
		us.FlashError("No item " + item)
	}
	if err := s.commitUser(w, us); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// adminSession reads the administrator session and its administrator's name
// ("" when none). A signed-in user who is not an administrator gets a 403
// page instead, and ok is false.
func (s *server) adminSession(w http.ResponseWriter, r *http.Request) (*AdminSession, string, bool) {
	// A signed-in user who is not an administrator is refused outright.
	if _, name, err := s.currentUser(r); err == nil && name != "" && !accounts[name].admin {
		s.render(w, http.StatusForbidden, "error", map[string]any{
			"Title": "Forbidden", "Status": http.StatusForbidden,
			"Error": fmt.Sprintf("%s is not an administrator.", name),
		})
		return nil, "", false
	}
	as, err := s.admin.GetSession(r)
	if err != nil {
		s.fail(w, err)
		return nil, "", false
	}
	name, _ := as.AdminID()
	return as, name, true
}

func (s *server) adminPage(w http.ResponseWriter, r *http.Request) {
	as, name, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	if name == "" {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return
	}
	data := map[string]any{"Title": "Administration", "Admin": name, "SessionID": as.ID()[:8]}
	if msg, ok := as.PopNotice(); ok {
		data["Message"] = msg
		if err := s.admin.CommitSession(w, as); err != nil {
			s.fail(w, err)
			return
		}
	}
	s.render(w, http.StatusOK, "admin", data)
}

func (s *server) adminLoginPage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.adminSession(w, r); !ok {
		return
	}
	s.render(w, http.StatusOK, "admin_login", map[string]any{"Title": "Administrator sign-in"})
}

func (s *server) adminLogin(w http.ResponseWriter, r *http.Request) {
	as, _, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	if a, ok := checkPassword(name, password); !ok || !a.admin {
		s.render(w, http.StatusUnauthorized, "admin_login", map[string]any{
			"Title": "Administrator sign-in", "Error": "Not an administrator, or a wrong password.", "Username": name,
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
	if err := s.admin.CommitSession(w, as); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

func (s *server) adminLogout(w http.ResponseWriter, r *http.Request) {
	as, err := s.admin.GetSession(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	if err := s.admin.DestroySession(w, as); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// safeRedirect returns target when it is a path on this site, else "/". It
// refuses absolute and scheme-relative URLs ("//evil", "/\evil") and anything
// with a scheme, so that ?redirectTo= cannot send a user elsewhere.
func safeRedirect(target string) string {
	if target == "" || target[0] != '/' || strings.HasPrefix(target, "//") || strings.ContainsAny(target, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return target
}
