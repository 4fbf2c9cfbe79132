package runtime

import (
	"context"
	"net/http"
	"unsafe"
)

// flashPrefix and flashSuffix wrap flash keys in the data, as React Router
// stores them: flash "message" lives under "__flash_message__".
const (
	flashPrefix = "__flash_"
	flashSuffix = "__"
)

// FlashKey returns the key under which the flash value of key is stored.
//
// For generated code; apps do not call it.
func FlashKey(key string) string { return flashPrefix + key + flashSuffix }

// A Session is the untyped session the generated code wraps. Its methods
// follow React Router's session object (get, set, has, unset, flash) over
// raw JSON values; the generated accessors add the types.
//
// A Session is meant for one request; it is not safe for concurrent use.
//
// Every method, and Get, Set, Flash and Pop, is safe on a nil *Session, as
// protobuf-go's generated getters are: reads report the zero value and
// false, changes do nothing. So a handler that reads the session from a
// context the middleware did not fill gets an empty session's answers, never
// a panic; committing a nil session is an error (ErrNilSession).
type Session struct {
	data    object
	id      string // server storage: the store's id; "" for new and cookie sessions
	ctx     context.Context
	readErr error
	from    *Storage // the storage that read it (GetSession's one-session check)
	// prevID is the id before RegenerateID, deleted by the next commit once
	// the data is stored under the new id.
	prevID string
	req    *http.Request // the request GetSession read it from (devwarn.go)

	// changed lists the keys set or removed since the session was read, in
	// order, for server storage's patch; modified is true when anything
	// changed (the middleware commits only then).
	changed  []string
	modified bool
	// commitFailed is set when an explicit commit failed and the handler got
	// the error; the middleware does not retry until the session changes.
	commitFailed bool
	encErr       error
	// opts are the options of the last commit in this request, which the
	// middleware's own commit reuses (a remember-me Max-Age is kept).
	opts []CommitOption

	// Inline storage, so that reading and changing a small session
	// allocates nothing beyond the Session itself: the entries of up to
	// eight keys, four changed keys, and 256 bytes that hold the decoded
	// cookie payload the keys and values alias (readSession) followed by the
	// arena, the JSON of values set in this request (values are appended,
	// never overwritten).
	entryBuf   [8]entry
	changedBuf [4]string
	buf        [256]byte
	arena      []byte
}

// NewSession returns an empty session, for tests and header-level callers.
func NewSession() *Session { return &Session{ctx: context.Background()} }

// ID returns the id of a server-side session, or "" for a cookie session
// and a session that has not been committed yet.
func (s *Session) ID() string {
	if s == nil {
		return ""
	}
	return s.id
}

