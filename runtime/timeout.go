package runtime

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The stamps that idle and absolute timeouts are enforced from. They live in
// the session data itself (inside the signed or encrypted cookie, or in the
// store), so the browser cannot extend a session by keeping an old cookie
// or editing its expiry. Both hold whole seconds since the Unix epoch as a
// JSON number. React Router sees two ordinary keys: it never reads them and
// keeps them when it commits the data, so the cookie can still be shared.
// A schema key may not start with "__sg_" (see also RememberKey).
const (
	// CreatedKey is when the session was first committed (absoluteTimeout).
	CreatedKey = "__sg_created"
	// SeenKey is when the session was last renewed (idleTimeout).
	SeenKey = "__sg_seen"
)

// Errors that Session.ReadError returns for a session that timed out. Both
// match ErrExpired with errors.Is; the *ExpiredError behind them carries the
// figures.
var (
	ErrExpired         = errors.New("sessiongen: session expired")
	ErrIdleTimeout     = errors.New("sessiongen: session idle timeout")
	ErrAbsoluteTimeout = errors.New("sessiongen: session absolute timeout")
)

// An ExpiredError tells why a session read as new: it was idle for longer
// than the idle timeout, or older than the absolute timeout.
// errors.Is(err, ErrExpired) is true, and so is errors.Is with
// ErrIdleTimeout or ErrAbsoluteTimeout, whichever applies.
type ExpiredError struct {
	Idle    bool          // true: idle timeout; false: absolute timeout
	Timeout time.Duration // the timeout that passed
	Since   time.Time     // the stamp it ran from: last renewal, or creation
	Future  bool          // the stamp lay more than a minute in the future
}

func (e *ExpiredError) Error() string {
	kind := "absolute"
	if e.Idle {
		kind = "idle"
	}
	if e.Future {
		return fmt.Sprintf("sessiongen: session expired: its %s timeout stamp %s lies in the future", kind, e.Since.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("sessiongen: session expired: %s timeout %s passed since %s", kind, e.Timeout, e.Since.UTC().Format(time.RFC3339))
}

// Is matches ErrExpired, and ErrIdleTimeout or ErrAbsoluteTimeout.
func (e *ExpiredError) Is(target error) bool {
	return target == ErrExpired || (e.Idle && target == ErrIdleTimeout) || (!e.Idle && target == ErrAbsoluteTimeout)
}

// TimedOut reports whether the request's session was discarded because its
// idle or absolute timeout had passed (ReadError matches ErrExpired).
func (s *Session) TimedOut() bool { return s != nil && errors.Is(s.readErr, ErrExpired) }

// RenewInterval is how often SeenKey is rewritten for an idle timeout: a
// tenth of it, at least one second and at most one minute. A request within
// that interval of the last renewal does not rewrite the cookie or the
// store, so a session expires between idle−RenewInterval(idle) and idle
// after its last request.
func RenewInterval(idle time.Duration) time.Duration {
	return min(max(idle/10, time.Second), time.Minute)
}

// checkTimeouts enforces the spec's timeouts on a session just read. An
// expired session reads as new, with an *ExpiredError as its ReadError, and
// is marked modified so that the middleware replaces the cookie; its stored
// data is deleted. A session whose renewal is due is marked modified.
func (st *Storage) checkTimeouts(s *Session) (*Session, error) {
	st.roll(s) // rolling.go
	idle, abs := st.spec.IdleTimeout, st.spec.AbsoluteTimeout
	if idle <= 0 && abs <= 0 {
		return s, nil
	}
	now := st.now().Unix()
	err := st.expired(s, now)
	if err == nil {
		seen, ok := stampOf(s, SeenKey)
		if idle > 0 && (!ok || now-seen >= seconds(RenewInterval(idle))) {
			s.modified = true
		}
		if abs > 0 && !s.data.has(CreatedKey) {
			s.modified = true // adopted: stamped at the next commit
		}
		return s, nil
	}
	if s.id != "" {
		if derr := st.store.Delete(s.Context(), s.id); derr != nil {
			return nil, &StoreError{Op: "delete", Err: derr}
		}
	}
	s.data, s.id, s.readErr = object{}, "", err
	s.changed = s.changed[:0]
	s.modified = true
	return s, nil
}

// expired returns an *ExpiredError when a timeout has passed at now (Unix
// seconds). A session without a stamp (written before the timeout was
// configured, or created by a React Router app sharing the cookie) is
// adopted as if stamped now.
func (st *Storage) expired(s *Session, now int64) error {
	if abs := st.spec.AbsoluteTimeout; abs > 0 {
		if created, ok := stampOf(s, CreatedKey); ok && (now-created >= seconds(abs) || created-now > maxClockSkew) {
			return &ExpiredError{Timeout: abs, Since: time.Unix(created, 0), Future: created-now > maxClockSkew}
		}
	}
	if idle := st.spec.IdleTimeout; idle > 0 {
		if seen, ok := stampOf(s, SeenKey); ok && (now-seen >= seconds(idle) || seen-now > maxClockSkew) {
			return &ExpiredError{Idle: true, Timeout: idle, Since: time.Unix(seen, 0), Future: seen-now > maxClockSkew}
		}
	}
	return nil
}

// maxClockSkew (seconds) is how far in the future a stamp may lie, for
// clocks of several app instances that disagree a little. A stamp further
// ahead (from a clock that runs ahead, or forged by someone who holds the
// secret) would stretch the session by as much: it ends the session
// instead.
const maxClockSkew = 60

// stamp writes the stamps before a commit: CreatedKey once, SeenKey on
// every commit (the cookie or the store is being written anyway).
func (st *Storage) stamp(s *Session) {
	if !st.renews() && st.spec.AbsoluteTimeout <= 0 {
		return
	}
	now := strconv.AppendInt(nil, st.now().Unix(), 10)
	if st.spec.AbsoluteTimeout > 0 && !s.data.has(CreatedKey) {
		s.SetRaw(CreatedKey, now)
	}
	if st.renews() {
		s.SetRaw(SeenKey, now)
	}
}

func stampOf(s *Session, key string) (int64, bool) {
	raw, ok := s.data.get(key)
	if !ok {
		return 0, false
	}
	return Decode[int64](raw)
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }
