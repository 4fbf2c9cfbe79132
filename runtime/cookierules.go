package runtime

import (
	"fmt"
	"net/http"
	"strings"
)

// This file is the one source of the cookie rules and defaults: NewStorage
// applies them, and the generator reports each problem at its schema field
// (so a schema sessiongen accepts never makes NewXStorage fail over its
// cookie). It is generator API: apps do not call it.

// DefaultCookieOptions returns the cookie attributes of a schema that sets
// none: name __session, path /, SameSite Lax, HttpOnly and Secure.
//
// For the generator; apps do not call it.
func DefaultCookieOptions() CookieOptions {
	return CookieOptions{Name: "__session", Path: "/", SameSite: SameSiteLax, HTTPOnly: true, Secure: true}
}

// A CookieProblem is one cookie rule that a CookieOptions breaks.
//
// For the generator; apps do not use it.
type CookieProblem struct {
	// Fields names the schema fields (cookie.name, cookie.path, …: "name",
	// "path", "domain", "sameSite", "priority", "secure", "partitioned",
	// "maxAge") that the rule is about, the most telling first.
	Fields []string
	// Msg says what is wrong, in the schema's terms, e.g. `a __Host- cookie
	// needs secure: true`.
	Msg string
}

// CheckCookie returns every cookie rule c breaks. NewStorage first gives
// an empty Name and SameSite their defaults (DefaultCookieOptions), then
// refuses the cookie exactly when CheckCookie reports a problem; the
// generator checks the schema's values as they are (an empty name in a
// schema is a mistake, not a request for the default).
//
// The rules are those of browsers (RFC 6265bis: cookie-name prefixes are
// matched in any case), React Router's and net/http's, and two of this
// package's own: a path starts with / and holds only printable ASCII
// without ';' or ',', so that no attribute can be added or split.
//
// For the generator; apps do not call it.
func CheckCookie(c CookieOptions) []CookieProblem {
	var probs cookieProblems
	add := probs.add
	if (&http.Cookie{Name: c.Name, Value: "x"}).Valid() != nil {
		add(fmt.Sprintf("name %q is not a valid cookie name (letters, digits and !#$%%&'*+-.^_`|~ only)", c.Name), "name")
	}
	if msg := checkPath(c.Path); msg != "" {
		add(msg, "path")
	}
	if c.Domain != "" && (&http.Cookie{Name: "x", Value: "x", Domain: c.Domain}).Valid() != nil {
		add(fmt.Sprintf("domain %q is not a host name (labels of 1 to 63 letters, digits and '-', not starting or ending with '-', separated by dots) or an IPv4 address", c.Domain), "domain")
	}
	switch c.SameSite {
	case SameSiteLax, SameSiteStrict, SameSiteNone, SameSiteOmit:
	default:
		add(fmt.Sprintf("unknown sameSite %q (want lax, strict, none or omit)", c.SameSite), "sameSite")
	}
	switch strings.ToLower(c.Priority) {
	case "", "low", "medium", "high":
	default:
		add(fmt.Sprintf("unknown priority %q (want low, medium or high)", c.Priority), "priority")
	}
	if c.MaxAge < 0 {
		add("maxAge may not be negative", "maxAge")
	}
	c.secureRules(add)
	return probs
}

type cookieProblems []CookieProblem

func (p *cookieProblems) add(msg string, fields ...string) {
	*p = append(*p, CookieProblem{Fields: fields, Msg: msg})
}

// checkPath applies the path rule: empty (no Path attribute), or / followed
// by printable ASCII other than ';' and ','. net/http allows spaces and
// commas; they are refused here so that the header stays unambiguous to
// every parser.
func checkPath(p string) string {
	if p != "" && p[0] != '/' {
		return fmt.Sprintf("path %q must start with /", p)
	}
	for i := 0; i < len(p); i++ {
		if b := p[i]; b <= ' ' || b >= 0x7f || b == ';' || b == ',' {
			return fmt.Sprintf("path %q may hold only printable ASCII without spaces, ';' or ','", p)
		}
	}
	return ""
}

// secureRules are the rules that tie attributes to Secure and the name's
// prefix, as browsers apply them.
func (c *CookieOptions) secureRules(add func(msg string, fields ...string)) {
	if c.SameSite == SameSiteNone && !c.Secure {
		add("sameSite none needs secure: true (browsers refuse the cookie otherwise)", "secure", "sameSite")
	}
	if c.Partitioned && !c.Secure {
		add("partitioned needs secure: true", "secure", "partitioned")
	}
	if hasPrefixFold(c.Name, "__Host-") {
		if !c.Secure {
			add("a __Host- cookie needs secure: true", "secure", "name")
		}
		if c.Path != "/" {
			add("a __Host- cookie needs path: /", "path", "name")
		}
		if c.Domain != "" {
			add("a __Host- cookie may not have a domain", "domain", "name")
		}
	}
	if hasPrefixFold(c.Name, "__Secure-") && !c.Secure {
		add("a __Secure- cookie needs secure: true", "secure", "name")
	}
}

// hasPrefixFold reports whether s starts with prefix in any case, as
// browsers match the __Host- and __Secure- prefixes.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// applyDefaults fills in what an empty Name or SameSite means.
func (c *CookieOptions) applyDefaults() {
	d := DefaultCookieOptions()
	if c.Name == "" {
		c.Name = d.Name
	}
	if c.SameSite == "" {
		c.SameSite = d.SameSite
	}
}

// validate applies CheckCookie. Config.DisableSecure has been applied
// already, so it is checked against what will really be sent.
func (c *CookieOptions) validate() error {
	c.applyDefaults()
	probs := CheckCookie(*c)
	if len(probs) == 0 {
		return nil
	}
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.Msg
	}
	return fmt.Errorf("%w: cookie %q: %s", ErrConfig, c.Name, strings.Join(msgs, "; "))
}
