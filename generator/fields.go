package generator

import "github.com/sessiongen/sessiongen/runtime"

// This file is data: what each schema field holds, for the JSON Schema that
// editors validate against (jsonschema.go emits it). Which fields a mapping
// has, and in what order, is not repeated here: JSONSchema walks the
// loader's own lists (topFields, sessionFields, …), and the tests fail when
// a field in those lists has no entry here, or an entry here names a field
// the loader does not accept.

// SchemaFormat is the version of the schema file format this generator
// reads. The JSON Schema carries it in its title; it changes only when a
// schema that was valid stops meaning the same thing.
const SchemaFormat = 1

// JSONSchemaURL is where editors find the JSON Schema of the schema file
// (sessiongen.schema.json at the repository's root), as named by the
// "# yaml-language-server: $schema=" line at the top of a schema.
const JSONSchemaURL = "https://raw.githubusercontent.com/sessiongen/sessiongen/main/sessiongen.schema.json"

// The allowed values of the enumerated fields, as the loader's switches
// accept them (a test holds them to the loader).
var (
	storageValues  = []string{"cookie", "server"}
	sameSiteValues = []string{"lax", "strict", "none", "omit"}
	priorityValues = []string{"", "low", "medium", "high"}
)

// defaultCookie is the cookie of a schema that sets none, from the runtime
// (the one place the defaults are written).
var defaultCookie = runtime.DefaultCookieOptions()

// A field is what one schema field holds: its JSON Schema (type, enum,
// pattern or a $ref to a definition), the default the loader applies, and
// a description for editors.
type field struct {
	schema   obj
	def      any // nil: no default
	required bool
	doc      string
}

func ref(name string) obj { return obj{{"$ref", "#/$defs/" + name}} }

// mappings names the loader's field list of each mapping, in the order the
// JSON Schema shows them, and the definition each becomes ("" for the root).
var mappings = []struct {
	name, def string
	fields    *[]string
}{
	{"schema", "", &topFields},
	{"session", "session", &sessionFields},
	{"cookie", "cookie", &cookieFields},
	{"key", "keyMapping", &keyFields},
	{"flash key", "flashKeyMapping", &flashFields},
	{"require", "require", &requireFields},
	{"standalone cookie", "standaloneCookie", &standaloneFields},
}

