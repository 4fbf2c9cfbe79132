package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// SupportPackageIsVersion1 is referenced by generated code, so that a file
// generated for a newer runtime fails to compile against an older one
// instead of misbehaving.
//
// For generated code; apps do not use it.
const SupportPackageIsVersion1 = true

// MinSecretLen is the shortest secret accepted without
// Config.AllowWeakSecrets: 32 bytes, the size of the HMAC-SHA256 key.
const MinSecretLen = 32

// A Spec describes one session of the schema. Generated code fills it in;
// apps do not need to.
//
// For generated code; apps do not use it.
type Spec struct {
	Name     string        // the schema's session name, for messages
	Cookie   CookieOptions // cookie attributes
	Server   bool          // storage: server
	OwnerKey string        // the index key (`index: true`), or ""
	Encrypt  bool          // encrypt: true: the data is sealed with an AEAD, not only signed

	// IdleTimeout and AbsoluteTimeout end a session unused for IdleTimeout,
	// or created more than AbsoluteTimeout ago; zero disables each. They are
	// enforced from stamps inside the signed or stored data (timeout.go).
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration

	// ContextKey is the key Middleware stores the session under (generated
	// code passes the same key to Middleware and sets it here). GetSession
	// looks there first, so that under the middleware a handler's
	// GetSession returns the middleware's own session: one session per
	// request. Nil turns that look-up off.
	ContextKey any
}

// Config is what an app supplies at run time to a generated NewXStorage.
type Config struct {
	// Secrets sign the cookie. The first signs; all verify, so a new secret
	// is put first and an old one kept after it until its cookies expire.
	// Each must be at least MinSecretLen bytes unless AllowWeakSecrets.
	Secrets []string
	// AllowWeakSecrets accepts secrets shorter than MinSecretLen, for an
	// existing deployment (a React Router app sharing the cookie) whose
	// secret cannot change yet. Empty secrets are refused even so.
	AllowWeakSecrets bool
	// Store keeps server-side session data (schema `storage: server`). Nil
	// means an in-memory store for this process.
	Store Store
	// DisableSecure drops the Secure attribute, for local development over
	// plain HTTP. The schema's value is what production gets; set this from
	// the environment (e.g. only when APP_ENV=dev), never unconditionally.
	DisableSecure bool
	// Now returns the current time; nil means time.Now. For tests.
	Now func() time.Time
	// ErrorHandler answers a request whose session the middleware could not
	// load (a store failure) or commit (a cookie too large, a store failure)
	// before the response started. Nil logs the error and answers 500
	// Internal Server Error. See Storage.Middleware.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// OnInvalidCookie, when set, is called with the reason each time a
	// request's cookie is discarded (ErrTampered, ErrDecrypt, ErrMalformed,
	// an expiry error), so that an app can log or count tampering. r is nil
	// for the header-level methods (GetSessionHeader). It must not block.
	// ExampleConfig_onInvalidCookie logs with log/slog and counts by reason
	// with an expvar map:
	//
	//	OnInvalidCookie: func(r *http.Request, err error) {
	//		invalidCookies.Add(reason(err), 1) // an expvar.Map, or a counter
	//		slog.Warn("session cookie discarded", "err", err) // r is nil for GetSessionHeader
	//	},
	OnInvalidCookie func(r *http.Request, err error)
	// IdleTimeout and AbsoluteTimeout, when positive, replace the schema's
	// idleTimeout and absoluteTimeout (from configuration, or a short one
	// in tests). Zero keeps the schema's value.
	IdleTimeout, AbsoluteTimeout time.Duration
}

// A Storage reads, commits and destroys the sessions of one Spec. It is safe
// for concurrent use. Generated XStorage types wrap it.
type Storage struct {
	spec   Spec
	cookie CookieOptions
	hdr    header
	sign   *signer
	seal   *sealer // Spec.Encrypt; nil for signed cookies
	store  Store
	now    func() time.Time
	onErr  func(http.ResponseWriter, *http.Request, error) // Config.ErrorHandler

	onInvalid func(*http.Request, error) // Config.OnInvalidCookie
	dev       devWarn                    // devwarn.go: the Secure-over-HTTP warning
}

