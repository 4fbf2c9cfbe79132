// Package sessiongin runs sessiongen's generated net/http middleware —
// Middleware, RequireX, Require — in a gin handler chain:
//
//	r := gin.New()
//	r.Use(sessiongin.Wrap(users.Middleware))
//	r.GET("/dashboard", sessiongin.Wrap(users.RequireUserID), dashboard)
//
// A gin handler then reads the request's one session from the request's
// context, as a net/http handler does:
//
//	s, _ := sessions.UserSessionFrom(c.Request.Context())
//
// Wrap is written here rather than taken from a general gin adapter for
// net/http middleware (github.com/gwatts/gin-adapter and the like) because
// those call the rest of gin's chain with gin's own writer, not the writer
// the middleware passes on: the generated Middleware commits the session
// just before the first byte of the response, which it can do only when
// the handlers write through its writer.
package sessiongin

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Wrap returns a gin handler that runs mw around the rest of gin's chain:
// the handlers after it see the request mw passes on (c.Request, with the
// session in its context) and write through the writer mw passes on (so
// that Middleware commits the session before the first byte). When mw
// answers the request itself — RequireX's 303, Require's 403, the 500 of a
// store failure — the rest of the chain does not run (c.Abort).
func Wrap(mw func(http.Handler) http.Handler) gin.HandlerFunc {
	h := mw(http.HandlerFunc(next))
	return func(c *gin.Context) {
		st := &state{c: c}
		h.ServeHTTP(c.Writer, c.Request.WithContext(context.WithValue(c.Request.Context(), stateKey{}, st)))
		if !st.called {
			c.Abort()
		}
	}
}

// stateKey is the context key of the state of one Wrap call.
type stateKey struct{}

// state carries the gin context through mw to next.
type state struct {
	c      *gin.Context
	called bool
}

// next is the handler mw wraps: it runs the rest of gin's chain with mw's
// request and writer, and restores gin's own afterwards for the handlers
// before Wrap.
func next(w http.ResponseWriter, r *http.Request) {
	st := r.Context().Value(stateKey{}).(*state)
	st.called = true
	c := st.c
	req, gw := c.Request, c.Writer
	defer func() { c.Request, c.Writer = req, gw }()
	c.Request = r
	if w2, ok := w.(gin.ResponseWriter); ok {
		c.Writer = w2 // mw passed gin's writer on as it is
	} else {
		c.Writer = &writer{ResponseWriter: gw, w: w}
	}
	c.Next()
}

// A writer is gin's ResponseWriter with the writing methods sent through
// the middleware's writer w, which wraps gin's. Status, Size and Written are
// gin's: w passes every status and byte on to it.
type writer struct {
	gin.ResponseWriter
	w http.ResponseWriter
}

func (w *writer) WriteHeader(code int) { w.w.WriteHeader(code) }

func (w *writer) Write(b []byte) (int, error) { return w.w.Write(b) }

func (w *writer) WriteString(s string) (int, error) { return io.WriteString(w.w, s) }

// WriteHeaderNow sends the status gin recorded (c.Status, c.AbortWithStatus)
// through the middleware's writer first, so that it commits the session.
func (w *writer) WriteHeaderNow() {
	if !w.Written() {
		w.w.WriteHeader(w.Status())
	}
	w.ResponseWriter.WriteHeaderNow()
}

func (w *writer) Flush() { _ = http.NewResponseController(w.w).Flush() }

func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.w).Hijack()
}

// Unwrap returns the middleware's writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.w }
