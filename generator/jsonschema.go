package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"slices"
	"strings"
)

// JSONSchema returns the JSON Schema (draft 2020-12) of the schema file,
// committed as sessiongen.schema.json for editors. Its fields are the
// loader's own lists, described by fieldSpecs; its patterns come from the
// loader's regular expressions and type list where it has them. What it
// cannot say (Go-name collisions, type resolution, rules across sessions)
// only sessiongen checks.
func JSONSchema() []byte {
	root := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", JSONSchemaURL},
		{"title", fmt.Sprintf("sessiongen schema, format %d", SchemaFormat)},
		{"description", "A sessiongen schema: an app's sessions, their cookies, typed keys and flash keys. sessiongen -schema FILE checks it and generates typed Go accessors."},
		{"$comment", "Generated from the loader's field lists (generator/schema.go) and generator/fields.go by go test ./generator -run TestJSONSchemaFile -update; do not edit."},
	}
	root = append(root, mappingSchema("schema")...)
	defs := obj{}
	for _, m := range mappings[1:] {
		defs = append(defs, member{m.def, mappingSchema(m.name)})
	}
	defs = append(defs, definitions()...)
	root = append(root, member{"$defs", defs})
	var b bytes.Buffer
	if err := json.Indent(&b, mustMarshal(root), "", "  "); err != nil {
		panic(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// mappingSchema is the object schema of one mapping: the loader's fields,
// in its order, with the cross-field rules of the mapping.
func mappingSchema(name string) obj {
	var list []string
	for _, m := range mappings {
		if m.name == name {
			list = *m.fields
		}
	}
	props := obj{}
	var required []string
	for _, f := range list {
		spec, ok := fieldSpecs[name][f]
		if !ok {
			props = append(props, member{f, obj{}}) // undescribed: accept anything; a test fails
			continue
		}
		s := append(slices.Clip(spec.schema), member{"description", spec.doc})
		if spec.def != nil {
			s = append(s, member{"default", spec.def})
		}
		props = append(props, member{f, s})
		if spec.required {
			required = append(required, f)
		}
	}
	s := obj{{"type", "object"}, {"properties", props}}
	if required != nil {
		s = append(s, member{"required", required})
	}
	s = append(s, member{"additionalProperties", false})
	if rules := mappingRules[name]; rules != nil {
		s = append(s, member{"allOf", rules()})
	}
	return s
}

// rule is one cross-field rule: if the instance matches cond, it must match
// then.
// foldPrefix is a pattern matching a string that starts with prefix in any
// case, as browsers match cookie-name prefixes.
func foldPrefix(prefix string) string {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range prefix {
		if u, l := strings.ToUpper(string(r)), strings.ToLower(string(r)); u != l {
			b.WriteString("[" + u + l + "]")
		} else {
			b.WriteRune(r) // _ and -: not special outside a class
		}
	}
	return b.String()
}

func rule(comment string, cond, then obj) obj {
	return obj{{"$comment", comment}, {"if", cond}, {"then", then}}
}

// is matches an object whose field name is present and equal to v.
func is(name string, v any) obj {
	return obj{{"required", []string{name}}, {"properties", obj{{name, obj{{"const", v}}}}}}
}

// mappingRules are the rules that span fields of one mapping, as the loader
// checks them (checkCookie, checkIndex, defaultValue).
var mappingRules = map[string]func() []obj{
	"session": func() []obj {
		indexed := obj{{"type", "object"}, {"required", []string{"index"}}, {"properties", obj{{"index", obj{{"const", true}}}}}}
		return []obj{
			rule("index needs storage: server",
				obj{{"not", is("storage", "server")}},
				obj{{"properties", obj{{"keys", obj{{"additionalProperties", obj{{"not", indexed}}}}}}}}),
			rule("encrypt needs storage: cookie", is("encrypt", true),
				obj{{"not", is("storage", "server")}}),
		}
	},
	"cookie": func() []obj {
		secure := obj{{"properties", obj{{"secure", obj{{"const", true}}}}}}
		return []obj{
			rule("sameSite none needs secure", is("sameSite", "none"), secure),
			rule("partitioned needs secure", is("partitioned", true), secure),
			rule("a __Host- cookie needs secure, path / and no domain",
				obj{{"required", []string{"name"}}, {"properties", obj{{"name", obj{{"pattern", foldPrefix("__Host-")}}}}}},
				obj{{"properties", obj{{"secure", obj{{"const", true}}}, {"path", obj{{"const", "/"}}}, {"domain", obj{{"const", ""}}}}}}),
			rule("a __Secure- cookie needs secure",
				obj{{"required", []string{"name"}}, {"properties", obj{{"name", obj{{"pattern", foldPrefix("__Secure-")}}}}}},
				secure),
		}
	},
	"key": keyRules,
}

// keyRules ties a key's default and index to its type.
func keyRules() []obj {
	typeIs := func(names ...string) obj {
		return obj{{"required", []string{"type"}}, {"properties", obj{{"type", obj{{"pattern", `^\s*(` + strings.Join(names, "|") + `)\s*$`}}}}}}
	}
	withDefault := func(s obj) obj { return obj{{"properties", obj{{"default", s}}}} }
	var rules []obj
	defaultable := []string{`time\.Duration`}
	for _, name := range basicTypes {
		defaultable = append(defaultable, name)
		rules = append(rules, rule("a "+name+" default", typeIs(name), withDefault(basicDefault(name))))
	}
	rules = append(rules,
		rule("a time.Duration default", typeIs(`time\.Duration`),
			withDefault(obj{{"type", "string"}, {"pattern", goDurationPattern}})),
		rule("defaults are for basic types and time.Duration only",
			obj{{"required", []string{"type"}}, {"not", typeIs(defaultable...)}},
			obj{{"not", obj{{"required", []string{"default"}}}}}),
		rule("an index key is a string or an integer", is("index", true), typeIs(indexTypes()...)),
	)
	return rules
}

// basicDefault is the JSON Schema of a default for a basic type, with the
// range that defaultValue's strconv parsing accepts.
func basicDefault(name string) obj {
	switch {
	case name == "string":
		return obj{{"type", "string"}}
	case name == "bool":
		return obj{{"type", "boolean"}}
	case strings.HasPrefix(name, "float"):
		return obj{{"type", "number"}}
	}
	bits := bitSize(name)
	if strings.HasPrefix(name, "uint") || name == "byte" {
		return obj{{"type", "integer"}, {"minimum", 0}, {"maximum", ^uint64(0) >> (64 - bits)}}
	}
	min := int64(-1) << (bits - 1)
	return obj{{"type", "integer"}, {"minimum", min}, {"maximum", ^min}}
}

// indexTypes are the types checkIndex allows: basic, not bool, not float.
func indexTypes() []string {
	return slices.DeleteFunc(slices.Clone(basicTypes), func(n string) bool {
		return n == "bool" || strings.HasPrefix(n, "float")
	})
}

// Patterns for strings. They use only the syntax that Go's regexp and
// ECMA-262 (what editors run) read alike.
const (
	// durationPattern is a positive Go duration in whole seconds, written
	// with integer hours, minutes and seconds (168h, 1h30m, 90s).
	durationPattern = `^\+?([0-9]+[hms])+$`
	zeroDuration    = `^\+?(0+[hms])+$`
	// goDurationPattern is any time.ParseDuration input.
	goDurationPattern = `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
	// cookieNamePattern is an RFC 6265 token; cookiePathPattern and
	// cookieDomainPattern are runtime.CheckCookie's path and domain rules
	// (the domain pattern also lets through an all-digit name that is not
	// an IPv4 address, and one over 255 bytes; the loader refuses those).
	cookieNamePattern   = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
	cookiePathPattern   = `^(/[!-+\--:<-~]*)?$`
	cookieDomainPattern = `^(\.?` + domainLabel + `(\.` + domainLabel + `)*\.?)?$`
	domainLabel         = `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	// redirectPattern is a path with one leading / and no backslash or
	// control character (runtime.SafeRedirect); redirectEncoded matches
	// the same problems percent-encoded once.
	redirectPattern = `^/([^/\\\x00-\x1F\x7F-\x9F][^\\\x00-\x1F\x7F-\x9F]*)?$`
	redirectEncoded = `^/%(2[Ff]|5[Cc])|%(5[Cc]|[01][0-9A-Fa-f]|7[Ff]|[Cc]2%[89][0-9A-Fa-f])`
	// noGoName matches a name whose first letter or digit is a digit, or
	// that has none: GoName gives "" for it. Non-ASCII runes count as
	// letters.
	noGoName = "^[\\x00-/:-@\\[-`{-\\x7F]*([0-9]|$)"
)

// typePattern is the syntax parseType accepts: []T and map[string]T around
// a basic type, import/path.Name, or Name (a type of the generated package).
func typePattern() string {
	return `^\s*((\[\]|map\[\s*string\s*\])\s*)*(` + strings.Join(basicTypes, "|") + `|([^\s\[\]*]+\.)?[A-Z][A-Za-z0-9_]*)\s*$`
}

// definitions are the shared definitions the mappings refer to.
func definitions() obj {
	var keywords []string
	for tok := token.Token(0); tok < 256; tok++ {
		if tok.IsKeyword() {
			keywords = append(keywords, tok.String())
		}
	}
	name := obj{{"type", "string"}, {"not", obj{{"pattern", noGoName}}}}
	return obj{
		{"sessions", obj{{"type", "object"}, {"minProperties", 1},
			{"propertyNames", obj{{"$ref", "#/$defs/name"}, {"description", "A session's name: its first letter or digit is a letter."}}},
			{"additionalProperties", ref("session")}}},
		{"cookies", obj{{"type", "object"},
			{"propertyNames", obj{{"$ref", "#/$defs/name"}, {"description", "A standalone cookie's name: its first letter or digit is a letter."}}},
			{"additionalProperties", ref("standaloneCookie")}}},
		{"keys", obj{{"type", "object"},
			{"propertyNames", obj{{"$ref", "#/$defs/name"}, {"not", obj{{"pattern", "^__(flash|sg)_"}}},
				{"description", "A key's name, the key in the session's JSON data: its first letter or digit is a letter; __flash_ and __sg_ are reserved."}}},
			{"additionalProperties", ref("key")}}},
		{"flashKeys", obj{{"type", "object"},
			{"propertyNames", obj{{"$ref", "#/$defs/name"}, {"description", "A flash key's name: its first letter or digit is a letter."}}},
			{"additionalProperties", ref("flashKey")}}},
		{"key", obj{{"anyOf", []obj{ref("type"), ref("keyMapping")}}}},
		{"flashKey", obj{{"anyOf", []obj{ref("type"), ref("flashKeyMapping")}}}},
		{"type", obj{{"type", "string"}, {"pattern", typePattern()},
			{"not", obj{{"pattern", `^\s*((\[\]|map\[\s*string\s*\])\s*)*func`}}},
			{"description", typeDoc}}},
		{"name", name},
		{"packageName", obj{{"type", "string"}, {"pattern", goIdent.String()}, {"not", obj{{"enum", append(slices.Clip(keywords), "_")}}}}},
		{"cookieName", obj{{"type", "string"}, {"pattern", cookieNamePattern}}},
		{"redirect", obj{{"type", "string"}, {"maxLength", 2048}, {"pattern", redirectPattern},
			{"not", obj{{"pattern", redirectEncoded}}}}},
		{"duration", obj{{"type", "string"}, {"pattern", durationPattern}, {"not", obj{{"pattern", zeroDuration}}},
			{"description", "A positive Go duration in whole seconds, as integer hours, minutes and seconds: 30m, 168h, 1h30m, 90s."}}},
	}
}

// An obj is a JSON object that keeps its members in order, so that the
// JSON Schema reads top-down.
type obj []member

// A member is one name and value of an obj.
type member struct {
	k string
	v any
}

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustMarshal(m.k))
		b.WriteByte(':')
		b.Write(mustMarshal(m.v))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// mustMarshal encodes v without HTML escaping (patterns hold & and <).
func mustMarshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