// NewStorage checks cfg and spec and returns a Storage. Every error wraps
// ErrConfig.
//
// For generated code; apps call the generated NewXStorage.
func NewStorage(spec Spec, cfg Config) (*Storage, error) {
	if err := checkSecrets(cfg); err != nil {
		return nil, err
	}
	if cfg.IdleTimeout > 0 {
		spec.IdleTimeout = cfg.IdleTimeout
	}
	if cfg.AbsoluteTimeout > 0 {
		spec.AbsoluteTimeout = cfg.AbsoluteTimeout
	}
	c := spec.Cookie
	if cfg.DisableSecure {
		c.Secure = false
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	st := &Storage{spec: spec, cookie: c, hdr: newHeader(c), sign: newSigner(cfg.Secrets), now: cfg.Now}
	if st.now == nil {
		st.now = time.Now
	}
	if st.onErr = cfg.ErrorHandler; st.onErr == nil {
		st.onErr = logError
	}
	if err := st.setupSecurity(spec, cfg); err != nil {
		return nil, err
	}
	if spec.Server {
		st.store = cfg.Store
		if st.store == nil {
			st.store = defaultMemoryStore()
		}
	}
	return st, nil
}

// MinSecretBits is the least entropy a secret must carry, unless
// Config.AllowWeakSecrets: estimated as its length times the Shannon
// entropy of its byte frequencies. This refuses secrets with almost no
// entropy (32 identical bytes, spaces, a short pattern repeated) while any
// random secret of MinSecretLen bytes passes easily (32 random hex digits
// estimate about 115 bits, base64 about 145). It cannot tell a guessable
// phrase from a random one; only a random secret is safe.
const MinSecretBits = 64

// entropyBits estimates the entropy of s in bits from its byte frequencies.
func entropyBits(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n, bits := float64(len(s)), 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			bits -= float64(c) * math.Log2(p)
		}
	}
	return bits
}

func checkSecrets(cfg Config) error {
	if len(cfg.Secrets) == 0 {
		return fmt.Errorf("%w: Config.Secrets is empty: a signed cookie needs at least one secret (print a fresh one with: sessiongen secret)", ErrConfig)
	}
	for i, s := range cfg.Secrets {
		if s == "" {
			return fmt.Errorf("%w: Config.Secrets[%d] is empty", ErrConfig, i)
		}
		if len(s) < MinSecretLen && !cfg.AllowWeakSecrets {
			return fmt.Errorf("%w: Config.Secrets[%d] is %d bytes; at least %d are needed (set Config.AllowWeakSecrets to keep an existing shorter secret)", ErrConfig, i, len(s), MinSecretLen)
		}
		if bits := entropyBits(s); bits < MinSecretBits && !cfg.AllowWeakSecrets {
			return fmt.Errorf("%w: Config.Secrets[%d] has almost no entropy (about %.0f bits estimated from its bytes; at least %d are needed): use random bytes (print a fresh secret with: sessiongen secret)", ErrConfig, i, bits, MinSecretBits)
		}
	}
	return nil
}

// Spec returns the session's spec with the cookie options in force.
func (st *Storage) Spec() Spec {
	if st == nil {
		return Spec{}
	}
	sp := st.spec
	sp.Cookie = st.cookie
	return sp
}

// Store returns the server-side store, or nil for cookie storage.
func (st *Storage) Store() Store {
	if st == nil {
		return nil
	}
	return st.store
}

// GetSession reads the session of r. A missing, tampered or undecodable
// cookie gives a new empty session and a nil error; only a store failure is
// an error.
//
// Under this storage's Middleware it returns the session the middleware
// read for r (the pointer SessionFrom returns), not a second copy: there is
// one session per request, so an explicit CommitSession and the
// middleware's commit act on the same object and neither can overwrite the
// other with older data.
func (st *Storage) GetSession(r *http.Request) (*Session, error) {
	if st == nil {
		return nil, ErrNoStorage
	}
	return st.getSession(r, nil)
}

// getSession is GetSession on a non-nil storage, reading a new session into
// into when it is not nil (the middleware's per-request allocation).
func (st *Storage) getSession(r *http.Request, into *Session) (*Session, error) {
	if st.spec.ContextKey != nil {
		if s, ok := SessionFrom(r.Context(), st.spec.ContextKey); ok && s.from == st {
			return s, nil
		}
	}
	s, err := st.readSession(r.Context(), cookieHeader(r.Header), into)
	st.reportInvalid(r, s)
	st.noteRequest(s, r)
	return s, err
}

