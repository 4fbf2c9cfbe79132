package generator

import (
	"fmt"
	"go/token"
	"slices"
)

// This file is the declaration table. As protobuf-go's protogen names
// every declaration before anything is emitted, declare names every Go
// identifier the generated file will declare (package-level types,
// functions and variables, and each receiver's methods) as an entry with
// the YAML position it comes from. Validation claims every entry, so a
// collision is a positioned error naming both origins; the emitter reads
// the names from the model (SessionNames, KeyNames) and builds none itself.
// TestDeclarationsMatchTable holds the emitted file to the table.

// SessionNames are the package-level identifiers generated for a session.
type SessionNames struct {
	Session string // UserSession
	Storage string // UserStorage
	New     string // NewUserStorage
	Spec    string // userSpec
	CtxKey  string // userSessionKey
	From    string // UserSessionFrom
}

// KeyNames are the methods generated for a key or flash key; the fields a
// key does not have are "".
type KeyNames struct {
	Get, Set, Has, Unset string // key: UserID, SetUserID, HasUserID, UnsetUserID
	Flash, Pop           string // flash key: FlashMessage, PopMessage
	Require              string // a key with require: RequireUserID (a storage method)
	RevokeBy             string // an index key: RevokeByUserID (a storage method)
}

// A Decl is one generated identifier and where it comes from.
type Decl struct {
	Name   string
	Origin string // `session "User"`, `key "userId"`; "" for sessiongen's own
	Pos    Pos    // the origin's position; zero for sessiongen's own
}

// A Scope is the set of identifiers declared in one namespace: the package
// block, or the methods of one receiver type.
type Scope struct {
	Name  string // "" for the package block, else the receiver type
	Decls []*Decl
	index map[string]*Decl
}

// The identifiers every generated file declares itself.
var (
	// packageBuiltins are emitShared's declarations.
	packageBuiltins = []string{"Config", "CommitOption", "WithMaxAge", "WithExpires"}
	// sessionBuiltins are the methods of every XSession besides the keys'.
	sessionBuiltins = []string{"ID", "Runtime", "TimedOut"}
	// storageBuiltins are the methods of every XStorage besides the keys'.
	storageBuiltins = []string{
		"Runtime", "GetSession", "GetSessionHeader", "CommitSession", "CommitSessionHeader",
		"DestroySession", "DestroySessionHeader", "RegenerateID", "Middleware", "Require",
	}
)

// vetMethods are the method names go vet's stdmethods check holds to the
// signature of a standard interface (json.Marshaler, io.ByteReader,
// gob.GobEncoder, fmt.Formatter, …): a key may not give one, since its
// accessor has another signature.
var vetMethods = []string{
	"As", "Format", "GobDecode", "GobEncode", "Is", "MarshalJSON", "MarshalXML", "Peek", "ReadByte",
	"ReadFrom", "ReadRune", "Scan", "Seek", "UnmarshalJSON", "UnmarshalXML", "UnreadByte",
	"UnreadRune", "Unwrap", "WriteByte", "WriteTo",
}

func newScope(name string, builtins []string) *Scope {
	sc := &Scope{Name: name, index: map[string]*Decl{}}
	for _, n := range builtins {
		sc.add(&Decl{Name: n})
	}
	return sc
}

func (sc *Scope) add(d *Decl) {
	sc.Decls = append(sc.Decls, d)
	sc.index[d.Name] = d
}

// Names returns the identifiers of the scope, sorted.
func (sc *Scope) Names() []string {
	names := make([]string, len(sc.Decls))
	for i, d := range sc.Decls {
		names[i] = d.Name
	}
	slices.Sort(names)
	return names
}

