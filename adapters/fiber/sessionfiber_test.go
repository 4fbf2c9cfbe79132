package sessionfiber_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	sessionfiber "github.com/sessiongen/sessiongen/adapters/fiber"
	"github.com/sessiongen/sessiongen/adapters/fiber/example/sessions"
)

func serve(t *testing.T, h fiber.Handler) (status int, setCookie []string, body string) {
	t.Helper()
	users, err := sessions.NewUserStorage(sessions.Config{Secrets: []string{testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(sessionfiber.Wrap(users.Middleware))
	app.Get("/", h)
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Values("Set-Cookie"), string(b)
}

// TestCommitFailure: a session too large for a cookie replaces the
// handler's response with the 500 of Config.ErrorHandler, as under net/http.
func TestCommitFailure(t *testing.T) {
	status, lines, body := serve(t, func(c *fiber.Ctx) error {
		s, _ := sessions.UserSessionFrom(c.UserContext())
		s.SetUserID(strings.Repeat("x", 5000))
		return c.SendString("saved")
	})
	if status != fiber.StatusInternalServerError || strings.Contains(body, "saved") || len(lines) != 0 {
		t.Fatalf("status %d, body %q, Set-Cookie %q", status, body, lines)
	}
}

// TestSetCookieReplaces: the middleware's commit replaces the handler's own
// line for the same cookie, keeps other cookies, and carries a change made
// after the body was set (fasthttp sends the response when the chain
// returns).
func TestSetCookieReplaces(t *testing.T) {
	status, lines, _ := serve(t, func(c *fiber.Ctx) error {
		sessionfiber.SetCookie(c, "other=1; Path=/")
		sessionfiber.SetCookie(c, "__session=stale; Path=/")
		if err := c.SendString("ok"); err != nil {
			return err
		}
		s, _ := sessions.UserSessionFrom(c.UserContext())
		s.SetUserID("u-1")
		return nil
	})
	if status != fiber.StatusOK || len(lines) != 2 || lines[0] != "other=1; Path=/" || !strings.HasPrefix(lines[1], "__session=") || strings.Contains(lines[1], "stale") {
		t.Fatalf("status %d, Set-Cookie %q", status, lines)
	}
}

// testSecret signs the tests' cookies.
const testSecret = "tB0k9fQ2xV7mLr4sWz8pYc1nHa6dJe3u"