// GetSessionHeader is GetSession for callers without an *http.Request: it
// takes the Cookie header's value.
func (st *Storage) GetSessionHeader(ctx context.Context, cookieHeader string) (*Session, error) {
	if st == nil {
		return nil, ErrNoStorage
	}
	s, err := st.readSession(ctx, cookieHeader, nil)
	st.reportInvalid(nil, s)
	return s, err
}

// readSession is GetSessionHeader without the OnInvalidCookie report,
// reading into s (a zero Session) or, when s is nil, a new one.
func (st *Storage) readSession(ctx context.Context, cookieHeader string, s *Session) (*Session, error) {
	if s == nil {
		s = new(Session)
	}
	s.ctx, s.from = ctx, st
	wire, ok := cookieValue(cookieHeader, st.cookie.Name)
	if !ok || wire == "" {
		return s, nil
	}
	// The percent-decoded value is only verified (or decrypted), so it is
	// built in a pooled buffer; the payload the session aliases is decoded
	// into the session's own inline buffer when it fits.
	buf := scratch.Get().(*[]byte)
	value := appendPercentDecoded((*buf)[:0], wire)
	payload, err := st.openValue(s, value)
	if cap(value) <= 64<<10 {
		*buf = value[:0]
	}
	scratch.Put(buf)
	if err != nil {
		s.readErr = err
		return s, nil
	}
	if st.store != nil {
		return st.readServer(ctx, s, payload)
	}
	data, ok := parseObjectBuf(payload, s.entryBuf[:0])
	if !ok {
		s.readErr = ErrMalformed
		return s, nil
	}
	s.data = data
	return st.checkTimeouts(s)
}

// cookieHeader returns the request's Cookie header; several Cookie lines
// (HTTP/2 may split them) are joined as one. The map is read directly:
// "Cookie" is already canonical.
func cookieHeader(h http.Header) string {
	switch v := h["Cookie"]; len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	default:
		return strings.Join(v, "; ")
	}
}

// setCookie puts the Set-Cookie line of the session's cookie into h,
// replacing an earlier line for the same cookie name (an earlier commit in
// this request), so a response never carries two; the key is not
// canonicalised.
func (st *Storage) setCookie(h http.Header, line string) { putSetCookie(h, st.cookie.Name, line) }

// putSetCookie adds a Set-Cookie line for the cookie name to h, replacing
// an earlier line for that name.
func putSetCookie(h http.Header, name, line string) {
	lines := h["Set-Cookie"]
	for i, l := range lines {
		if len(l) > len(name) && l[len(name)] == '=' && strings.HasPrefix(l, name) {
			lines = slices.Delete(slices.Clone(lines), i, i+1)
			break
		}
	}
	h["Set-Cookie"] = append(lines, line)
}

// CommitSession writes the session's Set-Cookie header to w (and, for
// server storage, its data to the store), replacing a Set-Cookie of the same
// cookie name added earlier in the request.
//
// A server-side session destroyed or revoked while this request ran is not
// brought back: CommitSession stores nothing, adds the Set-Cookie that
// deletes the cookie and returns ErrSessionEnded. Any other error adds no
// header; under the middleware, a failed explicit commit is not retried by
// the middleware's own commit (unless the session changes again), so a
// handler that answers the error itself keeps its response.
func (st *Storage) CommitSession(w http.ResponseWriter, s *Session, opts ...CommitOption) error {
	line, err := st.CommitSessionHeader(s, opts...)
	if line != "" {
		st.setCookie(w.Header(), line)
	}
	return err
}

// CommitSessionHeader is CommitSession for callers without an
// http.ResponseWriter: it returns the Set-Cookie header's value. With
// ErrSessionEnded it returns the deleting Set-Cookie value too.
func (st *Storage) CommitSessionHeader(s *Session, opts ...CommitOption) (string, error) {
	if st == nil {
		return "", ErrNoStorage
	}
	if s == nil {
		return "", ErrNilSession
	}
	line, err := st.commit(s, opts)
	if errors.Is(err, ErrSessionEnded) {
		st.endSession(s)
		return st.hdr.destroyLine, err
	}
	if err != nil {
		s.commitFailed = true // the handler has the error: the middleware does not retry
	}
	return line, err
}