// claim declares names for one origin, all or none: it reports the first
// that is taken or refused (one message per origin, not one per name) and
// then declares nothing.
func (l *loader) claim(sc *Scope, what, origin string, p Pos, names ...string) bool {
	for _, name := range names {
		if msg := l.refused(sc, name); msg != "" {
			l.d.add(p, "%s%s gives %s, %s", what, origin, name, msg)
			return false
		}
		prev := sc.index[name]
		if prev == nil || (prev.Origin == origin && prev.Pos == p) {
			continue
		}
		if prev.Origin == "" {
			l.d.add(p, "%s%s gives %s %s, which is reserved", what, origin, kindOf(sc), name)
		} else {
			l.d.add(p, "%s%s and %s both become %s (first at %d:%d)", what, origin, prev.Origin, name, prev.Pos.Line, prev.Pos.Col)
		}
		return false
	}
	for _, name := range names {
		sc.add(&Decl{Name: name, Origin: origin, Pos: p})
	}
	return true
}

func kindOf(sc *Scope) string {
	if sc.Name == "" {
		return "declaration"
	}
	return "method"
}

// refused says why name cannot be declared in sc at all, or "".
func (l *loader) refused(sc *Scope, name string) string {
	switch {
	case !token.IsIdentifier(name):
		return "which is not a Go identifier"
	case sc.Name != "" && slices.Contains(vetMethods, name):
		return fmt.Sprintf("a method go vet reserves for the standard %s signature: rename the key", name)
	}
	return ""
}

// notExported says why a name whose first letter has no upper case is
// refused.
const notExported = "name must start with a letter that has an upper case (A-Z, É, Ω, …): the generated names are exported"

// exported reports a name whose Go name cannot be exported (its first
// letter has no upper case, as in 名前).
func exported(goName string) bool { return goName != "" && token.IsExported(goName) }

// declare fills in the names of every session and key, claiming each in
// the package block or its receiver's method set. Sessions whose Go name
// is unusable are left out; their problem is reported already.
func (l *loader) declare(s *Schema) {
	s.Scope = newScope("", packageBuiltins)
	for _, sess := range s.Sessions {
		if !exported(sess.GoName) {
			continue
		}
		sess.Names = SessionNames{
			Session: sess.GoName + "Session",
			Storage: sess.GoName + "Storage",
			New:     "New" + sess.GoName + "Storage",
			Spec:    lowerFirst(sess.GoName) + "Spec",
			CtxKey:  lowerFirst(sess.GoName) + "SessionKey",
			From:    sess.GoName + "SessionFrom",
		}
		n := sess.Names
		origin := fmt.Sprintf("session %q", sess.Name)
		if !l.claim(s.Scope, "", origin, sess.Pos, n.Session, n.Storage, n.New, n.Spec, n.CtxKey, n.From) {
			continue
		}
		sess.Methods = newScope(n.Session, sessionBuiltins)
		sess.StorageMethods = newScope(n.Storage, storageBuiltins)
		l.declareKeys(sess)
	}
	l.declareCookies(s)
	l.declareCodecs(s)
}

// declareKeys names and claims the methods of a session's keys.
func (l *loader) declareKeys(sess *Session) {
	what := fmt.Sprintf("session %q: ", sess.Name)
	for _, k := range sess.Keys {
		if !exported(k.GoName) {
			continue
		}
		g := k.GoName
		k.Names = KeyNames{Get: g, Set: "Set" + g, Has: "Has" + g, Unset: "Unset" + g}
		origin := fmt.Sprintf("key %q", k.Name)
		l.claim(sess.Methods, what, origin, k.Pos, k.Names.Get, k.Names.Set, k.Names.Has, k.Names.Unset)
		if k.Require != "" {
			k.Names.Require = "Require" + g
			l.claim(sess.StorageMethods, what, origin, k.Pos, k.Names.Require)
		}
		if k.Index {
			k.Names.RevokeBy = "RevokeBy" + g
			l.claim(sess.StorageMethods, what, origin, k.Pos, k.Names.RevokeBy)
		}
	}
	for _, k := range sess.Flash {
		if !exported(k.GoName) {
			continue
		}
		k.Names = KeyNames{Flash: "Flash" + k.GoName, Pop: "Pop" + k.GoName}
		l.claim(sess.Methods, what, fmt.Sprintf("flash key %q", k.Name), k.Pos, k.Names.Flash, k.Names.Pop)
	}
}
