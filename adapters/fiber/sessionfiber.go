// Package sessionfiber runs sessiongen's generated net/http middleware —
// Middleware, RequireX, Require — in a fiber (v2, fasthttp) handler chain,
// and adds the Set-Cookie lines of the header-level API to a fiber
// response:
//
//	app := fiber.New()
//	app.Use(sessionfiber.Wrap(users.Middleware))
//	app.Get("/dashboard", sessionfiber.Wrap(users.RequireUserID), dashboard)
//
// A fiber handler reads the request's one session from its user context and
// commits or destroys it with the header-level API, since fasthttp has no
// http.ResponseWriter:
//
//	s, _ := sessions.UserSessionFrom(c.UserContext())
//	line, err := users.CommitSessionHeader(s, sessions.WithMaxAge(30*24*time.Hour))
//	sessionfiber.SetCookie(c, line)
//
// Without the middleware, users.GetSessionHeader(c.UserContext(),
// c.Get(fiber.HeaderCookie)) reads a session, and every change must then be
// committed with CommitSessionHeader.
//
// fiber's own adaptor (middleware/adaptor.HTTPMiddleware) is not used: it
// runs the rest of fiber's chain only after the net/http middleware has
// returned, so the session would be committed before the handlers changed
// it. Wrap runs the chain inside the middleware instead; fasthttp sends the
// response only after the chain returns, so the middleware's commit, made
// when the chain returns, always reaches the response.
package sessionfiber

import (
	"context"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// Wrap returns a fiber handler that runs mw around the rest of fiber's
// chain. The request mw sees is fiber's request converted by fasthttpadaptor
// (all headers, the path and query as sent), with fiber's user context; the
// handlers after Wrap get the context mw passes on as their user context
// (c.UserContext(), with the session in it). The headers mw adds (the
// session's Set-Cookie, Vary: Cookie) are added to fiber's response, a
// Set-Cookie replacing one of the same cookie name. When mw answers the
// request itself — RequireX's 303, Require's 403, the 500 of a store
// failure or of a failed commit — its answer replaces fiber's response.
func Wrap(mw func(http.Handler) http.Handler) fiber.Handler {
	h := mw(http.HandlerFunc(next))
	return func(c *fiber.Ctx) error {
		var r http.Request
		if err := fasthttpadaptor.ConvertRequest(c.Context(), &r, true); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		st := &state{c: c}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r.WithContext(context.WithValue(c.UserContext(), stateKey{}, st)))
		if rec.code != 0 {
			replace(c, rec)
			return nil
		}
		merge(c, rec.header)
		return st.err
	}
}

// stateKey is the context key of the state of one Wrap call.
type stateKey struct{}

// state carries the fiber context through mw to next, and the chain's
// error back.
type state struct {
	c   *fiber.Ctx
	err error
}

// next is the handler mw wraps: it runs the rest of fiber's chain with mw's
// context as the user context.
func next(_ http.ResponseWriter, r *http.Request) {
	st := r.Context().Value(stateKey{}).(*state)
	st.c.SetUserContext(r.Context())
	st.err = st.c.Next()
}

// A recorder is the http.ResponseWriter mw writes to: it keeps the headers
// and, when mw answers the request itself, its status and body. (net/http's
// httptest.ResponseRecorder does not say whether a status was written.)
type recorder struct {
	header http.Header
	code   int
	body   []byte
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.code == 0 && code >= 200 {
		w.code = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, b...)
	return len(b), nil
}

// replace makes rec fiber's whole response.
func replace(c *fiber.Ctx, rec *recorder) {
	c.Response().Reset()
	merge(c, rec.header)
	c.Status(rec.code)
	c.Response().SetBodyRaw(rec.body)
}

// merge adds h's headers to fiber's response.
func merge(c *fiber.Ctx, h http.Header) {
	for k, vs := range h {
		for _, v := range vs {
			if k == fiber.HeaderSetCookie {
				SetCookie(c, v)
			} else {
				c.Response().Header.Add(k, v)
			}
		}
	}
}

// SetCookie adds a Set-Cookie line (from CommitSessionHeader or
// DestroySessionHeader) to c's response, replacing a line of the same
// cookie name. Use it rather than c.Append, which joins Set-Cookie lines
// into one with commas, or c.Cookie, which would write the attributes
// again in its own form.
func SetCookie(c *fiber.Ctx, line string) {
	name, _, _ := strings.Cut(line, "=")
	c.Response().Header.DelCookie(name)
	c.Response().Header.Add(fiber.HeaderSetCookie, line)
}