// fieldSpecs describes every field of every mapping, by mapping name.
var fieldSpecs = map[string]map[string]field{
	"schema": {
		"package": {schema: ref("packageName"), required: true,
			doc: "The package clause of the generated file: a Go identifier that is not a keyword. Keep the schema in that package's directory."},
		"sessions": {schema: ref("sessions"), required: true,
			doc: "The sessions of the app, one cookie each. A session named User gives the Go types UserSession and UserStorage and the constructor NewUserStorage."},
		"cookies": {schema: ref("cookies"),
			doc: "Typed standalone cookies, as React Router's createCookie: a value of one type in a cookie of its own. A cookie named Prefs gives the Go type PrefsCookie (Parse, ParseHeader, Serialize, Set) and the constructor NewPrefsCookie; in TypeScript (-ts) PrefsCookieValue and prefsCookieOptions."},
	},
	"standalone cookie": {
		"doc": {schema: obj{{"type", "string"}},
			doc: "Documentation of the cookie, copied into the doc comment of its generated type."},
		"type": {schema: ref("type"), required: true,
			doc: "The Go type of the cookie's value, as a key's type. The value is stored as JSON."},
		"signed": {schema: obj{{"type", "boolean"}}, def: true,
			doc: "Sign the value with Config.Secrets (default). false: the value is only base64, which a client can change, and no secret is needed (React Router's createCookie without secrets)."},
		"cookie": {schema: ref("cookie"),
			doc: "The cookie's attributes, as a session's; the name defaults to the cookie's schema name."},
	},
	"session": {
		"doc": {schema: obj{{"type", "string"}},
			doc: "Documentation of the session, copied into the doc comment of its generated type."},
		"storage": {schema: obj{{"type", "string"}, {"enum", storageValues}}, def: "cookie",
			doc: "Where the data lives. cookie (default): in the signed cookie itself. server: only the signed session id is in the cookie; the data is in Config.Store (an in-memory store when nil)."},
		"encrypt": {schema: obj{{"type", "boolean"}}, def: false,
			doc: "Seal the cookie's data with an AEAD, so that the client cannot read it, rather than only signing it. Needs storage: cookie."},
		"cookie": {schema: ref("cookie"),
			doc: "The cookie's attributes. Absent: name __session, path /, sameSite lax, httpOnly and secure."},
		"idleTimeout": {schema: ref("duration"),
			doc: "End the session after this long without a commit, enforced from a signed timestamp, not by the browser. A Go duration in whole seconds (e.g. 30m); no longer than absoluteTimeout."},
		"absoluteTimeout": {schema: ref("duration"),
			doc: "End the session this long after it was created, whatever its activity. A Go duration in whole seconds (e.g. 720h)."},
		"keys": {schema: ref("keys"),
			doc: "The session's keys: name: type, or name: {type, default, doc, index}. userId: string gives UserID, SetUserID, HasUserID and UnsetUserID."},
		"flash": {schema: ref("flashKeys"),
			doc: "The session's flash keys, read once: name: type, or name: {type, doc}. message: string gives FlashMessage and PopMessage."},
	},
	"cookie": {
		"name": {schema: ref("cookieName"), def: defaultCookie.Name,
			doc: "The cookie's name: letters, digits and !#$%&'*+-.^_`|~. A __Host- name (in any case, as browsers match it) needs secure, path / and no domain; a __Secure- name needs secure."},
		"path": {schema: obj{{"type", "string"}, {"pattern", cookiePathPattern}}, def: defaultCookie.Path,
			doc: "The cookie's Path attribute: it starts with / and holds only printable ASCII without spaces, ';' or ','. Empty: no Path attribute."},
		"domain": {schema: obj{{"type", "string"}, {"pattern", cookieDomainPattern}}, def: "",
			doc: "The cookie's Domain attribute: a host name or an IPv4 address, with an optional leading dot. Empty (default): a host-only cookie."},
		"sameSite": {schema: obj{{"type", "string"}, {"enum", sameSiteValues}}, def: defaultCookie.SameSite,
			doc: "The cookie's SameSite attribute: lax (default), strict, none, or omit (no attribute, React Router's sameSite: false). none needs secure: true."},
		"httpOnly": {schema: obj{{"type", "boolean"}}, def: defaultCookie.HTTPOnly,
			doc: "Set HttpOnly, so that JavaScript cannot read the cookie."},
		"secure": {schema: obj{{"type", "boolean"}}, def: defaultCookie.Secure,
			doc: "Set Secure, so that the browser sends the cookie over HTTPS only. Config.DisableSecure relaxes it at run time for local HTTP."},
		"maxAge": {schema: ref("duration"),
			doc: "The cookie's Max-Age, a Go duration in whole seconds (e.g. 168h). Absent: a browser-session cookie. runtime.WithMaxAge overrides it for one commit."},
		"partitioned": {schema: obj{{"type", "boolean"}}, def: false,
			doc: "Set Partitioned (CHIPS: a third-party cookie kept per top-level site). Needs secure: true."},
		"priority": {schema: obj{{"type", "string"}, {"enum", priorityValues}}, def: "",
			doc: "The cookie's Priority attribute: low, medium or high. Empty (default): none."},
		"rolling": {schema: obj{{"type", "boolean"}}, def: false,
			doc: "Rolling expiry: the cookie's Max-Age (maxAge, or a remember-me commit's WithMaxAge) and the store's expiry move forward while the session is used, renewed at most every runtime.RenewInterval(maxAge) (a tenth, 1 s to 1 min), so that it ends maxAge after the last request. A browser-session cookie does not roll."},
	},
	"key": {
		"type": {schema: ref("type"), required: true,
			doc: typeDoc},
		"default": {schema: obj{{"type", []string{"string", "number", "boolean"}}},
			doc: "The value the getter returns when the key is unset, of the key's type. Only basic types and time.Duration (written as a Go duration, e.g. 90s) may have one."},
		"doc": {schema: obj{{"type", "string"}},
			doc: "Documentation of the key, copied into the doc comment of its getter."},
		"index": {schema: obj{{"type", "boolean"}}, def: false,
			doc: "Index server-side sessions by this key's value, so that all sessions of one owner can be found and revoked (RevokeByUserID). Needs storage: server; at most one key per session; a string or integer type."},
		"require": {schema: ref("require"),
			doc: "Generate RequireX (RequireUserID): a handler wrapper that redirects a request whose session lacks this key, with 303 See Other, to redirect?redirectTo=<path and query>. require: {redirect: /login}."},
	},
	"require": {
		"redirect": {schema: ref("redirect"), required: true,
			doc: "Where RequireX sends a request without the key: a same-site path with one leading / (e.g. /login); no scheme, host, backslash or control character."},
	},
	"flash key": {
		"type": {schema: ref("type"), required: true,
			doc: typeDoc},
		"doc": {schema: obj{{"type", "string"}},
			doc: "Documentation of the flash key, copied into the doc comment of its Flash method."},
	},
}

const typeDoc = "The key's Go type: bool, string, int, int8 … int64, uint … uint64, byte, rune, float32, float64, " +
	"time.Time, time.Duration, []T, map[string]T, or a named type as import/path.Name (e.g. github.com/acme/shop/cart.Cart) " +
	"that encoding/json can round-trip. Values are stored as JSON."
