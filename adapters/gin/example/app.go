package main

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	sessiongin "github.com/sessiongen/sessiongen/adapters/gin"
	"github.com/sessiongen/sessiongen/adapters/gin/example/sessions"
	"github.com/sessiongen/sessiongen/runtime"
)

// routes returns the app: sessiongin.Wrap runs the generated net/http
// middleware with gin's handlers writing through its writer, so the session
// is committed before the first byte, as under net/http.
func routes(users *sessions.UserStorage) *gin.Engine {
	r := gin.New()
	r.Use(sessiongin.Wrap(users.Middleware))                             // one session per request
	r.GET("/dashboard", sessiongin.Wrap(users.RequireUserID), dashboard) // 303 to /login?redirectTo=%2Fdashboard
	r.GET("/admin", sessiongin.Wrap(requireAdmin(users)), admin)         // 403 unless isAdmin
	r.GET("/", home)
	r.GET("/login", loginPage)
	r.POST("/login", login(users))
	r.POST("/logout", logout(users))
	return r
}

// requireAdmin is users.Require in net/http's middleware shape.
func requireAdmin(users *sessions.UserStorage) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return users.Require(isAdmin, next) }
}

func isAdmin(s *sessions.UserSession) bool {
	id, _ := s.UserID()
	return id == "admin"
}

func dashboard(c *gin.Context) {
	s, _ := sessions.UserSessionFrom(c.Request.Context()) // the middleware's session; nil-safe without it
	id, _ := s.UserID()
	msg, _ := s.PopMessage() // consumed: the middleware commits
	c.String(http.StatusOK, "dashboard of %s\nmessage: %s\n", id, msg)
}

func home(c *gin.Context) {
	s, _ := sessions.UserSessionFrom(c.Request.Context())
	id, _ := s.UserID()
	msg, _ := s.PopMessage()
	c.String(http.StatusOK, "home\nuser: %s\nmessage: %s\n", id, msg)
}

func loginPage(c *gin.Context) {
	s, _ := sessions.UserSessionFrom(c.Request.Context())
	msg, _ := s.PopError()
	c.String(http.StatusOK, "login\nerror: %s\n", msg)
}

func admin(c *gin.Context) {
	c.String(http.StatusOK, "admin area\n")
}

func login(users *sessions.UserStorage) gin.HandlerFunc {
	return func(c *gin.Context) {
		s, err := users.GetSession(c.Request) // under the middleware: the same session as UserSessionFrom
		if err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		user := c.PostForm("user")
		if !checkPassword(user, c.PostForm("password")) {
			s.FlashError("wrong password")
			c.Redirect(http.StatusSeeOther, "/login")
			return
		}
		if err := users.RegenerateID(s); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		s.SetUserID(user)
		s.FlashMessage("welcome " + user)
		var opts []sessions.CommitOption
		if c.PostForm("remember") == "on" {
			opts = append(opts, sessions.WithMaxAge(30*24*time.Hour))
		}
		if err := users.CommitSession(c.Writer, s, opts...); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.Redirect(http.StatusSeeOther, runtime.SafeRedirect(c.PostForm("redirectTo"), "/"))
	}
}

func logout(users *sessions.UserStorage) gin.HandlerFunc {
	return func(c *gin.Context) {
		s, _ := sessions.UserSessionFrom(c.Request.Context())
		if err := users.DestroySession(c.Writer, s); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/")
	}
}

// checkPassword stands in for a real user database.
func checkPassword(user, password string) bool {
	want, ok := map[string]string{"demo": "demo-password", "admin": "admin-password"}[user]
	return ok && password == want
}