// commit is CommitSessionHeader on a non-nil session.
func (st *Storage) commit(s *Session, opts []CommitOption) (string, error) {
	if s.encErr != nil {
		return "", s.encErr
	}
	s.opts = opts
	var o commitOptions
	if len(opts) > 0 {
		o = collectOptions(opts)
		if o.err != nil {
			return "", o.err
		}
	}
	st.stamp(s)
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	payload := (*buf)[:0]
	if st.store != nil {
		id, err := st.commitServer(s, o)
		if err != nil {
			return "", err
		}
		payload = appendJSString(payload, id)
	} else {
		payload = s.data.appendJSON(payload)
	}
	line, err := st.line(payload, o, buf)
	if err != nil {
		return "", err
	}
	s.clearChanges()
	st.warnInsecure(s)
	return line, nil
}

// endSession leaves s empty and new after its stored data turned out to be
// gone (ErrSessionEnded).
func (st *Storage) endSession(s *Session) {
	s.data, s.id, s.prevID, s.opts = object{}, "", "", nil
	s.clearChanges()
}

func collectOptions(opts []CommitOption) commitOptions {
	var o commitOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// scratch holds buffers for building Set-Cookie lines: the JSON payload,
// its signed or sealed form and the escaped line share one buffer, so a
// commit allocates only the final string.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// line builds the Set-Cookie line for a payload, refusing one that is too
// large for browsers. payload lies at the start of *buf; the encoded value
// and the line are appended after it.
func (st *Storage) line(payload []byte, o commitOptions, buf *[]byte) (string, error) {
	b := st.appendEncoded(payload, payload)
	value := b[len(payload):]
	b = st.hdr.appendLine(b, value, o)
	lineBytes := b[len(payload)+len(value):]
	if cap(b) <= 64<<10 {
		*buf = b[:0] // keep the grown buffer, unless a huge session grew it
	}
	if len(lineBytes) > maxSetCookie {
		return "", &TooLargeError{Name: st.cookie.Name, Size: len(lineBytes), Limit: maxSetCookie}
	}
	return string(lineBytes), nil
}

// DestroySession expires the cookie and, for server storage, deletes the
// data.
func (st *Storage) DestroySession(w http.ResponseWriter, s *Session) error {
	line, err := st.DestroySessionHeader(s)
	if err != nil {
		return err
	}
	st.setCookie(w.Header(), line)
	return nil
}

// DestroySessionHeader is DestroySession returning the Set-Cookie value.
func (st *Storage) DestroySessionHeader(s *Session) (string, error) {
	if st == nil {
		return "", ErrNoStorage
	}
	if s == nil {
		return "", ErrNilSession
	}
	for _, id := range []string{s.id, s.prevID} {
		if st.store != nil && id != "" {
			if err := st.store.Delete(s.Context(), id); err != nil {
				return "", &StoreError{Op: "delete", Err: err}
			}
		}
	}
	// A remember-me commit earlier in the request does not outlive the
	// session either.
	st.endSession(s)
	return st.hdr.destroyLine, nil
}

// Server-side session ids are 64 hex digits: 192 random bits from
// crypto/rand, then 64 bits that bind the id to the session's name (Spec.Name),
// so that the signed id cookie of one session (User) presented under
// another's cookie name (Admin) is refused even when both share secrets and
// a store. The tag needs no key: ids reach the runtime only inside signed
// cookies, which an attacker cannot make; it only has to differ between
// session names.
const (
	idRandom = 24
	idTag    = 8
)

// newID returns a fresh id for this storage's session.
func (st *Storage) newID() string {
	var b [idRandom + idTag]byte
	rand.Read(b[:idRandom])
	st.idTag(b[idRandom:], b[:idRandom])
	return hex.EncodeToString(b[:])
}

// idTag writes the name tag of the random part r into dst.
func (st *Storage) idTag(dst, r []byte) {
	var buf [128]byte
	sum := sha256.Sum256(append(append(append(append(buf[:0], "sessiongen session id\x00"...), st.spec.Name...), 0), r...))
	copy(dst, sum[:])
}

// validID reports whether id is an id this storage issued: lower-case hex
// of the right length whose tag names this session.
func (st *Storage) validID(id string) bool {
	var b [idRandom + idTag]byte
	if len(id) != 2*len(b) {
		return false
	}
	for i := 0; i < len(id); i++ {
		if unhex(id[i]) < 0 || ('A' <= id[i] && id[i] <= 'F') {
			return false
		}
	}
	hex.Decode(b[:], []byte(id))
	var tag [idTag]byte
	st.idTag(tag[:], b[:idRandom])
	return subtle.ConstantTimeCompare(tag[:], b[idRandom:]) == 1
}

func (st *Storage) readServer(ctx context.Context, s *Session, payload []byte) (*Session, error) {
	id, ok := Decode[string](payload)
	if !ok || !st.validID(id) {
		s.readErr = ErrMalformed
		return s, nil
	}
	rec, err := st.store.Read(ctx, id)
	if errors.Is(err, ErrNotFound) {
		// An id the store does not know is never adopted: the next commit
		// creates a new one.
		return s, nil
	}
	if err != nil {
		return nil, &StoreError{Op: "read", Err: err}
	}
	// The session's keys and values alias the bytes they are parsed from,
	// so parse a copy: a Store may reuse its buffer.
	data, ok := parseObjectBuf(bytes.Clone(rec.Data), s.entryBuf[:0])
	if !ok {
		return nil, &StoreError{Op: "read", Err: fmt.Errorf("data of session is not a JSON object")}
	}
	s.id, s.data = id, data
	return st.checkTimeouts(s)
}

// expiry is how long the store keeps data after this commit: the commit's
// Expires or Max-Age, else the schema's maxAge; zero (never) when the
// cookie is a browser-session cookie.
func (st *Storage) expiry(o commitOptions) time.Time {
	now := st.now()
	switch {
	case !o.expires.IsZero():
		if limit := now.Add(maxCookieAge * time.Second); o.expires.After(limit) {
			return limit
		}
		return o.expires
	case o.hasMaxAge:
		return now.Add(time.Duration(min(max(o.maxAge, 0), maxCookieAge)) * time.Second)
	case st.hdr.maxAge >= 0:
		return now.Add(time.Duration(st.hdr.maxAge) * time.Second)
	}
	return time.Time{}
}

// retention bounds exp, the store's expiry from the cookie's lifetime, by
// the session's own deadlines: the idle deadline (the idle stamp is written
// now, at this commit) and the absolute one (creation + absoluteTimeout).
// An abandoned session is then swept like an expired one, even when its
// cookie has no Max-Age.
func (st *Storage) retention(exp time.Time, s *Session) time.Time {
	limit := func(t time.Time) {
		if exp.IsZero() || t.Before(exp) {
			exp = t
		}
	}
	if idle := st.spec.IdleTimeout; idle > 0 {
		limit(st.now().Add(idle))
	}
	if abs := st.spec.AbsoluteTimeout; abs > 0 {
		if created, ok := stampOf(s, CreatedKey); ok {
			limit(time.Unix(created, 0).Add(abs))
		}
	}
	return exp
}

// commitServer writes the session to the store and returns its id: a new
// session is created under a fresh id; a known one gets only its changes,
// so concurrent requests that change different keys both persist.
//
// A session whose stored data is gone (destroyed, revoked or expired while
// this request ran) is never written again, under its id or a new one:
// ErrSessionEnded. Otherwise a request in flight could undo a logout or a
// RevokeOwner by committing what it read, or by setting the owner again.
func (st *Storage) commitServer(s *Session, o commitOptions) (string, error) {
	ctx := s.Context()
	exp := st.retention(st.expiry(o), s)
	if s.id != "" {
		p := s.patch()
		p.Expires = exp
		if st.spec.OwnerKey != "" && slices.Contains(s.changed, st.spec.OwnerKey) {
			owner := st.owner(s)
			p.Owner = &owner
		}
		err := st.store.Update(ctx, s.id, p)
		if err == nil {
			return s.id, nil
		}
		if errors.Is(err, ErrNotFound) {
			return "", ErrSessionEnded
		}
		return "", &StoreError{Op: "update", Err: err}
	}
	id, err := st.create(ctx, Record{Data: s.data.appendJSON(nil), Expires: exp, Owner: st.owner(s)})
	if err != nil {
		return "", err
	}
	if s.prevID != "" {
		if err := st.retire(ctx, s.prevID, id); err != nil {
			return "", err
		}
		s.prevID = ""
	}
	s.id = id
	return id, nil
}

// create stores rec under a fresh id.
func (st *Storage) create(ctx context.Context, rec Record) (string, error) {
	for range 3 {
		id := st.newID()
		err := st.store.Create(ctx, id, rec)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, ErrIDTaken) {
			return "", &StoreError{Op: "create", Err: err}
		}
	}
	return "", &StoreError{Op: "create", Err: ErrIDTaken}
}

