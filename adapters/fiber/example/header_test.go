package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/sessiongen/sessiongen/adapters/fiber/example/sessions"
	"github.com/sessiongen/sessiongen/internal/flowtest"
)

// headerOnly is a fiber app without the middleware: each handler reads
// and commits its session with the header-level API.
func headerOnly(users *sessions.UserStorage) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/theme", func(c *fiber.Ctx) error {
		s, err := users.GetSessionHeader(c.UserContext(), c.Get(fiber.HeaderCookie))
		if err != nil {
			return err
		}
		s.SetUserID(c.FormValue("user"))
		line, err := users.CommitSessionHeader(s)
		if err != nil {
			return err
		}
		c.Response().Header.Add(fiber.HeaderSetCookie, line)
		return c.SendStatus(fiber.StatusNoContent)
	})
	app.Get("/whoami", func(c *fiber.Ctx) error {
		s, err := users.GetSessionHeader(c.UserContext(), c.Get(fiber.HeaderCookie))
		if err != nil {
			return err
		}
		id, _ := s.UserID()
		return c.SendString("user: " + id)
	})
	return app
}

// TestHeaderLevel: without the middleware, GetSessionHeader and
// CommitSessionHeader carry a session from one request to the next.
func TestHeaderLevel(t *testing.T) {
	users, err := newUsers("")
	if err != nil {
		t.Fatal(err)
	}
	app := headerOnly(users)
	req := httptest.NewRequest("POST", "/theme", strings.NewReader("user=demo"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != flowtest.Cookie {
		t.Fatalf("POST /theme: cookies %v", cookies)
	}
	req = httptest.NewRequest("GET", "/whoami", nil)
	req.AddCookie(cookies[0])
	resp, err = app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 64)
	n, _ := resp.Body.Read(body)
	if got := string(body[:n]); got != "user: demo" {
		t.Fatalf("GET /whoami: %q", got)
	}
}
