package generator

import (
	"encoding/json"
	"fmt"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file writes the TypeScript side of a schema (sessiongen -ts): per
// session the data and flash types React Router's session API takes, and
// the cookie options, so that a React Router app sharing the cookie with
// the Go service is typed from the same schema.

// GenerateFiles is Generate that also returns the TypeScript module of the
// schema. tsSource names the schema in the module's header, relative to the
// module; "" means the base name of opts.Filename.
func GenerateFiles(src []byte, opts Options, tsSource string) (goCode, tsCode []byte, err error) {
	s, err := Load(src, opts)
	if err != nil {
		return nil, nil, err
	}
	goCode, err = emit(s, sourceName(opts.Source, opts.Filename), opts.Version)
	if err != nil {
		return nil, nil, err
	}
	return goCode, emitTS(s, sourceName(tsSource, opts.Filename), opts.Version), nil
}

// sourceName is how a generated header names the schema.
func sourceName(source, filename string) string {
	if source == "" {
		source = filepath.Base(filename)
	}
	return filepath.ToSlash(source)
}

// safeInteger is the largest integer a JavaScript number holds exactly.
const safeInteger = "2^53 − 1 (Number.MAX_SAFE_INTEGER)"

// tsWriter accumulates the module's text.
type tsWriter struct{ b strings.Builder }

func (w *tsWriter) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// doc writes a TSDoc comment of paragraphs (empty ones are dropped),
// indented by indent.
func (w *tsWriter) doc(indent string, paragraphs ...string) {
	var lines []string
	for _, p := range paragraphs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		for _, l := range strings.Split(p, "\n") {
			lines = append(lines, strings.TrimRight(strings.ReplaceAll(l, "*/", "*\\/"), " "))
		}
	}
	if len(lines) == 0 {
		return
	}
	w.line("%s/**", indent)
	for _, l := range lines {
		if l == "" {
			w.line("%s *", indent)
		} else {
			w.line("%s * %s", indent, l)
		}
	}
	w.line("%s */", indent)
}

// emitTS renders the schema as one TypeScript module.
func emitTS(s *Schema, source, version string) []byte {
	w := &tsWriter{}
	w.line("// %s", header(source, version))
	w.line("//")
	w.line("// Types and cookie options for a React Router app that shares these cookies")
	w.line("// with the Go service generated from the same schema. Secrets are not here:")
	w.line("// add them at run time: { ...xCookieOptions, secrets }.")
	for _, sess := range s.Sessions {
		emitTSSession(w, sess)
	}
	emitTSCookies(w, s)
	return []byte(w.b.String())
}

func emitTSSession(w *tsWriter, sess *Session) {
	data, flash := sess.GoName+"SessionData", sess.GoName+"FlashData"
	opts := lowerFirst(sess.GoName) + "CookieOptions"
	use := fmt.Sprintf("Use: createCookieSessionStorage<%s, %s>({ cookie: { ...%s, secrets } }).", data, flash, opts)
	if sess.Server {
		use = fmt.Sprintf("Server storage: the cookie holds only the signed session id; the data is in the Go service's store (createSessionStorage<%s, %s> with a store that reads it).", data, flash)
	}
	w.line("")
	w.doc("", fmt.Sprintf("The keys of session %q, as JSON (Go: %sSession).", sess.Name, sess.GoName), sess.Doc, use)
	emitTSInterface(w, data, sess.Keys, "")
	w.line("")
	w.doc("", fmt.Sprintf("The flash keys of session %q, read once (Go: %sSession.FlashX / PopX).", sess.Name, sess.GoName))
	emitTSInterface(w, flash, sess.Flash, "Flash")
	w.line("")
	notes := []string{fmt.Sprintf("The cookie options of session %q for React Router, without secrets.", sess.Name)}
	if sess.Encrypt {
		notes = append(notes, "The session is encrypted (encrypt: true): React Router cannot read this cookie; the options are here for its name and attributes only.")
	}
	if sess.IdleTimeout > 0 || sess.AbsoluteTimeout > 0 {
		notes = append(notes, "The idle and absolute timeouts are enforced by the Go side only, from the __sg_created and __sg_seen stamps it keeps in the data; a React Router commit keeps those stamps as they are.")
	}
	w.doc("", notes...)
	emitTSOptions(w, opts, sess.Cookie, true)
}

// emitTSInterface writes an interface with one property per key; with no
// keys it is empty, so that it accepts no key (keyof is never).
func emitTSInterface(w *tsWriter, name string, keys []*Key, goPrefix string) {
	if len(keys) == 0 {
		w.line("export interface %s {}", name)
		return
	}
	w.line("export interface %s {", name)
	for _, k := range keys {
		w.doc("  ", keyTSDoc(k, goPrefix)...)
		w.line("  %s: %s;", tsPropName(k.Name), tsType(k.Type))
	}
	w.line("}")
}