// retire deletes the id a session had before RegenerateID, once its data
// is stored under the new id. The old data must still exist when the new id
// is already stored: if it is gone, it was destroyed or revoked while this
// request ran, and the new id is deleted again (ErrSessionEnded). In that
// order, a RevokeOwner that runs at any moment either deletes the new id
// with the rest (it was created before) or is seen here (it ran before).
func (st *Storage) retire(ctx context.Context, old, id string) error {
	_, err := st.store.Read(ctx, old)
	if err == nil {
		if err := st.store.Delete(ctx, old); err != nil {
			return &StoreError{Op: "delete", Err: err}
		}
		return nil
	}
	if derr := st.store.Delete(ctx, id); derr != nil {
		return &StoreError{Op: "delete", Err: derr}
	}
	if errors.Is(err, ErrNotFound) {
		return ErrSessionEnded
	}
	return &StoreError{Op: "read", Err: err}
}

// owner returns the index key's value as a plain string ("" when unset).
func (st *Storage) owner(s *Session) string {
	if st.spec.OwnerKey == "" {
		return ""
	}
	raw, ok := s.data.get(st.spec.OwnerKey)
	if !ok {
		return ""
	}
	if v, ok := Decode[string](raw); ok {
		return v
	}
	return string(raw)
}

// RegenerateID starts the session anew at login: the absolute timeout
// runs from the next commit, an earlier remember-me choice (RememberKey) is
// forgotten, and a server-side session gets a new id while the data under
// the old one is deleted, so that an id known before login (session
// fixation) is useless after it. Call it at login, then commit.
//
// The data under the old id is deleted by the next commit, right after it
// is stored under the new id; if the old session was destroyed or revoked
// meanwhile, that commit stores nothing and returns ErrSessionEnded.
func (st *Storage) RegenerateID(s *Session) error {
	if st == nil {
		return ErrNoStorage
	}
	if s == nil {
		return ErrNilSession
	}
	s.Unset(CreatedKey)
	s.Unset(RememberKey)
	s.opts = nil
	if st.store == nil || s.id == "" {
		return nil
	}
	if s.prevID == "" {
		s.prevID = s.id
	}
	s.id = ""
	s.changed = s.changed[:0]
	s.modified = true
	s.commitFailed = false
	return nil
}

// RevokeOwner deletes every server-side session whose index key
// (`index: true` in the schema) equals owner, for example after a password
// change, and reports how many. It returns ErrNoOwnerIndex when the schema
// has no index key or the store does not implement OwnerIndex.
func (st *Storage) RevokeOwner(ctx context.Context, owner string) (int, error) {
	if st == nil {
		return 0, ErrNoStorage
	}
	idx, ok := st.store.(OwnerIndex)
	if !ok || st.spec.OwnerKey == "" {
		return 0, ErrNoOwnerIndex
	}
	n, err := idx.DeleteByOwner(ctx, owner)
	if err != nil {
		return n, &StoreError{Op: "revoke", Err: err}
	}
	return n, nil
}

// OwnerOf returns v as the owner string stores index: a string as it is,
// any other value as its JSON text (an integer id 42 becomes "42").
//
// For generated code; apps do not call it.
func OwnerOf[T any](v T) string {
	raw, err := Encode(v)
	if err != nil {
		return ""
	}
	if s, ok := Decode[string](raw); ok {
		return s
	}
	return string(raw)
}
