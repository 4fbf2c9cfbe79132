package bench

import (
	"errors"
	"slices"
)

// The session every implementation carries: a string id, a theme, two
// roles, a unix-ms timestamp and a flash message.
const (
	keyUserID   = "userId"
	keyTheme    = "theme"
	keyRoles    = "roles"
	keyLastSeen = "lastSeen"
	flashKey    = "message"

	valUserID   = "user-8c1f3a"
	valTheme    = "dark"
	valLastSeen = int64(1767225600000)
	valFlash    = "Saved!"

	// nextLastSeen is what the round trip writes.
	nextLastSeen = valLastSeen + 60_000

	cookieName = "__session"
	// secret is the 32-byte signing key every implementation uses.
	secret = "k9V2qXw7R4tB8nL1mZ5cH3sJ6dF0gP2y"
)

var valRoles = []string{"admin", "editor"}

// The JSON bytes of the session in React Router's format, for each scenario:
// what sessiongen puts in the cookie and what the floor signs.
const (
	// payloadFull is the incoming session of Read and RoundTrip.
	payloadFull = `{"userId":"user-8c1f3a","theme":"dark","roles":["admin","editor"],"lastSeen":1767225600000,"__flash_message__":"Saved!"}`
	// payloadWrite is a new session after Write: two keys and a flash.
	payloadWrite = `{"userId":"user-8c1f3a","theme":"dark","__flash_message__":"Saved!"}`
	// payloadRoundTrip is payloadFull after RoundTrip sets lastSeen.
	payloadRoundTrip = `{"userId":"user-8c1f3a","theme":"dark","roles":["admin","editor"],"lastSeen":1767225660000,"__flash_message__":"Saved!"}`
)

var errBadRead = errors.New("session read back wrong values")

// checkRead is what every Read and RoundTrip does with the three keys it
// reads (two strings and a []string, as an app reads its user id, a
// preference and the roles it authorises with): it keeps the reads from
// being optimised away and catches an implementation that reads nothing.
func checkRead(uid string, okUID bool, theme string, okTheme bool, roles []string, okRoles bool) error {
	if !okUID || !okTheme || !okRoles || uid != valUserID || theme != valTheme || !slices.Equal(roles, valRoles) {
		return errBadRead
	}
	return nil
}

// view is a session's content decoded by an implementation, for the tests.
type view struct {
	UserID   string
	Theme    string
	Roles    []string
	LastSeen int64
	Flash    string
}

func (v view) equal(w view) bool {
	return v.UserID == w.UserID && v.Theme == w.Theme && slices.Equal(v.Roles, w.Roles) &&
		v.LastSeen == w.LastSeen && v.Flash == w.Flash
}

var (
	viewFull      = view{UserID: valUserID, Theme: valTheme, Roles: valRoles, LastSeen: valLastSeen, Flash: valFlash}
	viewWrite     = view{UserID: valUserID, Theme: valTheme, Flash: valFlash}
	viewRoundTrip = view{UserID: valUserID, Theme: valTheme, Roles: valRoles, LastSeen: nextLastSeen, Flash: valFlash}
)