// keyTSDoc is a key's TSDoc: its schema doc, its Go type and accessor, its
// Go-side default, and the large-integer caveat where it applies.
func keyTSDoc(k *Key, goPrefix string) []string {
	goSide := fmt.Sprintf("Go: `%s` (%s%s).", k.Type.Src, goPrefix, k.GoName)
	if k.Default != nil {
		goSide += fmt.Sprintf(" Default on the Go side: %s (React Router's get returns undefined when unset).", literalText(k.Default))
	}
	out := []string{k.Doc, goSide}
	if wideInts(k.Type) {
		out = append(out, largeIntNote)
	}
	return out
}

const largeIntNote = "Large integers: this holds 64-bit Go integers, and a JavaScript number is exact only up to " + safeInteger +
	". A larger value reads in JavaScript as the nearest double and, written back, reaches Go as that rounded integer; Go reads every integer digit for digit."

// emitTSOptions writes React Router cookie options as a const whose
// properties keep their literal types (sameSite: "lax", not string).
func emitTSOptions(w *tsWriter, name string, c Cookie, withName bool) {
	w.line("export const %s = {", name)
	if withName {
		w.line("  name: %s,", tsString(c.Name))
	}
	w.line("  path: %s,", tsString(c.Path))
	if c.Domain != "" {
		w.line("  domain: %s,", tsString(c.Domain))
	}
	w.line("  sameSite: %s,", tsString(c.SameSite))
	w.line("  httpOnly: %t,", c.HTTPOnly)
	w.line("  secure: %t,", c.Secure)
	if c.MaxAge > 0 {
		w.line("  maxAge: %d,", int64(c.MaxAge/time.Second))
	}
	if c.Partitioned {
		w.line("  partitioned: true,")
	}
	if c.Priority != "" {
		w.line("  priority: %s,", tsString(c.Priority))
	}
	w.line("} as const;")
}

var tsIdent = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// tsPropName quotes a property name that is not an identifier.
func tsPropName(name string) string {
	if tsIdent.MatchString(name) {
		return name
	}
	return tsString(name)
}

// tsString is a TypeScript string literal: a JSON string is one.
func tsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// tsType is the TypeScript type of a schema type's JSON form.
func tsType(t *Type) string {
	switch t.Kind {
	case Basic:
		return tsBasic(t.Name)
	case Slice:
		if t.Elem.Kind == Basic && (t.Elem.Name == "byte" || t.Elem.Name == "uint8") {
			return "string" // encoding/json writes []byte as base64
		}
		return tsArray(tsType(t.Elem))
	case Map:
		return "Record<string, " + tsType(t.Elem) + ">"
	}
	switch t.Path + "." + t.Name {
	case "time.Time":
		return "string"
	case "time.Duration":
		return "number"
	}
	if t.resolved == nil {
		return "unknown"
	}
	return tsGo(t.resolved, map[types.Type]bool{})
}

