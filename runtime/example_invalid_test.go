package runtime_test

import (
	"errors"
	"expvar"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/sessiongen/sessiongen/runtime"
)

// invalidCookies counts discarded cookies by reason; expvar serves it as
// JSON at /debug/vars (any metrics library's counter does the same job).
var invalidCookies = expvar.NewMap("sessiongen_invalid_cookies")

// invalidReason names the class of a Config.OnInvalidCookie error, a small
// fixed set fit for a metric label.
func invalidReason(err error) string {
	switch {
	case errors.Is(err, runtime.ErrExpired):
		return "expired"
	case errors.Is(err, runtime.ErrTampered): // ErrDecrypt matches too
		return "tampered"
	case errors.Is(err, runtime.ErrMalformed):
		return "malformed"
	}
	return "other"
}

// Log each discarded cookie with log/slog and count it by reason. r is nil
// for the header-level methods, so the handler checks it. OnInvalidCookie
// runs inside GetSession: keep it fast and never block.
func ExampleConfig_onInvalidCookie() {
	// Time left out so that the example's output is stable.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	cfg := runtime.Config{
		Secrets: []string{exampleSecret},
		OnInvalidCookie: func(r *http.Request, err error) {
			invalidCookies.Add(invalidReason(err), 1)
			attrs := []any{"reason", invalidReason(err), "err", err}
			if r != nil {
				attrs = append(attrs, "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			}
			logger.Warn("session cookie discarded", attrs...)
		},
	}
	st, err := runtime.NewStorage(runtime.Spec{Name: "User", Cookie: runtime.CookieOptions{Name: "__session", Path: "/"}}, cfg)
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/account", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	r.Header.Set("Cookie", "__session=eyJ1c2VySWQiOiJhZG1pbiJ9.forged")
	s, _ := st.GetSession(r) // an empty session: the forged cookie is not used
	fmt.Println(len(s.Keys()), invalidCookies.Get("tampered"))
	// Output:
	// level=WARN msg="session cookie discarded" reason=tampered err="sessiongen: cookie signature does not verify" method=GET path=/account remote=192.0.2.1:1234
	// 0 1
}
