package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/sessiongen/sessiongen/runtime"
	"go.yaml.in/yaml/v3"
)

// TestJSONSchemaFile holds the committed sessiongen.schema.json to
// JSONSchema(); go test ./generator -run TestJSONSchemaFile -update
// rewrites it.
func TestJSONSchemaFile(t *testing.T) {
	path := filepath.Join("..", "sessiongen.schema.json")
	if *update {
		if err := os.WriteFile(path, JSONSchema(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, _ := os.ReadFile(path)
	if diff := cmp.Diff(string(want), string(JSONSchema())); diff != "" {
		t.Errorf("sessiongen.schema.json is stale (a field changed in the loader or in fields.go): "+
			"run go test ./generator -run TestJSONSchemaFile -update and commit it with the change (-want +got):\n%s", diff)
	}
}

// TestJSONSchemaDescribesEveryField fails when the loader accepts a field
// that fields.go does not describe (the JSON Schema would accept anything
// there), so a new field cannot be added to one side only.
func TestJSONSchemaDescribesEveryField(t *testing.T) {
	for _, m := range mappings {
		for _, f := range *m.fields {
			if spec, ok := fieldSpecs[m.name][f]; !ok || spec.doc == "" || spec.schema == nil {
				t.Errorf("the loader accepts %s field %q, which generator/fields.go does not describe: add it to fieldSpecs, "+
					"then run go test ./generator -run TestJSONSchemaFile -update", m.name, f)
			}
		}
	}
	if _, err := compileJSONSchema(); err != nil {
		t.Fatalf("JSONSchema() does not compile: %v", err)
	}
}

var compileJSONSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sessiongen.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("sessiongen.schema.json")
})

// validateYAML validates a schema file's YAML against the JSON Schema, as an
// editor does; a YAML syntax error is returned as errNotYAML.
func validateYAML(t *testing.T, src []byte) error {
	t.Helper()
	sch, err := compileJSONSchema()
	if err != nil {
		t.Fatalf("JSONSchema() does not compile: %v", err)
	}
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return errNotYAML
	}
	b, err := json.Marshal(jsonValue(v))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

var errNotYAML = fmt.Errorf("not YAML")

// jsonValue turns decoded YAML into values encoding/json accepts.
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = jsonValue(e)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = jsonValue(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = jsonValue(e)
		}
		return v
	}
	return v
}