// Context returns the context of the request the session was read from.
func (s *Session) Context() context.Context {
	if s == nil || s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// ReadError tells why the request's cookie was not used: nil when there was
// no cookie or it was valid, otherwise ErrTampered, ErrMalformed or an
// expiry error. GetSession never fails for these; this lets apps log them.
func (s *Session) ReadError() error {
	if s == nil {
		return nil
	}
	return s.readErr
}

// Modified reports whether the session changed since it was read (a value
// set or removed, a flash consumed), so that it needs a commit.
func (s *Session) Modified() bool { return s != nil && s.modified }

// Raw returns the JSON of key as stored, and whether it is set.
func (s *Session) Raw(key string) ([]byte, bool) {
	if s == nil {
		return nil, false
	}
	return s.data.get(key)
}

// Has reports whether key is set, either as a value or as a flash value
// (React Router's session.has).
func (s *Session) Has(key string) bool {
	return s != nil && (s.data.has(key) || s.data.has(FlashKey(key)))
}

// HasValue reports whether key is set as a value (a flash value of the same
// name does not count). The generated HasX methods use it.
func (s *Session) HasValue(key string) bool { return s != nil && s.data.has(key) }

// SetRaw stores raw JSON under key. raw must be valid JSON; the generated
// setters guarantee it.
func (s *Session) SetRaw(key string, raw []byte) {
	if s == nil {
		return
	}
	if s.data.entries == nil {
		s.data.entries = s.entryBuf[:0]
	}
	s.data.set(key, raw)
	s.touch(key)
}

// Unset removes key. Like React Router's unset, it leaves a flash value of
// the same name alone.
func (s *Session) Unset(key string) {
	if s != nil && s.data.remove(key) {
		s.touch(key)
	}
}

// FlashRaw sets a flash value: readable once, by PopFlashRaw.
func (s *Session) FlashRaw(key string, raw []byte) {
	if s != nil {
		s.SetRaw(s.flashKey(key), raw)
	}
}

// flashKey is FlashKey built in the session's arena, so that it costs no
// allocation while the arena has room. Arena bytes are never overwritten,
// so the string stays valid.
func (s *Session) flashKey(key string) string {
	if s.arena == nil {
		s.arena = s.buf[:0]
	}
	start := len(s.arena)
	s.arena = append(append(append(s.arena, flashPrefix...), key...), flashSuffix...)
	b := s.arena[start:]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// PopFlashRaw returns the flash value of key and removes it from the
// session, so that it is gone after the next commit.
func (s *Session) PopFlashRaw(key string) ([]byte, bool) {
	if s == nil {
		return nil, false
	}
	var buf [64]byte
	probe := append(append(append(buf[:0], flashPrefix...), key...), flashSuffix...)
	i := s.data.index(unsafe.String(unsafe.SliceData(probe), len(probe)))
	if i < 0 {
		return nil, false
	}
	e := s.data.entries[i]
	s.data.remove(e.key)
	s.touch(e.key)
	return e.raw, true
}

// Keys returns the keys in the session, in the order they are stored.
func (s *Session) Keys() []string {
	if s == nil {
		return nil
	}
	keys := make([]string, len(s.data.entries))
	for i, e := range s.data.entries {
		keys[i] = e.key
	}
	return keys
}

// JSON returns the session data as a JSON object, as a cookie would carry it.
func (s *Session) JSON() []byte {
	if s == nil {
		return []byte("{}")
	}
	return s.data.appendJSON(nil)
}

func (s *Session) touch(key string) {
	s.modified = true
	s.commitFailed = false
	for _, k := range s.changed {
		if k == key {
			return
		}
	}
	if s.changed == nil {
		s.changed = s.changedBuf[:0]
	}
	s.changed = append(s.changed, key)
}

// setErr records the first encoding error; CommitSession returns it.
func (s *Session) setErr(key string, err error) {
	if s.encErr == nil {
		s.encErr = &EncodeError{Key: key, Err: err}
	}
}

// patch returns the changes since the session was read.
func (s *Session) patch() Patch {
	var p Patch
	for _, k := range s.changed {
		if raw, ok := s.data.get(k); ok {
			p.Set = append(p.Set, Field{Key: k, Value: raw})
		} else {
			p.Delete = append(p.Delete, k)
		}
	}
	return p
}

func (s *Session) clearChanges() {
	s.changed = s.changed[:0]
	s.modified = false
}

// Get returns the value of key decoded as a T. It reports false when the
// key is unset or its JSON is not a T; it never panics.
func Get[T any](s *Session, key string) (T, bool) {
	raw, ok := s.Raw(key)
	if !ok {
		var zero T
		return zero, false
	}
	return Decode[T](raw)
}

// Set encodes v and stores it under key. An encoding error is kept and
// returned by the next CommitSession.
func Set[T any](s *Session, key string, v T) {
	if s == nil {
		return
	}
	start := s.arenaStart()
	arena, err := appendValue(s.arena, v)
	s.setArena(key, start, arena, err)
}

// arenaStart returns where the JSON of the next value set goes in the arena.
func (s *Session) arenaStart() int {
	if s.arena == nil {
		s.arena = s.buf[:0]
	}
	return len(s.arena)
}

// setArena stores arena[start:], the JSON a setter appended to the arena,
// under key, or records the setter's error.
func (s *Session) setArena(key string, start int, arena []byte, err error) {
	if err != nil {
		s.setErr(key, err)
		return
	}
	s.arena = arena
	s.SetRaw(key, arena[start:len(arena):len(arena)])
}

// Flash encodes v and stores it as the flash value of key.
func Flash[T any](s *Session, key string, v T) {
	if s != nil {
		Set(s, s.flashKey(key), v)
	}
}

// Pop returns the flash value of key decoded as a T and removes it.
func Pop[T any](s *Session, key string) (T, bool) {
	raw, ok := s.PopFlashRaw(key)
	if !ok {
		var zero T
		return zero, false
	}
	return Decode[T](raw)
}
