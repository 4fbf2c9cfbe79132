package sessionfiber_test

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	sessionfiber "github.com/sessiongen/sessiongen/adapters/fiber"
	"github.com/sessiongen/sessiongen/adapters/fiber/example/sessions"
)

// The cost of reading a session through Wrap (the request converted for
// net/http, the generated Middleware) next to the header-level API alone,
// in one process: go test -run '^$' -bench . -benchmem ./adapters/fiber
// (from this module). Each request carries a signed session and reads one
// key; nothing is committed.

func benchApp(b *testing.B, wrap bool) (fasthttp.RequestHandler, string) {
	users, err := sessions.NewUserStorage(sessions.Config{Secrets: []string{testSecret}})
	if err != nil {
		b.Fatal(err)
	}
	s, _ := users.GetSessionHeader(b.Context(), "")
	s.SetUserID("u-42")
	line, err := users.CommitSessionHeader(s)
	if err != nil {
		b.Fatal(err)
	}
	cookie, _, _ := strings.Cut(line, ";")
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if wrap {
		app.Use(sessionfiber.Wrap(users.Middleware))
		app.Get("/", func(c *fiber.Ctx) error {
			s, _ := sessions.UserSessionFrom(c.UserContext())
			id, _ := s.UserID()
			return c.SendString(id)
		})
	} else {
		app.Get("/", func(c *fiber.Ctx) error {
			s, err := users.GetSessionHeader(c.UserContext(), c.Get(fiber.HeaderCookie))
			if err != nil {
				return err
			}
			id, _ := s.UserID()
			return c.SendString(id)
		})
	}
	return app.Handler(), cookie
}

func benchRequest(b *testing.B, wrap bool) {
	h, cookie := benchApp(b, wrap)
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI("/")
		ctx.Request.Header.Set("Cookie", cookie)
		h(&ctx)
		if string(ctx.Response.Body()) != "u-42" {
			b.Fatalf("body %q", ctx.Response.Body())
		}
	}
}

func BenchmarkWrap(b *testing.B) { benchRequest(b, true) }

func BenchmarkHeaderLevel(b *testing.B) { benchRequest(b, false) }