// TestJSONSchemaAcceptsValidSchemas validates every schema the project
// ships as valid, and checks that the example and the starter point editors
// at the JSON Schema.
func TestJSONSchemaAcceptsValidSchemas(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.yaml")
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), "bad_") })
	files = append(files, "../schema.example.yaml", "../cmd/sessiongen/starter.yaml")
	filepath.WalkDir("../examples", func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "sessions.yaml" {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 5 {
		t.Fatalf("only %d valid schemas found", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateYAML(t, src); err != nil {
			t.Errorf("%s: refused by the JSON Schema:\n%v", f, err)
		}
	}
	line := "# yaml-language-server: $schema=" + JSONSchemaURL + "\n"
	for _, f := range []string{"../schema.example.yaml", "../cmd/sessiongen/starter.yaml"} {
		src, _ := os.ReadFile(f)
		if !bytes.HasPrefix(src, []byte(line)) {
			t.Errorf("%s does not start with %q", f, line)
		}
		if _, err := Load(src, Options{Filename: f}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// beyondJSONSchema lists the bad_* schemas the JSON Schema accepts: every
// problem in them is one only sessiongen can find. Each other bad_* schema
// must be refused by the JSON Schema too.
var beyondJSONSchema = map[string]string{
	"bad_duplicate_go_names":  "two keys that become one Go name",
	"bad_key_flash_collision": "a key and a flash key whose methods have one Go name",
	"bad_import_cycle":        "a named type whose package imports the generated package (needs the packages loaded)",
	"bad_unusable_types":      "types holding a lock, an interface or unexported fields (needs the packages loaded)",
	"bad_named_types":         "named types that do not exist or cannot round-trip through JSON (needs the package loaded)",
	"bad_package_decls":       "sessions whose package-level names collide (User and NewUser) or are not exported",
	"bad_vet_methods":         "keys whose accessors would take a name go vet reserves (MarshalJSON), or are not exported",
	"bad_reserved_methods":    "keys whose methods are taken (ID, Runtime, another key's SetX)",
	"bad_same_cookie":         "two sessions with one cookie name, path and domain",
	"bad_timeouts":            "idleTimeout longer than absoluteTimeout",
}

// TestJSONSchemaRefusesBadSchemas runs every bad_* schema through the JSON
// Schema: refused, unless listed in beyondJSONSchema, which must be exact.
func TestJSONSchemaRefusesBadSchemas(t *testing.T) {
	files, _ := filepath.Glob("../testdata/bad_*.yaml")
	if len(files) < 20 {
		t.Fatalf("only %d bad schemas", len(files))
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		seen[name] = true
		src, _ := os.ReadFile(f)
		err := validateYAML(t, src)
		_, beyond := beyondJSONSchema[name]
		switch {
		case err == errNotYAML:
			if !strings.HasPrefix(name, "bad_yaml_") { // syntax, a tab, a duplicated key
				t.Errorf("%s is not YAML", name)
			}
		case err == nil && !beyond:
			t.Errorf("%s: accepted by the JSON Schema: make it refuse this, or list it in beyondJSONSchema", name)
		case err != nil && beyond:
			t.Errorf("%s: refused by the JSON Schema, but listed in beyondJSONSchema:\n%v", name, err)
		}
	}
	for name := range beyondJSONSchema {
		if !seen[name] {
			t.Errorf("beyondJSONSchema lists %s, which is not in testdata", name)
		}
	}
}

// A verdict says which of the loader and the JSON Schema accept a schema.
type verdict int

const (
	bothAccept   verdict = iota
	bothRefuse           // the JSON Schema catches it as the loader does
	loaderOnly           // the JSON Schema cannot express the rule
	jsonStricter         // the JSON Schema refuses what the loader accepts
)

func (v verdict) String() string {
	return [...]string{"both accept", "both refuse", "only the loader refuses", "only the JSON Schema refuses"}[v]
}

// user is a schema with one session User whose body is the given YAML.
func user(body string) string {
	return "package: p\nsessions:\n  User:\n    " + strings.ReplaceAll(body, "\n", "\n    ") + "\n"
}

// rules holds one small schema per rule of the loader, with which of the
// two checks refuses it. The loaderOnly entries are the note on what the
// JSON Schema cannot express; the jsonStricter ones are where it asks more
// than sessiongen does.
var rules = []struct {
	name string
	src  string
	want verdict
}{
	// Accepted by both: the JSON Schema's rules do not overreach.
	{"plain keys", user("keys: {a: string, b: '[]string', c: 'map[string] []int', _id2: int64}"), bothAccept},
	{"index on server", user("storage: server\nkeys: {a: {type: string, index: true}}"), bothAccept},
	{"__Host- with defaults", user("cookie: {name: __Host-x, path: /, domain: ''}"), bothAccept},
	{"sameSite none, secure by default", user("cookie: {sameSite: none, partitioned: true}"), bothAccept},
	{"cookie name punctuation", user("cookie: {name: \"x!#$%&'*+.^_`|~-\", maxAge: 1h30m}"), bothAccept},
	{"duration default", user("keys: {d: {type: time.Duration, default: -1.5h}}"), bothAccept},
	{"integer bounds", user("keys: {a: {type: int8, default: -128}, b: {type: uint8, default: 255}, c: {type: int64, default: -9223372036854775808}}"), bothAccept},
	{"float default", user("keys: {f: {type: float64, default: 1}}"), bothAccept},
	{"flash key with the flash prefix", user("flash: {__flash_x: string}"), bothAccept},
	{"require", user("keys: {a: {type: string, require: {redirect: '/login?from=a%20b'}}}"), bothAccept},

	// Refused by both.
	{"unknown top field", "package: p\nversion: 2\nsessions: {User: {}}\n", bothRefuse},
	{"unknown session field", user("storge: cookie"), bothRefuse},
	{"unknown cookie field", user("cookie: {nmae: x}"), bothRefuse},
	{"unknown key field", user("keys: {a: {type: string, defualt: x}}"), bothRefuse},
	{"unknown flash field", user("flash: {a: {type: string, default: x}}"), bothRefuse},
	{"missing package", "sessions: {User: {}}\n", bothRefuse},
	{"missing sessions", "package: p\n", bothRefuse},
	{"no sessions", "package: p\nsessions: {}\n", bothRefuse},
	{"bad package", "package: my-sessions\nsessions: {User: {}}\n", bothRefuse},
	{"keyword package", "package: func\nsessions: {User: {}}\n", bothRefuse},
	{"session name", "package: p\nsessions: {2fa: {}}\n", bothRefuse},
	{"key name", user("keys: {'-': string}"), bothRefuse},
	{"flash prefix", user("keys: {__flash_x: string}"), bothRefuse},
	{"storage", user("storage: database"), bothRefuse},
	{"sameSite", user("cookie: {sameSite: loose}"), bothRefuse},
	{"priority", user("cookie: {priority: urgent}"), bothRefuse},
	{"cookie name", user("cookie: {name: a;b}"), bothRefuse},
	{"empty cookie name", user("cookie: {name: ''}"), bothRefuse},
	{"relative path", user("cookie: {path: admin}"), bothRefuse},
	{"domain with a slash", user("cookie: {domain: a/b}"), bothRefuse},
	{"negative maxAge", user("cookie: {maxAge: -1h}"), bothRefuse},
	{"zero maxAge", user("cookie: {maxAge: 0s}"), bothRefuse},
	{"fractional seconds", user("cookie: {maxAge: 1500ms}"), bothRefuse},
	{"not a duration", user("idleTimeout: a week"), bothRefuse},
	{"sameSite none needs secure", user("cookie: {sameSite: none, secure: false}"), bothRefuse},
	{"partitioned needs secure", user("cookie: {partitioned: true, secure: false}"), bothRefuse},
	{"__Host- path", user("cookie: {name: __Host-x, path: /x}"), bothRefuse},
	{"__Host- domain", user("cookie: {name: __Host-x, domain: example.com}"), bothRefuse},
	{"__Host- secure", user("cookie: {name: __Host-x, secure: false}"), bothRefuse},
	{"__Secure- secure", user("cookie: {name: __Secure-x, secure: false}"), bothRefuse},
	{"boolean", user("cookie: {httpOnly: yes please}"), bothRefuse},
	{"cookie shape", user("cookie: __session"), bothRefuse},
	{"keys shape", user("keys: [userId]"), bothRefuse},
	{"empty key", user("keys: {a: }"), bothRefuse},
	{"key without type", user("keys: {a: {doc: x}}"), bothRefuse},
	{"index needs server", user("keys: {a: {type: string, index: true}}"), bothRefuse},
	{"index type", user("storage: server\nkeys: {a: {type: float64, index: true}}"), bothRefuse},
	{"index boolean", user("storage: server\nkeys: {a: {type: string, index: maybe}}"), bothRefuse},
	{"timestamp prefix", user("keys: {__sg_seen: int64}"), bothRefuse},
	{"require shape", user("keys: {a: {type: string, require: /login}}"), bothRefuse},
	{"require without redirect", user("keys: {a: {type: string, require: {}}}"), bothRefuse},
	{"unknown require field", user("keys: {a: {type: string, require: {redirect: /login, status: 302}}}"), bothRefuse},
	{"redirect to a host", user("keys: {a: {type: string, require: {redirect: //evil.example}}}"), bothRefuse},
	{"redirect with a scheme", user("keys: {a: {type: string, require: {redirect: 'https://evil.example/'}}}"), bothRefuse},
	{"redirect with a backslash", user("keys: {a: {type: string, require: {redirect: '/\\\\evil.example'}}}"), bothRefuse},
	{"relative redirect", user("keys: {a: {type: string, require: {redirect: login}}}"), bothRefuse},
	{"encoded redirect to a host", user("keys: {a: {type: string, require: {redirect: /%2F%2Fevil.example}}}"), bothRefuse},
	{"encrypt needs cookie storage", user("storage: server\nencrypt: true"), bothRefuse},
	{"int default", user("keys: {a: {type: int, default: many}}"), bothRefuse},
	{"bool default", user("keys: {a: {type: bool, default: 'true'}}"), bothRefuse},
	{"int8 range", user("keys: {a: {type: int8, default: 300}}"), bothRefuse},
	{"uint range", user("keys: {a: {type: uint, default: -1}}"), bothRefuse},
	{"int64 range", user("keys: {a: {type: int64, default: 9223372036854775808}}"), bothRefuse},
	{"duration default", user("keys: {a: {type: time.Duration, default: soon}}"), bothRefuse},
	{"slice default", user("keys: {a: {type: '[]string', default: x}}"), bothRefuse},
	{"unknown basic type", user("keys: {a: strin}"), bothRefuse},
	{"a type the generated package does not declare", user("keys: {a: Cart}"), loaderOnly},
	{"unexported named type", user("keys: {a: example.com/x.cart}"), bothRefuse},
	{"channel", user("keys: {a: chan int}"), bothRefuse},
	{"function", user("keys: {a: func()}"), bothRefuse},
	{"function-looking path", user("keys: {a: funcs.example.com/x.T}"), bothRefuse},
	{"complex", user("flash: {a: complex128}"), bothRefuse},
	{"pointer", user("keys: {a: '*string'}"), bothRefuse},
	{"map key", user("keys: {a: 'map[int]string'}"), bothRefuse},
	{"any", user("keys: {a: any}"), bothRefuse},
	{"empty slice element", user("keys: {a: '[]'}"), bothRefuse},

	// What the JSON Schema cannot express.
	{"two keys, one Go name", user("keys: {userId: string, user_id: string}"), loaderOnly},
	{"two sessions, one Go name", "package: p\nsessions: {user: {cookie: {name: a}}, User: {cookie: {name: b}}}\n", loaderOnly},
	{"a key and a flash key, one Go name", user("keys: {message: string}\nflash: {message: string}"), loaderOnly},
	{"reserved method", user("keys: {id: string}"), loaderOnly},
	{"two sessions, one cookie", "package: p\nsessions: {User: {}, Admin: {}}\n", loaderOnly},
	{"idle longer than absolute", user("idleTimeout: 2h\nabsoluteTimeout: 1h"), loaderOnly},
	{"two index keys", user("storage: server\nkeys: {a: {type: string, index: true}, b: {type: int, index: true}}"), loaderOnly},
	{"named type that does not exist", user("keys: {a: time.Tme}"), loaderOnly},
	{"reserved method with a timeout", user("idleTimeout: 30m\nkeys: {timedOut: bool}"), loaderOnly},
	{"redirect encoded twice", user("keys: {a: {type: string, require: {redirect: /%252F%252Fevil.example}}}"), loaderOnly},
	{"integer default not in decimal", user("keys: {a: {type: int, default: 0x10}}"), loaderOnly},

	// Where the JSON Schema asks more than sessiongen.
	{"fractional duration", user("cookie: {maxAge: 1.5h}"), jsonStricter},
	{"sub-second units", user("cookie: {maxAge: 1000ms}"), jsonStricter},
	{"number as a string", user("cookie: {name: 123}"), jsonStricter},
	{"number as a string default", user("keys: {a: {type: string, default: 3}}"), jsonStricter},
	{"quoted number default", user("keys: {a: {type: int, default: '3'}}"), jsonStricter},
}

// TestJSONSchemaRules runs each rule through the loader and the JSON Schema
// and checks which refuses it: the table, and so the note of what the JSON
// Schema cannot express, is exact.
func TestJSONSchemaRules(t *testing.T) {
	for _, r := range rules {
		_, lerr := Load([]byte(r.src), Options{Filename: "rule.yaml", Dir: "."})
		jerr := validateYAML(t, []byte(r.src))
		if jerr == errNotYAML {
			t.Errorf("%s: not YAML:\n%s", r.name, r.src)
			continue
		}
		got := map[[2]bool]verdict{{false, false}: bothAccept, {true, true}: bothRefuse, {true, false}: loaderOnly, {false, true}: jsonStricter}[[2]bool{lerr != nil, jerr != nil}]
		if got != r.want {
			t.Errorf("%s: %v, want %v\n%s\nloader: %v\nJSON Schema: %v", r.name, got, r.want, r.src, lerr, jerr)
		}
	}
}

// TestJSONSchemaEnumsMatchLoader checks each enum against the loader: every
// value loads, another is refused, and the loader's message names the same
// values.
func TestJSONSchemaEnumsMatchLoader(t *testing.T) {
	want := regexp.MustCompile(`\(want (.*)\)`)
	for _, c := range []struct {
		field  string
		values []string
		src    func(v string) string
	}{
		{"storage", storageValues, func(v string) string { return user("storage: '" + v + "'") }},
		{"sameSite", sameSiteValues, func(v string) string { return user("cookie: {sameSite: '" + v + "'}") }},
		{"priority", priorityValues, func(v string) string { return user("cookie: {priority: '" + v + "'}") }},
	} {
		for _, v := range c.values {
			if _, err := Load([]byte(c.src(v)), Options{Filename: "enum.yaml"}); err != nil {
				t.Errorf("%s %q: the loader refuses it: %v", c.field, v, err)
			}
		}
		_, err := Load([]byte(c.src("bogus")), Options{Filename: "enum.yaml"})
		m := want.FindStringSubmatch(fmt.Sprint(err))
		if m == nil {
			t.Errorf("%s: bogus: want a message naming the values, got %v", c.field, err)
			continue
		}
		named := strings.FieldsFunc(strings.ReplaceAll(m[1], " or ", ","), func(r rune) bool { return r == ',' || r == ' ' })
		nonEmpty := slices.DeleteFunc(slices.Clone(c.values), func(s string) bool { return s == "" })
		if !slices.Equal(named, nonEmpty) {
			t.Errorf("%s: the loader wants %q, the JSON Schema %q", c.field, named, nonEmpty)
		}
	}
}

// TestJSONSchemaDefaultsMatchLoader loads a schema that sets nothing and
// compares what the loader filled in with the defaults the JSON Schema
// documents.
func TestJSONSchemaDefaultsMatchLoader(t *testing.T) {
	s, err := Load([]byte(user("keys: {a: {type: string}}")+"\ncookies: {Prefs: {type: string}}\n"), Options{Filename: "defaults.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	sess := s.Sessions[0]
	loaded := map[string]reflect.Value{
		"session": reflect.ValueOf(*sess), "cookie": reflect.ValueOf(sess.Cookie), "key": reflect.ValueOf(*sess.Keys[0]),
		"standalone cookie": reflect.ValueOf(*s.Cookies[0]),
	}
	checked := 0
	for _, m := range mappings {
		mapping := m.name
		for _, name := range *m.fields {
			spec := fieldSpecs[mapping][name]
			if spec.def == nil {
				continue
			}
			var got any
			switch {
			case mapping == "session" && name == "storage":
				got = map[bool]string{false: "cookie", true: "server"}[sess.Server]
			case loaded[mapping].IsValid() && loaded[mapping].FieldByName(GoName(name)).IsValid():
				got = loaded[mapping].FieldByName(GoName(name)).Interface()
			default:
				t.Errorf("%s field %q: cannot find the loader's default", mapping, name)
				continue
			}
			if got != spec.def {
				t.Errorf("%s field %q: the loader's default is %#v, the JSON Schema's %#v", mapping, name, got, spec.def)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("only %d defaults checked", checked)
	}
}

// TestJSONSchemaPatternsMatchLoader compares each pattern with the loader
// function it stands for, over sample inputs.
func TestJSONSchemaPatternsMatchLoader(t *testing.T) {
	for _, c := range []struct {
		field, pattern string
		sample         func(c string) string
	}{
		{"name", cookieNamePattern, func(c string) string { return "a" + c + "b" }},
		{"path", cookiePathPattern, func(c string) string { return "/a" + c + "b" }},
		{"path", cookiePathPattern, func(c string) string { return c + "a" }},
		{"domain", cookieDomainPattern, func(c string) string { return "a" + c + "b.com" }},
		{"domain", cookieDomainPattern, func(c string) string { return c + "a.com" }},
		{"domain", cookieDomainPattern, func(c string) string { return "a.com" + c }},
	} {
		re := regexp.MustCompile(c.pattern)
		for b := 0; b < 256; b++ {
			v := c.sample(string(rune(b)))
			if got, want := re.MatchString(v), cookieFieldOK(c.field, v); got != want {
				t.Errorf("cookie %s %q: pattern %v, runtime.CheckCookie %v", c.field, v, got, want)
			}
		}
	}
	for _, d := range []string{strings.Repeat("a", 63) + ".b", strings.Repeat("a", 64) + ".b", "192.168.0.1", ".a.b", "a..b", "a-.b", ""} {
		if got, want := regexp.MustCompile(cookieDomainPattern).MatchString(d), cookieFieldOK("domain", d); got != want {
			t.Errorf("cookie domain %q: pattern %v, runtime.CheckCookie %v", d, got, want)
		}
	}
	noName := regexp.MustCompile(noGoName)
	for _, n := range []string{"", "a", "A1", "_id", "__x", "-", "_", "2fa", "_2fa", "a-b", "été", "x.y", " 1", "\t", "~z", "{1"} {
		if got, want := !noName.MatchString(n), GoName(n) != ""; got != want {
			t.Errorf("name %q: pattern says valid=%v, GoName %q", n, got, GoName(n))
		}
	}
	typ, fn := regexp.MustCompile(typePattern()), regexp.MustCompile(`^\s*((\[\]|map\[\s*string\s*\])\s*)*func`)
	for _, s := range []string{"string", " int ", "[]byte", "[] string", "[][]float64", "map[string]int", "map[ string ] []rune",
		"time.Time", "example.com/a/b.C", "a.B", "[]a.B", "map[string]a.B", "Cart", "strin", "a.b", ".B", "a.B[]", "[]",
		"map[int]string", "map[string]", "*int", "chan int", "func()", "funcs.io/x.T", "any", "interface{}", "complex64", "a b.C"} {
		if got, want := typ.MatchString(s) && !fn.MatchString(s), parseType(s).firstErr() == ""; got != want {
			t.Errorf("type %q: pattern %v, parseType %v", s, got, want)
		}
	}
	dur := regexp.MustCompile(durationPattern)
	zero := regexp.MustCompile(zeroDuration)
	stricter := []string{"1.5h", "1000ms", "0.5m"}
	for _, s := range append([]string{"1s", "90s", "1h30m", "168h", "30m1h", "0s", "0h0m", "-1h", "+1h", "1ms", "1", "1d", "h", ""}, stricter...) {
		l := &loader{d: &diags{}}
		_, ok := l.duration(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}, "d")
		got := dur.MatchString(s) && !zero.MatchString(s)
		if slices.Contains(stricter, s) {
			if got || !ok {
				t.Errorf("duration %q: pattern %v, loader %v; want only the loader to accept it", s, got, ok)
			}
		} else if got != ok {
			t.Errorf("duration %q: pattern %v, loader %v", s, got, ok)
		}
	}
	redirect, encoded := regexp.MustCompile(redirectPattern), regexp.MustCompile(redirectEncoded)
	for _, v := range []string{"/", "/login", "/a?b=c%20d", "/caf\u00e9", "//x", "/\\x", "/a\\b", "x", "", "/a\tb", "/\u0085",
		"/%2fx", "/%5Cx", "/a%5cb", "/a%0Ab", "/a%7f", "/a%C2%85", "/%41", "https://x/"} {
		if got, want := redirect.MatchString(v) && !encoded.MatchString(v), runtime.SafeRedirect(v, "\x00") == v; got != want {
			t.Errorf("redirect %q: pattern %v, SafeRedirect %v", v, got, want)
		}
	}
	keywords := 0
	for _, d := range definitions() {
		if d.k == "packageName" {
			for _, k := range d.v.(obj)[2].v.(obj)[0].v.([]string) {
				keywords++
				if !isKeyword(k) && k != "_" {
					t.Errorf("the JSON Schema refuses package %q, the loader does not", k)
				}
			}
		}
	}
	if keywords != 26 {
		t.Errorf("%d names refused; want Go's 25 keywords and _", keywords)
	}
}

// cookieFieldOK reports whether runtime.CheckCookie accepts v as the
// cookie's field (name, path or domain).
func cookieFieldOK(field, v string) bool {
	c := runtime.DefaultCookieOptions()
	switch field {
	case "name":
		c.Name = v
	case "path":
		c.Path = v
	case "domain":
		c.Domain = v
	}
	for _, p := range runtime.CheckCookie(c) {
		if p.Fields[0] == field {
			return false
		}
	}
	return true
}
