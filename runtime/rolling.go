package runtime

import "time"

// Rolling expiry (CookieOptions.Rolling, the schema's cookie.rolling), as
// express-session's and koa-session's rolling option: a persistent cookie's
// Max-Age, and the store's expiry of a server session, move forward while
// the user is active, so that the session ends maxAge after the last
// request instead of maxAge after the login.
//
// The length is the session's own: the Max-Age a remember-me commit made
// with WithMaxAge (kept under RememberKey by the middleware), else the
// schema's maxAge. A browser-session cookie (neither) does not roll.
//
// Renewal is throttled as the idle timeout's is: SeenKey records the last
// renewal, and a request within RenewInterval(length) of it writes nothing
// (no Set-Cookie, no store write), so the cookie ends between
// length−RenewInterval(length) and length after the last request.

// rollingAge returns the Max-Age in seconds a rolling renewal re-sends, or
// 0 when the session has none.
func (st *Storage) rollingAge(s *Session) int64 {
	if secs, ok := stampOf(s, RememberKey); ok && secs > 0 {
		return min(secs, maxCookieAge)
	}
	return max(st.hdr.maxAge, 0)
}

// roll marks a session just read from a cookie modified when its rolling
// renewal is due, so that the middleware commits it: the commit re-sends
// the Max-Age and moves the store's expiry.
func (st *Storage) roll(s *Session) {
	if !st.cookie.Rolling {
		return
	}
	age := st.rollingAge(s)
	if age <= 0 {
		return
	}
	seen, ok := stampOf(s, SeenKey)
	if !ok || st.now().Unix()-seen >= seconds(RenewInterval(time.Duration(age)*time.Second)) {
		s.modified = true
	}
}

// renews reports whether commits record SeenKey: for the idle timeout, or
// for rolling expiry's throttle.
func (st *Storage) renews() bool { return st.spec.IdleTimeout > 0 || st.cookie.Rolling }
