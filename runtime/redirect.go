package runtime

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRedirect bounds the length of a redirect target SafeRedirect accepts.
const maxRedirect = 2048

// SafeRedirect returns value when it is a same-site path that a browser
// cannot read as another site, and fallback otherwise (fallback is trusted
// as it is). Use it on a redirectTo parameter before redirecting to it:
//
//	to := runtime.SafeRedirect(r.FormValue("redirectTo"), "/")
//
// value must start with a single "/"; "//host" and "/\host" (which
// browsers read as another host), a scheme ("https:", "javascript:"),
// backslashes anywhere, control characters (CR, LF, tab, NUL, DEL, C1),
// invalid UTF-8 and values over 2048 bytes are refused. So is a value that
// becomes one of those once percent-decoded, up to three times
// ("/%2F%2Fevil.example", "/%5Cevil.example", "/%252F%252Fevil"), in case a
// proxy or the app decodes it again.
func SafeRedirect(value, fallback string) string {
	if len(value) > maxRedirect {
		return fallback
	}
	v := value
	for range 4 {
		if !safePath(v) {
			return fallback
		}
		if !strings.Contains(v, "%") {
			return value
		}
		d, err := url.PathUnescape(v)
		if err != nil {
			return fallback
		}
		v = d
	}
	return fallback // still encoded after three rounds: not a path a person wrote
}

// safePath applies SafeRedirect's rules to one decoding of the value.
func safePath(v string) bool {
	if len(v) == 0 || v[0] != '/' || (len(v) > 1 && (v[1] == '/' || v[1] == '\\')) {
		return false
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, '\\') {
		return false
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
