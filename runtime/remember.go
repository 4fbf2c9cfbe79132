package runtime

import (
	"strconv"
	"time"
)

// RememberKey keeps, in the session data, the Max-Age in seconds of a
// commit made with WithMaxAge (a "remember me" login) in a request served
// by Storage.Middleware. The middleware's later commits, which pass no
// options (an idle renewal, a changed key in another request), reuse it, so
// a remembered session stays persistent instead of turning into a
// browser-session cookie at its next change; the store's expiry follows.
// DestroySession clears it with the rest of the data. Outside the
// middleware nothing is recorded, and CommitSession writes exactly what
// React Router would. A commit with WithExpires is not remembered.
const RememberKey = "__sg_maxage"

// remember returns the options of the middleware's commit: those of the
// handler's own last commit in this request, recording its Max-Age under
// RememberKey (which marks the session modified, so that the middleware
// commits it once more, replacing the handler's line); else the remembered
// Max-Age.
func (st *Storage) remember(s *Session) []CommitOption {
	if len(s.opts) > 0 {
		o := collectOptions(s.opts)
		if cur, ok := stampOf(s, RememberKey); o.hasMaxAge && o.maxAge > 0 && (!ok || cur != o.maxAge) {
			s.SetRaw(RememberKey, strconv.AppendInt(nil, o.maxAge, 10))
		}
		return s.opts
	}
	if secs, ok := stampOf(s, RememberKey); ok && secs > 0 {
		return []CommitOption{WithMaxAge(time.Duration(secs) * time.Second)}
	}
	return nil
}
