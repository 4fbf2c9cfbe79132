package runtime

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SameSite values for CookieOptions.SameSite.
const (
	SameSiteLax    = "lax"
	SameSiteStrict = "strict"
	SameSiteNone   = "none"
	// SameSiteOmit leaves the attribute out (React Router's sameSite: false).
	SameSiteOmit = "omit"
)

// maxCookieAge is the longest Max-Age browsers honour (400 days); longer
// values are clamped, as React Router's cookie library does.
const maxCookieAge = 400 * 24 * 60 * 60

// maxSetCookie is the largest Set-Cookie line browsers keep.
const maxSetCookie = 4096

// CookieOptions are the cookie attributes of a session, from the schema.
type CookieOptions struct {
	Name        string        // cookie name; "" means "__session"
	Path        string        // "" leaves Path out; the schema's default is "/"
	Domain      string        // "" leaves Domain out
	SameSite    string        // SameSiteLax (default), SameSiteStrict, SameSiteNone, SameSiteOmit
	HTTPOnly    bool          // HttpOnly attribute
	Secure      bool          // Secure attribute
	Partitioned bool          // Partitioned attribute (CHIPS)
	Priority    string        // "", "low", "medium", "high"
	MaxAge      time.Duration // 0: a browser-session cookie (no Max-Age)
	Rolling     bool          // Max-Age and the store's expiry move forward on activity (rolling.go)
}

// header holds the precomputed parts of a Set-Cookie line, so that a commit
// only appends the value and the per-commit Max-Age/Expires.
type header struct {
	name        string
	domainPath  string // "; Domain=…; Path=…"
	tail        string // "; HttpOnly; Secure; Partitioned; Priority=…; SameSite=…"
	destroyLine string // the whole Set-Cookie line that deletes the cookie
	maxAge      int64  // seconds, -1 for none
}

func newHeader(c CookieOptions) header {
	h := header{name: c.Name, maxAge: -1}
	if c.MaxAge > 0 {
		h.maxAge = int64(c.MaxAge / time.Second)
	}
	if c.Domain != "" {
		h.domainPath += "; Domain=" + c.Domain
	}
	if c.Path != "" {
		h.domainPath += "; Path=" + c.Path
	}
	if c.HTTPOnly {
		h.tail += "; HttpOnly"
	}
	if c.Secure {
		h.tail += "; Secure"
	}
	if c.Partitioned {
		h.tail += "; Partitioned"
	}
	if p := strings.ToLower(c.Priority); p != "" {
		h.tail += "; Priority=" + strings.ToUpper(p[:1]) + p[1:]
	}
	if c.SameSite != SameSiteOmit {
		h.tail += "; SameSite=" + strings.ToUpper(c.SameSite[:1]) + c.SameSite[1:]
	}
	h.destroyLine = c.Name + "=" + h.domainPath + "; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + h.tail
	return h
}

// appendLine appends a whole Set-Cookie line for a value it percent-encodes,
// in React Router's attribute order: Max-Age; Domain; Path; Expires;
// HttpOnly; Secure; Partitioned; Priority; SameSite.
func (h *header) appendLine(b []byte, value []byte, o commitOptions) []byte {
	b = append(b, h.name...)
	b = append(b, '=')
	b = appendURIComponent(b, value)
	maxAge := h.maxAge
	if o.hasMaxAge {
		maxAge = min(max(o.maxAge, 0), maxCookieAge)
	}
	if maxAge >= 0 {
		b = append(b, "; Max-Age="...)
		b = strconv.AppendInt(b, min(maxAge, maxCookieAge), 10)
	}
	b = append(b, h.domainPath...)
	if !o.expires.IsZero() {
		b = append(b, "; Expires="...)
		b = o.expires.UTC().AppendFormat(b, http.TimeFormat)
	}
	return append(b, h.tail...)
}

// A CommitOption changes one commit: remember-me logins use WithMaxAge or
// WithExpires to make a persistent cookie.
type CommitOption func(*commitOptions)

type commitOptions struct {
	maxAge    int64
	hasMaxAge bool
	expires   time.Time
	err       error // an option the commit refuses
}

// WithMaxAge sets the cookie's Max-Age for this commit (clamped to 0…400
// days), overriding the schema's maxAge. For server storage it also sets how
// long the store keeps the data. Max-Age counts whole seconds: a duration
// with a fraction of a second (1.5s) makes the commit fail with ErrConfig,
// as React Router refuses a maxAge that is not an integer, rather than being
// cut silently.
func WithMaxAge(d time.Duration) CommitOption {
	return func(o *commitOptions) {
		if d%time.Second != 0 {
			o.err = fmt.Errorf("%w: WithMaxAge(%s): Max-Age counts whole seconds", ErrConfig, d)
		}
		o.maxAge, o.hasMaxAge = int64(d/time.Second), true
	}
}

// WithExpires sets the cookie's Expires attribute for this commit. For
// server storage it also sets how long the store keeps the data, at most 400
// days (browsers keep no cookie longer). The header's date is clamped to
// what an HTTP date can say, 1 January 1970 (which deletes the cookie)
// through the end of year 9999, so a year 0, -5 or 10000 never reaches the
// header; a date within that range is written as given, byte for byte as
// React Router writes it (browsers cap it at 400 days themselves).
func WithExpires(t time.Time) CommitOption {
	return func(o *commitOptions) { o.expires = clampExpires(t) }
}

// The dates an Expires attribute can carry (see WithExpires).
var (
	minExpires = time.Unix(0, 0)
	maxExpires = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// clampExpires bounds a WithExpires time (zero: none) as WithExpires says.
func clampExpires(t time.Time) time.Time {
	switch {
	case t.IsZero():
		return t
	case t.Before(minExpires):
		return minExpires
	case t.After(maxExpires):
		return maxExpires
	}
	return t
}

// cookieValue returns the value of the first cookie called name in a Cookie
// header, as React Router's parser does: pairs split at ';', names and
// values trimmed of spaces, the first of a repeated name wins. Quotes are
// not stripped: a quoted value then fails to verify and reads as empty, as
// it does in React Router.
func cookieValue(header, name string) (string, bool) {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		if strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
