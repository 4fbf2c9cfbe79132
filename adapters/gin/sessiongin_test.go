package sessiongin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	sessiongin "github.com/sessiongen/sessiongen/adapters/gin"
	"github.com/sessiongen/sessiongen/adapters/gin/example/sessions"
)

func serve(t *testing.T, h gin.HandlerFunc) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.TestMode)
	users, err := sessions.NewUserStorage(sessions.Config{Secrets: []string{"tB0k9fQ2xV7mLr4sWz8pYc1nHa6dJe3u"}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessiongin.Wrap(users.Middleware))
	r.GET("/", h)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	return w
}

// TestStatusOnly: a handler that sets only a status (gin writes it after
// the chain, with WriteHeaderNow) still gets its session committed.
func TestStatusOnly(t *testing.T) {
	w := serve(t, func(c *gin.Context) {
		s, _ := sessions.UserSessionFrom(c.Request.Context())
		s.SetUserID("u-1")
		c.AbortWithStatus(http.StatusNoContent)
	})
	if w.Code != http.StatusNoContent || !strings.HasPrefix(w.Header().Get("Set-Cookie"), "__session=") {
		t.Fatalf("status %d, Set-Cookie %q", w.Code, w.Header().Get("Set-Cookie"))
	}
}

// TestCommitFailure: a session too large for a cookie replaces the
// handler's response with the 500 of Config.ErrorHandler, as under net/http.
func TestCommitFailure(t *testing.T) {
	w := serve(t, func(c *gin.Context) {
		s, _ := sessions.UserSessionFrom(c.Request.Context())
		s.SetUserID(strings.Repeat("x", 5000))
		c.String(http.StatusOK, "saved")
	})
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "saved") || w.Header().Get("Set-Cookie") != "" {
		t.Fatalf("status %d, body %q, Set-Cookie %q", w.Code, w.Body.String(), w.Header().Get("Set-Cookie"))
	}
}

// TestFlush: a flushed response commits the session first and reaches the
// client as a flush.
func TestFlush(t *testing.T) {
	w := serve(t, func(c *gin.Context) {
		s, _ := sessions.UserSessionFrom(c.Request.Context())
		s.FlashMessage("hi")
		c.Writer.Flush()
		c.Writer.WriteString("streamed")
	})
	if !w.Flushed || w.Header().Get("Set-Cookie") == "" || w.Body.String() != "streamed" {
		t.Fatalf("flushed %v, Set-Cookie %q, body %q", w.Flushed, w.Header().Get("Set-Cookie"), w.Body.String())
	}
}