func tsBasic(name string) string {
	switch name {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return "number"
}

// tsArray is T[], with parentheses around a union.
func tsArray(elem string) string {
	if strings.Contains(elem, " | ") && !strings.HasPrefix(elem, "{") {
		return "(" + elem + ")[]"
	}
	return elem + "[]"
}

// tsGo is the TypeScript type of what encoding/json writes for a Go type.
// stack holds the named types being expanded: a recursive type becomes
// unknown where it recurs.
func tsGo(t types.Type, stack map[types.Type]bool) string {
	if n, ok := t.(*types.Named); ok {
		if obj := n.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == "time" {
			switch obj.Name() {
			case "Time":
				return "string"
			case "Duration":
				return "number"
			}
		}
		if stack[t] {
			return "unknown"
		}
		stack[t] = true
		defer delete(stack, t)
	}
	if hasMethod(t, "MarshalJSON") {
		return "unknown"
	}
	if hasMethod(t, "MarshalText") {
		return "string"
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return tsGoBasic(u)
	case *types.Pointer:
		return tsGo(u.Elem(), stack) + " | null"
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 && !hasMethod(u.Elem(), "MarshalJSON") && !hasMethod(u.Elem(), "MarshalText") {
			return "string"
		}
		return tsArray(tsGo(u.Elem(), stack))
	case *types.Array:
		return tsArray(tsGo(u.Elem(), stack))
	case *types.Map:
		return "Record<string, " + tsGo(u.Elem(), stack) + ">"
	case *types.Struct:
		return tsStruct(u, stack)
	}
	return "unknown"
}

func tsGoBasic(b *types.Basic) string {
	switch {
	case b.Info()&types.IsString != 0:
		return "string"
	case b.Info()&types.IsBoolean != 0:
		return "boolean"
	case b.Info()&types.IsNumeric != 0:
		return "number"
	}
	return "unknown"
}

// hasMethod reports whether *t has the method.
func hasMethod(t types.Type, name string) bool {
	return types.NewMethodSet(types.NewPointer(t)).Lookup(nil, name) != nil
}

// A jsonField is one property encoding/json writes for a struct.
type jsonField struct {
	name     string
	typ      string
	optional bool
	depth    int
	tagged   bool
}

// tsStruct is a struct's JSON shape as an object type, by encoding/json's
// rules: exported fields, json tag names, "-" skipped, omitempty optional,
// ",string" quoted, untagged embedded structs' fields promoted (the
// shallowest wins; two at one depth cancel unless one is tagged).
func tsStruct(s *types.Struct, stack map[types.Type]bool) string {
	var all []jsonField
	collectFields(s, 0, stack, &all)
	var props []string
	for _, f := range dominant(all, func(f jsonField) (string, int, bool) { return f.name, f.depth, f.tagged }) {
		opt := ""
		if f.optional {
			opt = "?"
		}
		props = append(props, fmt.Sprintf("%s%s: %s", tsPropName(f.name), opt, f.typ))
	}
	if len(props) == 0 {
		return "Record<string, never>"
	}
	return "{ " + strings.Join(props, "; ") + " }"
}

func collectFields(s *types.Struct, depth int, stack map[types.Type]bool, out *[]jsonField) {
	for i := range s.NumFields() {
		f := s.Field(i)
		name, opts, ignored := jsonTag(s, i)
		if ignored {
			continue
		}
		if f.Embedded() && name == "" {
			ft := f.Type()
			if p, ok := ft.Underlying().(*types.Pointer); ok {
				ft = p.Elem()
			}
			if st, ok := ft.Underlying().(*types.Struct); ok && !hasMethod(ft, "MarshalJSON") && !hasMethod(ft, "MarshalText") {
				if !stack[ft] {
					stack[ft] = true
					collectFields(st, depth+1, stack, out)
					delete(stack, ft)
				}
				continue
			}
		}
		if !f.Exported() {
			continue
		}
		jf := jsonField{name: name, depth: depth, tagged: name != ""}
		if name == "" {
			jf.name = f.Name()
		}
		_, isStruct := f.Type().Underlying().(*types.Struct) // never empty to omitempty
		jf.optional = !isStruct && slices.Contains(opts, "omitempty") || slices.Contains(opts, "omitzero")
		jf.typ = tsGo(f.Type(), stack)
		if slices.Contains(opts, "string") && (jf.typ == "number" || jf.typ == "boolean") {
			jf.typ = "string"
		}
		if !jf.optional {
			jf.typ = nullable(f.Type(), jf.typ)
		}
		*out = append(*out, jf)
	}
}

// nullable adds "| null" for what encoding/json writes as null when nil
// (slices and maps; pointers have it already).
func nullable(t types.Type, ts string) string {
	if hasMethod(t, "MarshalJSON") || hasMethod(t, "MarshalText") {
		return ts
	}
	switch t.Underlying().(type) {
	case *types.Slice, *types.Map:
		return ts + " | null"
	}
	return ts
}

// wideInts reports whether a type's JSON holds Go integers wider than a
// JavaScript number holds exactly (int, int64, uint, uint64, time.Duration).
func wideInts(t *Type) bool {
	wide := false
	t.walk(func(u *Type) {
		switch {
		case u.Kind == Basic:
			switch u.Name {
			case "int", "int64", "uint", "uint64":
				wide = true
			}
		case u.Kind == Named && u.Path == "time" && u.Name == "Duration":
			wide = true
		case u.Kind == Named && u.resolved != nil:
			wide = wide || goWideInts(u.resolved, map[types.Type]bool{})
		}
	})
	return wide
}

func goWideInts(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if hasMethod(t, "MarshalJSON") || hasMethod(t, "MarshalText") {
		return false // its own JSON form (time.Time: a string)
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Int, types.Int64, types.Uint, types.Uint64, types.Uintptr:
			return true
		}
	case *types.Pointer:
		return goWideInts(u.Elem(), seen)
	case *types.Slice:
		return goWideInts(u.Elem(), seen)
	case *types.Array:
		return goWideInts(u.Elem(), seen)
	case *types.Map:
		return goWideInts(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if goWideInts(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}
