package generator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
	"go.yaml.in/yaml/v3"
)

// A Schema is a decoded and checked schema file.
type Schema struct {
	Package  string
	Sessions []*Session
	Cookies  []*StandaloneCookie // the cookies section (cookies.go)
	Scope    *Scope              // the package block: every package-level identifier
	PkgPath  string              // the generated package's import path, when it was loaded
	Imports  map[string]string   // package name by import path, of the named types' packages
	Codecs   []*CodecVar         // the codec variables of the key types (codec.go)
}

// A Session is one session of the schema: a cookie, its keys and flash keys.
type Session struct {
	Name            string // schema name
	GoName          string // User → UserSession, UserStorage, NewUserStorage
	Doc             string
	Server          bool // storage: server
	Encrypt         bool // encrypt: true: the cookie is sealed with an AEAD
	Cookie          Cookie
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	Keys            []*Key
	Flash           []*Key
	Pos             Pos
	Names           SessionNames
	Methods         *Scope // of the XSession type
	StorageMethods  *Scope // of the XStorage type
}

// A Cookie holds the cookie attributes with the schema's defaults applied:
// the runtime's own type, so that the generator checks what NewStorage
// will check.
type Cookie = runtime.CookieOptions

// A Key is one session key or flash key.
type Key struct {
	Name    string // schema name, the key in the JSON data
	GoName  string
	Doc     string
	Type    *Type
	Default any // nil, or a value of Type's Go kind (string, bool, int64, float64, time.Duration)
	Index   bool
	Require string // require.redirect: where RequireX sends a request without the key; "" for none
	Pos     Pos
	TypePos Pos
	Names   KeyNames
}

// fields lists the fields each mapping accepts, in the order they are
// documented.
var (
	topFields     = []string{"package", "sessions", "cookies"}
	sessionFields = []string{"doc", "storage", "encrypt", "cookie", "idleTimeout", "absoluteTimeout", "keys", "flash"}
	cookieFields  = []string{"name", "path", "domain", "sameSite", "httpOnly", "secure", "maxAge", "partitioned", "priority", "rolling"}
	keyFields     = []string{"type", "default", "doc", "index", "require"}
	flashFields   = []string{"type", "doc"}
)

// loader decodes YAML nodes into a Schema, collecting every problem.
type loader struct {
	d *diags
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

// mapping returns the fields of a mapping node by name, reporting a node
// that is not a mapping and fields that are not allowed.
func (l *loader) mapping(n *yaml.Node, what string, allowed []string) (map[string]*yaml.Node, []string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		l.d.add(pos(n), "%s must be a mapping, not %s", what, kindName(n))
		return nil, nil
	}
	fields := make(map[string]*yaml.Node)
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			l.d.add(pos(k), "%s: unknown field %q%s", what, k.Value, unknownField(k.Value, allowed))
			continue
		}
		if first := keyNode(fields, k.Value); first != nil {
			l.d.add(pos(k), "%s: duplicate key %q (first at %d:%d)", what, k.Value, first.Line, first.Column)
			continue
		}
		fields[k.Value] = v
		fields["\x00key:"+k.Value] = k
		order = append(order, k.Value)
	}
	return fields, order
}

// unknownField is the reason a field is not allowed: the allowed field it
// nearly spells (in any case, or within two edits), or all of them.
func unknownField(name string, allowed []string) string {
	if hint := suggest(name, allowed, ""); hint != "" {
		return hint
	}
	return " (want one of: " + strings.Join(allowed, ", ") + ")"
}

func keyNode(fields map[string]*yaml.Node, name string) *yaml.Node { return fields["\x00key:"+name] }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "that"
}

func (l *loader) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.d.add(pos(n), "%s must be a string, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (l *loader) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		b, err := strconv.ParseBool(n.Value)
		if err == nil {
			return b, true
		}
	}
	l.d.add(pos(n), "%s must be true or false, not %s", what, kindName(n))
	return false, false
}

func (l *loader) duration(n *yaml.Node, what string) (time.Duration, bool) {
	s, ok := l.str(n, what)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		l.d.add(pos(n), "%s: %q is not a Go duration (e.g. 30m, 168h)", what, s)
		return 0, false
	}
	if d <= 0 {
		l.d.add(pos(n), "%s must be positive, not %s", what, s)
		return 0, false
	}
	if d%time.Second != 0 {
		l.d.add(pos(n), "%s must be whole seconds, not %s", what, s)
		return 0, false
	}
	return d, true
}

var goIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// load decodes the document into a Schema; problems go to l.d.
func (l *loader) load(doc *yaml.Node) *Schema {
	s := &Schema{}
	top, _ := l.mapping(doc, "schema", topFields)
	if top == nil {
		return s
	}
	if n := top["package"]; n == nil {
		l.d.add(pos(doc), "schema: missing field \"package\" (the package clause of the generated file)")
	} else if v, ok := l.str(n, "package"); ok {
		if !goIdent.MatchString(v) || isKeyword(v) || v == "_" {
			l.d.add(pos(n), "package: %q is not a valid Go package name", v)
		}
		s.Package = v
	}
	n := top["sessions"]
	if n == nil {
		l.d.add(pos(doc), "schema declares no sessions (add a \"sessions\" mapping)")
		return s
	}
	sessions, order := l.mapping(n, "sessions", nil)
	if sessions != nil && len(order) == 0 {
		l.d.add(pos(n), "schema declares no sessions (add a \"sessions\" mapping)")
	}
	for _, name := range order {
		s.Sessions = append(s.Sessions, l.session(name, keyNode(sessions, name), sessions[name]))
	}
	if n := top["cookies"]; n != nil {
		l.loadCookies(s, n)
	}
	return s
}

