package runtime

import (
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
)

// A Secure cookie set in answer to a plain-HTTP request is dropped by
// browsers, unless the page's host is loopback (localhost, 127.0.0.0/8,
// ::1: browsers treat those as secure contexts). The symptom is silent: a
// sign-in that sends the user back to the sign-in page, forever. The
// storage logs it once, at the first such commit, instead.

// devWarn is the Storage's once-only warning state.
type devWarn struct {
	warned atomic.Bool
}

// noteRequest keeps the request a session was read from, for the check at
// commit time; the header-level methods have none and are not checked.
func (st *Storage) noteRequest(s *Session, r *http.Request) {
	if s != nil {
		s.req = r
	}
}

// warnInsecure logs, once per storage, that a Secure cookie was just set in
// answer to a plain-HTTP request from a host that is not loopback.
func (st *Storage) warnInsecure(s *Session) {
	r := s.req
	if r == nil || !st.cookie.Secure || st.dev.warned.Load() || !fromServer(r) || clientUsedHTTPS(r) || loopbackHost(requestHost(r)) {
		return
	}
	if st.dev.warned.Swap(true) {
		return
	}
	log.Printf("sessiongen: session %q: cookie %q has the Secure attribute but was set in answer to plain HTTP from %q: "+
		"browsers drop it, so the session never sticks (a sign-in that loops back to the sign-in page). "+
		"Serve HTTPS; behind a TLS-terminating proxy, have it send X-Forwarded-Proto: https; "+
		"for development over plain HTTP set Config.DisableSecure (or browse http://localhost). Logged once per storage.",
		st.spec.Name, st.cookie.Name, requestHost(r))
}

// fromServer reports whether an http.Server received r, as opposed to a
// request built in a test (httptest.NewRequest's host is example.com, and
// no browser is there to drop the cookie).
func fromServer(r *http.Request) bool { return r.Context().Value(http.ServerContextKey) != nil }

// clientUsedHTTPS reports whether the client reached us over HTTPS: TLS on
// this connection, or a TLS-terminating proxy that says so in
// X-Forwarded-Proto or Forwarded (RFC 7239; the first element is the hop
// nearest the client).
func clientUsedHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if v := r.Header.Get("X-Forwarded-Proto"); v != "" {
		first, _, _ := strings.Cut(v, ",")
		return strings.EqualFold(strings.TrimSpace(first), "https")
	}
	if v := r.Header.Get("Forwarded"); v != "" {
		first, _, _ := strings.Cut(v, ",")
		for pair := range strings.SplitSeq(first, ";") {
			k, val, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if strings.EqualFold(k, "proto") {
				return strings.EqualFold(strings.Trim(val, `"`), "https")
			}
		}
	}
	return false
}

// requestHost is the host the browser addressed, without the port.
func requestHost(r *http.Request) string {
	h := r.Host
	if h == "" && r.URL != nil {
		h = r.URL.Host
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// loopbackHost reports whether browsers keep Secure cookies from host over
// plain HTTP: localhost and its subdomains, 127.0.0.0/8 and ::1.
func loopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errorLine is the default ErrorHandler's log line: the request, then the
// error without a second "sessiongen: " prefix.
func errorLine(r *http.Request, err error) string {
	return "sessiongen: " + r.Method + " " + r.URL.Path + ": " + strings.TrimPrefix(err.Error(), "sessiongen: ")
}
