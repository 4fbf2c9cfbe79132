package runtime

import (
	"errors"
	"fmt"
)

// Errors about cookies. GetSession never returns these: a cookie that fails
// reads as an empty session, as in React Router. Session.ReadError tells an
// app why, so that it can log tampering.
var (
	// ErrTampered means the value has the signed form (payload '.'
	// signature) but no configured secret verifies its signature.
	ErrTampered = errors.New("sessiongen: cookie signature does not verify")
	// ErrMalformed means the value is not in the cookie's format at all (no
	// '.' before a signature: garbage, another app's cookie), or the
	// signature verifies but the payload is not base64 of UTF-8 JSON.
	ErrMalformed = errors.New("sessiongen: cookie payload is not valid")
	// ErrDecrypt means an encrypted cookie (Spec.Encrypt) does not open
	// under any configured secret: a wrong key, a modified value, a value
	// moved from another cookie, or one in the signed format. AEADs do not
	// tell these apart. errors.Is(ErrDecrypt, ErrTampered) is true, so one
	// check covers both formats.
	ErrDecrypt = fmt.Errorf("sessiongen: encrypted cookie does not open under any secret: %w", ErrTampered)
)

// ErrConfig is wrapped by every error that NewStorage returns for a bad
// Config or Spec.
var ErrConfig = errors.New("sessiongen: bad configuration")

// A TooLargeError is returned by CommitSession when the whole Set-Cookie line
// would exceed the 4096 bytes browsers keep. No header is written.
// errors.Is(err, ErrTooLarge) matches it.
type TooLargeError struct {
	Name  string // cookie name
	Size  int    // bytes the Set-Cookie line would have
	Limit int    // 4096
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("sessiongen: cookie %q too large: Set-Cookie would be %d bytes, browsers keep at most %d (store less, or use server storage)", e.Name, e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// ErrTooLarge matches a *TooLargeError with errors.Is.
var ErrTooLarge = errors.New("sessiongen: cookie too large")

// A StoreError wraps a failure of the session Store (database down, disk
// full). GetSession and CommitSession return it; they never turn it into an
// empty session.
type StoreError struct {
	Op  string // "read", "create", "update", "delete", "revoke"
	Err error
}

func (e *StoreError) Error() string { return "sessiongen: store " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the store's own error.
func (e *StoreError) Unwrap() error { return e.Err }

// An EncodeError is returned by CommitSession when a value set on the
// session could not be encoded as JSON (a MarshalJSON method failed, for
// example). Nothing is written.
type EncodeError struct {
	Key string
	Err error
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("sessiongen: cannot encode key %q: %v", e.Key, e.Err)
}

// Unwrap returns the encoder's error.
func (e *EncodeError) Unwrap() error { return e.Err }

// Errors of the request model: what a commit, a destroy or a storage method
// returns when it cannot act on the session it was given.
var (
	// ErrSessionEnded is returned by CommitSession for a server-side session
	// that was destroyed, revoked (RevokeOwner) or expired in the store while
	// the request that read it ran. Nothing of the request's changes is
	// stored, under the old id or a new one: a request in flight can never
	// undo a logout or a revocation. The session is left empty and new, and
	// the response gets the Set-Cookie that deletes the cookie, so the
	// browser holds nothing stale. Under Storage.Middleware this is not an
	// error: the middleware sends that deleting Set-Cookie and the
	// handler's response goes on.
	ErrSessionEnded = errors.New("sessiongen: the session was destroyed or revoked while this request ran; nothing was stored")
	// ErrNilSession is returned by CommitSession, DestroySession and
	// RegenerateID given a nil session (a session read from a context
	// without the middleware, for example).
	ErrNilSession = errors.New("sessiongen: nil session")
	// ErrNoStorage is returned by the methods of a nil or zero-value
	// Storage, one that was not made by NewStorage (or a generated
	// NewXStorage).
	ErrNoStorage = errors.New("sessiongen: storage not initialised: make it with its New function")
)
