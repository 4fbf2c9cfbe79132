package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// A Store keeps the data of server-side sessions (schema `storage: server`).
// The cookie then carries only the signed session id; the data lives here.
//
// A Store is the Go form of React Router's createSessionStorage callbacks
// (createData, readData, updateData, deleteData), with two differences that
// make it safe under concurrency and fixation:
//
//   - the runtime chooses the id (64 hex digits: 192 bits from crypto/rand and a tag naming the session) and Create must
//     refuse an id that already exists (return ErrIDTaken), so an id is never
//     shared or adopted;
//   - Update receives a Patch (the keys set and the keys removed since the
//     session was read), not the whole data, and must apply it atomically, so
//     two requests that change different keys of one session both persist.
//     Two requests that set the same key: the last write wins.
//
// Data is always a JSON object (the same bytes a cookie session would sign);
// a Store may keep it as text, as jsonb, as a hash of fields or any other way,
// as long as Read returns an equivalent JSON object.
//
// Expiry: a zero Expires means the data does not expire. A Store must not
// return expired data from Read (return ErrNotFound), and should delete it
// eventually (a sweep, a TTL, or a cleanup query).
//
// Errors: ErrNotFound when the id is unknown or expired; any other error is a
// store failure, which the runtime passes to the caller and never turns into
// an empty session.
//
// The storetest package holds a conformance suite that every Store here runs
// and that a user's own Store should run too.
type Store interface {
	// Create stores a new session under id. It returns ErrIDTaken when the id
	// exists already (unexpired).
	Create(ctx context.Context, id string, rec Record) error
	// Read returns the session stored under id, or ErrNotFound.
	Read(ctx context.Context, id string) (Record, error)
	// Update applies p to the session under id atomically, or returns
	// ErrNotFound when the id is unknown or expired.
	Update(ctx context.Context, id string, p Patch) error
	// Delete removes the session under id. Deleting an unknown id is not an
	// error.
	Delete(ctx context.Context, id string) error
}

// A Record is one stored session.
type Record struct {
	// Data is the session data as a JSON object.
	Data json.RawMessage
	// Expires is when the data stops being valid; zero means never.
	Expires time.Time
	// Owner is the value of the schema's index key (`index: true`), as a
	// plain string, or "" when the session has none. Stores that implement
	// OwnerIndex keep an index from owner to ids.
	Owner string
}

// A Field is one key and its JSON-encoded value.
type Field struct {
	Key   string
	Value json.RawMessage
}

// A Patch is the change a commit makes to a stored session: keys set (in
// order), keys removed, the new expiry and, when the index key changed, the
// new owner.
type Patch struct {
	Set     []Field
	Delete  []string
	Expires time.Time
	// Owner is nil when the owner did not change; a pointer to "" when the
	// index key was removed.
	Owner *string
}

// Empty reports whether the patch changes no key.
func (p Patch) Empty() bool { return len(p.Set) == 0 && len(p.Delete) == 0 }

// OwnerIndex is implemented by stores that can find every session of one
// owner without scanning all sessions (to revoke them after a password
// change, for example).
type OwnerIndex interface {
	// IDsByOwner lists the ids of the unexpired sessions whose owner is owner.
	IDsByOwner(ctx context.Context, owner string) ([]string, error)
	// DeleteByOwner deletes every session of owner and reports how many.
	DeleteByOwner(ctx context.Context, owner string) (int, error)
}

// Store errors.
var (
	// ErrNotFound is returned by Store.Read and Store.Update for an id that
	// is unknown or expired.
	ErrNotFound = errors.New("sessiongen: session not found")
	// ErrIDTaken is returned by Store.Create for an id that exists already.
	ErrIDTaken = errors.New("sessiongen: session id already exists")
	// ErrNoOwnerIndex is returned by revocation when the schema declares no
	// index key or the store cannot look sessions up by owner.
	ErrNoOwnerIndex = errors.New("sessiongen: store has no owner index")
)

// ApplyPatch applies p to the JSON object data and returns the new object,
// keeping the order of existing keys and appending new ones, as a
// JavaScript object would. Stores that keep data as one JSON document (the
// memory and file stores, and SQL stores without JSON operators) use it
// under their own lock or transaction, or (the memory store) store its
// result only if the data did not change meanwhile.
func ApplyPatch(data json.RawMessage, p Patch) (json.RawMessage, error) {
	var o object
	size := len(data) + 2
	if len(data) > 0 {
		var ok bool
		o, ok = parseObject(data)
		if !ok {
			return nil, errors.New("sessiongen: stored session data is not a JSON object")
		}
	}
	for _, k := range p.Delete {
		o.remove(k)
	}
	for _, f := range p.Set {
		o.set(f.Key, f.Value)
		size += len(f.Key) + len(f.Value) + 4 // quotes, colon, comma
	}
	// One allocation for the document (and one for the entries in
	// parseObject): size is exact unless a key needs escapes, and then
	// append grows it.
	return o.appendJSON(make([]byte, 0, size)), nil
}
