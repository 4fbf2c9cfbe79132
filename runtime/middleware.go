package runtime

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
)

// Middleware returns next wrapped so that the request's session is read
// before next runs and committed, when it changed, just before the first
// byte of the response. key is the context key the session is stored under;
// generated code passes a value of an unexported type of its own, and its
// XSessionFrom reads it back.
//
// One session per request: the session the middleware reads is the one
// GetSession returns for the request (when key is the Spec's ContextKey, as
// generated code arranges), SessionFrom returns, and the Require helpers
// pass to their predicates. An explicit CommitSession and the middleware's
// own commit act on that one object, so neither can replace the other's
// Set-Cookie with older data.
//
// What it does, in order:
//   - It reads the session (eagerly: the cost is one HMAC check for a cookie
//     session, one store read for a server session). A store failure is
//     answered by Config.ErrorHandler (500 by default) and next does not run:
//     a session that cannot be read is never replaced by an empty one.
//   - At the first WriteHeader (other than 1xx), Write, ReadFrom or Flush,
//     or when next returns without writing, it adds "Vary: Cookie" and, if
//     Session.Modified (a value set or removed, a flash consumed, an idle
//     renewal due, a timed-out session), commits the session with the
//     options of the handler's own last CommitSession in this request, or
//     with the remembered Max-Age (see RememberKey), so a remember-me login
//     stays persistent. A session committed explicitly and unchanged since
//     is not committed again; nor is one whose explicit commit failed (the
//     handler has the error and answers it) until it changes again. A
//     Set-Cookie of the same cookie name added earlier in the request is
//     replaced, never doubled. An expired session left empty, or a server
//     session destroyed or revoked while the request ran (ErrSessionEnded),
//     gets the deleting Set-Cookie instead, and the response goes on.
//   - If that commit fails (a cookie over 4096 bytes, a store failure), the
//     handler's response is dropped: its headers are cleared,
//     Config.ErrorHandler answers instead (500 by default), and later Write
//     calls return the commit error. A response must not claim success when
//     the session it reports was not saved.
//
// Changes made after the first byte cannot reach the cookie: the headers
// are gone. A server session that already has an id can still be saved by
// calling CommitSession explicitly (the store is updated; the Set-Cookie is
// then ignored by net/http, and the cookie keeps the same id). A hijacked
// connection (Hijack) is not committed: the handler owns it.
//
// The writer passed to next keeps http.Flusher, http.Hijacker,
// io.ReaderFrom and io.StringWriter, and Unwrap returns the original
// writer, so http.ResponseController works through it. The request passed
// to next is a shallow copy of r whose context carries the session (as
// r.WithContext(context.WithValue(...)) would make it); the session, that
// context, the copy and the writer take one allocation together. Applying
// the middleware twice with one key reads the session once. A key that
// context.WithValue refuses (nil, or not comparable) panics here.
//
// For generated code; apps use the generated XStorage.Middleware.
func (st *Storage) Middleware(key any, next http.Handler) http.Handler {
	if st == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { logError(w, r, ErrNoStorage) })
	}
	// A nil or incomparable key panics here, as context.WithValue would,
	// rather than at the first request.
	_ = context.WithValue(context.Background(), key, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := SessionFrom(r.Context(), key); ok {
			next.ServeHTTP(w, r)
			return
		}
		q := new(request)
		s, err := st.getSession(r, &q.session)
		if err != nil {
			addVary(w.Header(), nil)
			st.onErr(w, r, err)
			return
		}
		q.ctx = sessionContext{Context: r.Context(), key: key, s: s}
		q.req = *r.WithContext(&q.ctx)
		q.w = commitWriter{rw: w, st: st, s: s, r: &q.req}
		next.ServeHTTP(&q.w, &q.req)
		q.w.start()
	})
}

// A request is what the middleware keeps for one request, in one
// allocation: the session, the context and the request copy that carry it
// to the handler, and the writer that commits it. It is not pooled: a
// handler may keep the request (its context, its URL) after it returns.
type request struct {
	session Session
	ctx     sessionContext
	req     http.Request
	w       commitWriter
}

// A sessionContext is context.WithValue(ctx, key, s) without an allocation
// of its own. Every other method is its parent's, so the context package
// still finds the parent's cancellation without a goroutine.
type sessionContext struct {
	context.Context
	key any
	s   *Session
}

// Value implements context.Context.
func (c *sessionContext) Value(key any) any {
	if key == c.key {
		return c.s
	}
	return c.Context.Value(key)
}

// String describes the context, as context.WithValue's does.
func (c *sessionContext) String() string {
	return fmt.Sprintf("%v.WithValue(%T, *runtime.Session)", c.Context, c.key)
}

// SessionFrom returns the session that Storage.Middleware stored in ctx
// under key, and false when that middleware did not run for this request.
//
// For generated code; apps use the generated XSessionFrom.
func SessionFrom(ctx context.Context, key any) (*Session, bool) {
	s, ok := ctx.Value(key).(*Session)
	return s, ok && s != nil
}