func (l *loader) session(name string, kn, n *yaml.Node) *Session {
	sess := &Session{Name: name, GoName: GoName(name), Pos: pos(kn)}
	what := fmt.Sprintf("session %q", name)
	if sess.GoName == "" {
		l.d.add(pos(kn), "%s: name must start with a letter", what)
	} else if !exported(sess.GoName) {
		l.d.add(pos(kn), "%s: %s", what, notExported)
	}
	f, _ := l.mapping(n, what, sessionFields)
	if f == nil {
		f = map[string]*yaml.Node{}
	}
	if v := f["doc"]; v != nil {
		sess.Doc, _ = l.str(v, what+": doc")
	}
	if v := f["storage"]; v != nil {
		if st, ok := l.str(v, what+": storage"); ok {
			switch st {
			case "cookie":
			case "server":
				sess.Server = true
			default:
				l.d.add(pos(v), "%s: unknown storage %q (want cookie or server)", what, st)
			}
		}
	}
	if v := f["encrypt"]; v != nil {
		sess.Encrypt, _ = l.boolean(v, what+": encrypt")
		if sess.Encrypt && sess.Server {
			l.d.add(pos(v), "%s: encrypt needs storage: cookie (with server storage the cookie holds only a random id; the data stays on the server)", what)
		}
	}
	sess.Cookie = l.cookie(what, f["cookie"])
	if v := f["idleTimeout"]; v != nil {
		sess.IdleTimeout, _ = l.duration(v, what+": idleTimeout")
	}
	if v := f["absoluteTimeout"]; v != nil {
		sess.AbsoluteTimeout, _ = l.duration(v, what+": absoluteTimeout")
	}
	if sess.IdleTimeout > 0 && sess.AbsoluteTimeout > 0 && sess.IdleTimeout > sess.AbsoluteTimeout {
		l.d.add(pos(f["idleTimeout"]), "%s: idleTimeout %s is longer than absoluteTimeout %s", what, sess.IdleTimeout, sess.AbsoluteTimeout)
	}
	if v := f["keys"]; v != nil {
		sess.Keys = l.keys(what, "key", v, keyFields)
	}
	if v := f["flash"]; v != nil {
		sess.Flash = l.keys(what, "flash key", v, flashFields)
	}
	return sess
}

// cookie decodes the cookie mapping over the runtime's defaults
// (runtime.DefaultCookieOptions: name __session, path /, SameSite Lax,
// HttpOnly and Secure on).
func (l *loader) cookie(what string, n *yaml.Node) Cookie {
	return l.cookieNamed(what, n, runtime.DefaultCookieOptions().Name)
}

// cookieNamed is cookie with another default name.
func (l *loader) cookieNamed(what string, n *yaml.Node, name string) Cookie {
	c := runtime.DefaultCookieOptions()
	c.Name = name
	if n == nil {
		return c
	}
	what += ": cookie"
	f, _ := l.mapping(n, what, cookieFields)
	strField := func(name string, dst *string) {
		if v := f[name]; v != nil {
			if s, ok := l.str(v, what+": "+name); ok {
				*dst = s
			}
		}
	}
	boolField := func(name string, dst *bool) {
		if v := f[name]; v != nil {
			if b, ok := l.boolean(v, what+": "+name); ok {
				*dst = b
			}
		}
	}
	strField("name", &c.Name)
	strField("path", &c.Path)
	strField("domain", &c.Domain)
	strField("sameSite", &c.SameSite)
	strField("priority", &c.Priority)
	boolField("httpOnly", &c.HTTPOnly)
	boolField("secure", &c.Secure)
	boolField("partitioned", &c.Partitioned)
	boolField("rolling", &c.Rolling)
	if v := f["maxAge"]; v != nil {
		c.MaxAge, _ = l.duration(v, what+": maxAge")
	}
	l.checkCookie(what, c, f)
	return c
}

func (l *loader) keys(what, kind string, n *yaml.Node, allowed []string) []*Key {
	f, order := l.mapping(n, what+": "+kind+"s", nil)
	var keys []*Key
	for _, name := range order {
		kn, v := keyNode(f, name), f[name]
		k := &Key{Name: name, GoName: GoName(name), Pos: pos(kn), TypePos: pos(v)}
		kwhat := fmt.Sprintf("%s: %s %q", what, kind, name)
		var typ string
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			typ = v.Value
		case v.Kind == yaml.MappingNode:
			kf, _ := l.mapping(v, kwhat, allowed)
			if tn := kf["type"]; tn == nil {
				l.d.add(pos(v), "%s: missing field \"type\"", kwhat)
			} else if s, ok := l.str(tn, kwhat+": type"); ok {
				typ, k.TypePos = s, pos(tn)
			}
			if dn := kf["doc"]; dn != nil {
				k.Doc, _ = l.str(dn, kwhat+": doc")
			}
			if in := kf["index"]; in != nil {
				k.Index, _ = l.boolean(in, kwhat+": index")
			}
			if dn := kf["default"]; dn != nil {
				k.Default = dn // resolved against the type later
			}
			if rn := kf["require"]; rn != nil {
				k.Require = l.require(kwhat, rn)
			}
		default:
			l.d.add(pos(v), "%s: want a type (e.g. string) or a mapping with \"type\", not %s", kwhat, kindName(v))
		}
		if typ != "" {
			k.Type = parseType(typ)
		}
		keys = append(keys, k)
	}
	return keys
}

func isKeyword(s string) bool {
	switch s {
	case "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
		"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
		"return", "select", "struct", "switch", "type", "var":
		return true
	}
	return false
}
