package main

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sessiongen/sessiongen/examples/echo/sessions"
	"github.com/sessiongen/sessiongen/runtime"
)

// routes returns the app: echo.WrapMiddleware runs the generated net/http
// middleware with echo's handlers writing through its writer, so the
// session is committed before the first byte, as under net/http.
func routes(users *sessions.UserStorage) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.Use(echo.WrapMiddleware(users.Middleware))                             // one session per request
	e.GET("/dashboard", dashboard, echo.WrapMiddleware(users.RequireUserID)) // 303 to /login?redirectTo=%2Fdashboard
	e.GET("/admin", admin, echo.WrapMiddleware(requireAdmin(users)))         // 403 unless isAdmin
	e.GET("/", home)
	e.GET("/login", loginPage)
	e.POST("/login", login(users))
	e.POST("/logout", logout(users))
	return e
}

// requireAdmin is users.Require in net/http's middleware shape.
func requireAdmin(users *sessions.UserStorage) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return users.Require(isAdmin, next) }
}

func isAdmin(s *sessions.UserSession) bool {
	id, _ := s.UserID()
	return id == "admin"
}

func dashboard(c echo.Context) error {
	s, _ := sessions.UserSessionFrom(c.Request().Context()) // the middleware's session; nil-safe without it
	id, _ := s.UserID()
	msg, _ := s.PopMessage() // consumed: the middleware commits
	return c.String(http.StatusOK, "dashboard of "+id+"\nmessage: "+msg+"\n")
}

func home(c echo.Context) error {
	s, _ := sessions.UserSessionFrom(c.Request().Context())
	id, _ := s.UserID()
	msg, _ := s.PopMessage()
	return c.String(http.StatusOK, "home\nuser: "+id+"\nmessage: "+msg+"\n")
}

func loginPage(c echo.Context) error {
	s, _ := sessions.UserSessionFrom(c.Request().Context())
	msg, _ := s.PopError()
	return c.String(http.StatusOK, "login\nerror: "+msg+"\n")
}

func admin(c echo.Context) error {
	return c.String(http.StatusOK, "admin area\n")
}

func login(users *sessions.UserStorage) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := users.GetSession(c.Request()) // under the middleware: the same session as UserSessionFrom
		if err != nil {
			return err
		}
		user := c.FormValue("user")
		if !checkPassword(user, c.FormValue("password")) {
			s.FlashError("wrong password")
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		if err := users.RegenerateID(s); err != nil {
			return err
		}
		s.SetUserID(user)
		s.FlashMessage("welcome " + user)
		var opts []sessions.CommitOption
		if c.FormValue("remember") == "on" {
			opts = append(opts, sessions.WithMaxAge(30*24*time.Hour))
		}
		if err := users.CommitSession(c.Response(), s, opts...); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, runtime.SafeRedirect(c.FormValue("redirectTo"), "/"))
	}
}

func logout(users *sessions.UserStorage) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, _ := sessions.UserSessionFrom(c.Request().Context())
		if err := users.DestroySession(c.Response(), s); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	}
}

// checkPassword stands in for a real user database.
func checkPassword(user, password string) bool {
	want, ok := map[string]string{"demo": "demo-password", "admin": "admin-password"}[user]
	return ok && password == want
}