// logError is the default Config.ErrorHandler.
func logError(w http.ResponseWriter, r *http.Request, err error) {
	log.Print(errorLine(r, err))
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// autoCommit commits a modified session into h, replacing any Set-Cookie of
// the same cookie name already there (buf, when there is none, holds the
// new line). It leaves alone a session whose explicit commit failed in this
// request (the handler has answered that error) until it changes again,
// and answers a session that ended in the store meanwhile
// (ErrSessionEnded) with the deleting Set-Cookie.
func (st *Storage) autoCommit(h http.Header, s *Session, buf *[1]string) error {
	if s.commitFailed || !s.modified && len(s.opts) == 0 {
		return nil // (remember, below, can mark the session modified only after an explicit commit)
	}
	opts := st.remember(s)
	if !s.modified {
		return nil
	}
	var line string
	var err error
	if errors.Is(s.readErr, ErrExpired) && len(s.data.entries) == 0 && s.id == "" {
		line, err = st.DestroySessionHeader(s)
	} else {
		line, err = st.CommitSessionHeader(s, opts...)
	}
	if err != nil && !errors.Is(err, ErrSessionEnded) {
		return err
	}
	if !putFresh(h, "Set-Cookie", line, buf) {
		st.setCookie(h, line)
	}
	return nil
}

// putFresh makes v, held in buf, the only value of the header key, and
// reports true, when h has no such header yet and buf is not nil: adding
// it then allocates nothing. buf's slice has capacity one, so a later
// append copies it.
func putFresh(h http.Header, key, v string, buf *[1]string) bool {
	if _, ok := h[key]; ok || buf == nil {
		return false
	}
	buf[0] = v
	h[key] = buf[:1:1]
	return true
}

// addVary adds "Vary: Cookie" unless the response varies on it already;
// buf, when not nil, holds the value, so that adding it allocates nothing.
func addVary(h http.Header, buf *[1]string) {
	for _, v := range h["Vary"] {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.TrimSpace(tok); strings.EqualFold(tok, "Cookie") || tok == "*" {
				return
			}
		}
	}
	if !putFresh(h, "Vary", "Cookie", buf) {
		h.Add("Vary", "Cookie")
	}
}

// A commitWriter commits the session before the first byte of the
// response goes out.
type commitWriter struct {
	rw      http.ResponseWriter
	st      *Storage
	s       *Session
	r       *http.Request
	started bool
	failed  error // the commit failed and ErrorHandler answered
	// The values of the Vary and Set-Cookie headers the middleware adds,
	// when the handler added none of its own. Each is a slice of length and
	// capacity one, so an append by the handler copies it.
	vary, cookie [1]string
}

// start runs once, before the response starts; it reports whether the
// handler's response may go on.
func (w *commitWriter) start() bool {
	if w.started {
		return w.failed == nil
	}
	w.started = true
	h := w.rw.Header()
	addVary(h, &w.vary)
	if err := w.st.autoCommit(h, w.s, &w.cookie); err != nil {
		w.failed = err
		clear(h)
		addVary(h, &w.vary)
		w.st.onErr(w.rw, w.r, err)
		return false
	}
	return true
}

func (w *commitWriter) Header() http.Header { return w.rw.Header() }

func (w *commitWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// An informational response (103 Early Hints) is not the response:
		// browsers ignore cookies there.
		w.rw.WriteHeader(code)
		return
	}
	if w.start() {
		w.rw.WriteHeader(code)
	}
}

func (w *commitWriter) Write(b []byte) (int, error) {
	if !w.start() {
		return 0, w.failed
	}
	return w.rw.Write(b)
}

// WriteString implements io.StringWriter, as net/http's writer does, so
// that io.WriteString does not copy the string.
func (w *commitWriter) WriteString(str string) (int, error) {
	if !w.start() {
		return 0, w.failed
	}
	return io.WriteString(w.rw, str)
}

// ReadFrom keeps net/http's sendfile path for io.Copy into the writer.
func (w *commitWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.start() {
		return 0, w.failed
	}
	if rf, ok := w.rw.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.rw}, src)
}

// Flush implements http.Flusher.
func (w *commitWriter) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController.Flush calls.
func (w *commitWriter) FlushError() error {
	if !w.start() {
		return w.failed
	}
	return http.NewResponseController(w.rw).Flush()
}

// Hijack implements http.Hijacker. The session is not committed: the
// handler writes the response itself on the connection.
func (w *commitWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.rw).Hijack()
	if err == nil {
		w.started = true
	}
	return conn, brw, err
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *commitWriter) Unwrap() http.ResponseWriter { return w.rw }

// writerOnly hides a writer's ReadFrom, so io.Copy does not loop.
type writerOnly struct{ io.Writer }
