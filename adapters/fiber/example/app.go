package main

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	sessionfiber "github.com/sessiongen/sessiongen/adapters/fiber"
	"github.com/sessiongen/sessiongen/adapters/fiber/example/sessions"
	"github.com/sessiongen/sessiongen/runtime"
)

// routes returns the app: sessionfiber.Wrap runs the generated net/http
// middleware around fiber's chain and adds its Set-Cookie to fiber's
// response, so the session is committed as under net/http.
func routes(users *sessions.UserStorage) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(sessionfiber.Wrap(users.Middleware))                             // one session per request
	app.Get("/dashboard", sessionfiber.Wrap(users.RequireUserID), dashboard) // 303 to /login?redirectTo=%2Fdashboard
	app.Get("/admin", sessionfiber.Wrap(requireAdmin(users)), admin)         // 403 unless isAdmin
	app.Get("/", home)
	app.Get("/login", loginPage)
	app.Post("/login", login(users))
	app.Post("/logout", logout(users))
	return app
}

// requireAdmin is users.Require in net/http's middleware shape.
func requireAdmin(users *sessions.UserStorage) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return users.Require(isAdmin, next) }
}

func isAdmin(s *sessions.UserSession) bool {
	id, _ := s.UserID()
	return id == "admin"
}

func dashboard(c *fiber.Ctx) error {
	s, _ := sessions.UserSessionFrom(c.UserContext()) // the middleware's session; nil-safe without it
	id, _ := s.UserID()
	msg, _ := s.PopMessage() // consumed: the middleware commits
	return c.SendString("dashboard of " + id + "\nmessage: " + msg + "\n")
}

func home(c *fiber.Ctx) error {
	s, _ := sessions.UserSessionFrom(c.UserContext())
	id, _ := s.UserID()
	msg, _ := s.PopMessage()
	return c.SendString("home\nuser: " + id + "\nmessage: " + msg + "\n")
}

func loginPage(c *fiber.Ctx) error {
	s, _ := sessions.UserSessionFrom(c.UserContext())
	msg, _ := s.PopError()
	return c.SendString("login\nerror: " + msg + "\n")
}

func admin(c *fiber.Ctx) error {
	return c.SendString("admin area\n")
}

func login(users *sessions.UserStorage) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, _ := sessions.UserSessionFrom(c.UserContext())
		user := c.FormValue("user")
		if !checkPassword(user, c.FormValue("password")) {
			s.FlashError("wrong password")
			return c.Redirect("/login", fiber.StatusSeeOther)
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
		line, err := users.CommitSessionHeader(s, opts...) // fasthttp has no http.ResponseWriter
		if err != nil {
			return err
		}
		sessionfiber.SetCookie(c, line)
		return c.Redirect(runtime.SafeRedirect(c.FormValue("redirectTo"), "/"), fiber.StatusSeeOther)
	}
}

func logout(users *sessions.UserStorage) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, _ := sessions.UserSessionFrom(c.UserContext())
		line, err := users.DestroySessionHeader(s)
		if err != nil {
			return err
		}
		sessionfiber.SetCookie(c, line)
		return c.Redirect("/", fiber.StatusSeeOther)
	}
}

// checkPassword stands in for a real user database.
func checkPassword(user, password string) bool {
	want, ok := map[string]string{"demo": "demo-password", "admin": "admin-password"}[user]
	return ok && password == want
}
