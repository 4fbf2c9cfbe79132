package generator

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
	"go.yaml.in/yaml/v3"
)

// checkCookie reports the cookie rules c breaks, as runtime.CheckCookie
// (the rules NewStorage applies) finds them, each at the first of its
// fields that the schema sets; f holds the cookie's YAML fields. A rule
// about a default value points at the cookie mapping's first field.
func (l *loader) checkCookie(what string, c Cookie, f map[string]*yaml.Node) {
	for _, p := range runtime.CheckCookie(c) {
		l.d.add(fieldPos(f, p.Fields), "%s: %s", what, p.Msg)
	}
}

// fieldPos returns the position of the first of names that f holds, else
// of the mapping's first field.
func fieldPos(f map[string]*yaml.Node, names []string) Pos {
	for _, n := range names {
		if v := f[n]; v != nil {
			return pos(v)
		}
	}
	first := Pos{1, 1}
	for _, v := range f {
		if p := pos(v); first == (Pos{1, 1}) || p.Line < first.Line || p.Line == first.Line && p.Col < first.Col {
			first = p
		}
	}
	return first
}

// checkSchema applies the rules that span sessions and keys: Go name
// collisions, reserved keys, defaults, index keys.
func (l *loader) checkSchema(s *Schema) {
	cookieNames := map[string]*Session{}
	for _, sess := range s.Sessions {
		ck := sess.Cookie.Name + "\x00" + sess.Cookie.Path + "\x00" + sess.Cookie.Domain
		if first, ok := cookieNames[ck]; ok {
			l.d.add(sess.Pos, "session %q uses cookie %q like session %q (first at %d:%d): each session needs its own cookie name", sess.Name, sess.Cookie.Name, first.Name, first.Pos.Line, first.Pos.Col)
		} else {
			cookieNames[ck] = sess
		}
		l.checkKeys(sess)
	}
	l.checkCookies(s, cookieNames)
	l.declare(s)
}

func (l *loader) checkKeys(sess *Session) {
	what := fmt.Sprintf("session %q", sess.Name)
	indexes := 0
	keyNames := map[string]*Key{}
	for _, k := range sess.Keys {
		if !l.checkName(what, "key", k) {
			continue
		}
		if strings.HasPrefix(k.Name, "__flash_") {
			l.d.add(k.Pos, "%s: key %q starts with __flash_, which is reserved for flash values", what, k.Name)
		}
		if strings.HasPrefix(k.Name, "__sg_") {
			l.d.add(k.Pos, "%s: key %q starts with __sg_, which is reserved for sessiongen's own keys (__sg_created, __sg_seen, __sg_maxage)", what, k.Name)
		}
		if _, ok := keyNames[k.GoName]; !ok {
			keyNames[k.GoName] = k
		}
		if l.checkType(what, "key", k) && k.Index {
			indexes++
			l.checkIndex(what, sess, k, indexes)
		}
	}
	for _, k := range sess.Flash {
		if !l.checkName(what, "flash key", k) {
			continue
		}
		l.checkType(what, "flash key", k)
		if key, ok := keyNames[k.GoName]; ok {
			l.d.add(k.Pos, "%s: flash key %q and key %q both become %s (first at %d:%d): give the flash key its own name", what, k.Name, key.Name, k.GoName, key.Pos.Line, key.Pos.Col)
		}
	}
}

// checkName reports a key whose name gives no Go name.
func (l *loader) checkName(what, kind string, k *Key) bool {
	if k.GoName == "" {
		l.d.add(k.Pos, "%s: %s %q: name must start with a letter", what, kind, k.Name)
		return false
	}
	if !exported(k.GoName) {
		l.d.add(k.Pos, "%s: %s %q: %s", what, kind, k.Name, notExported)
		return false
	}
	return true
}

// checkType checks a key's type syntax and default; it reports false when
// the type is missing or does not parse.
func (l *loader) checkType(what, kind string, k *Key) bool {
	if k.Type == nil {
		return false
	}
	if msg := k.Type.firstErr(); msg != "" {
		l.d.add(k.TypePos, "%s: %s %q: type %q: %s", what, kind, k.Name, k.Type.Src, msg)
		return false
	}
	if n, ok := k.Default.(*yaml.Node); ok {
		k.Default = l.defaultValue(what, kind, k, n)
	}
	return true
}

func (l *loader) checkIndex(what string, sess *Session, k *Key, n int) {
	if !sess.Server {
		l.d.add(k.Pos, "%s: key %q: index needs storage: server (a cookie session has no server-side record to find)", what, k.Name)
	}
	if n > 1 {
		l.d.add(k.Pos, "%s: key %q: only one key may be the index", what, k.Name)
	}
	if k.Type.Kind != Basic || k.Type.Name == "bool" || strings.HasPrefix(k.Type.Name, "float") {
		l.d.add(k.TypePos, "%s: key %q: an index key must be a string or an integer, not %s", what, k.Name, k.Type.Src)
	}
}

// defaultValue converts a YAML default to the key's Go type; only basic
// types and time.Duration may have one.
func (l *loader) defaultValue(what, kind string, k *Key, n *yaml.Node) any {
	bad := func(want string) any {
		l.d.add(pos(n), "%s: %s %q: default %s is not %s", what, kind, k.Name, kindName(n), want)
		return nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return bad(article(k.Type.Src))
	}
	t := k.Type
	switch {
	case t.Kind == Named && t.Path == "time" && t.Name == "Duration":
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return bad("a Go duration (e.g. 30m)")
		}
		return d
	case t.Kind != Basic:
		l.d.add(pos(n), "%s: %s %q: defaults are supported for basic types and time.Duration only, not %s", what, kind, k.Name, t.Src)
		return nil
	case t.Name == "string":
		return n.Value
	case t.Name == "bool":
		b, err := strconv.ParseBool(n.Value)
		if err != nil || n.Tag != "!!bool" {
			return bad("true or false")
		}
		return b
	case strings.HasPrefix(t.Name, "float"):
		f, err := strconv.ParseFloat(n.Value, bitSize(t.Name))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			err = strconv.ErrRange
		}
		switch {
		case errors.Is(err, strconv.ErrRange):
			return bad("a finite number in the range of " + t.Name)
		case err != nil:
			return bad("a number")
		}
		return f
	case strings.HasPrefix(t.Name, "uint") || t.Name == "byte":
		v, err := strconv.ParseUint(n.Value, 10, bitSize(t.Name))
		if err != nil {
			return bad(article(t.Name))
		}
		return v
	default:
		v, err := strconv.ParseInt(n.Value, 10, bitSize(t.Name))
		if err != nil {
			return bad(article(t.Name))
		}
		return v
	}
}

// article puts "a" or "an" before a type name.
func article(name string) string {
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func bitSize(name string) int {
	switch name {
	case "int8", "uint8", "byte":
		return 8
	case "int16", "uint16":
		return 16
	case "int32", "uint32", "rune", "float32":
		return 32
	}
	return 64
}

// resolveTypes loads the packages that the schema's named types come from,
// only when there are any, and checks each type.
func (l *loader) resolveTypes(s *Schema, dir, output string) {
	paths := map[string]bool{}
	type sessionKey struct {
		what string
		k    *Key
	}
	var all []sessionKey
	for _, sess := range s.Sessions {
		for _, k := range append(slices.Clip(sess.Keys), sess.Flash...) {
			if k.Type != nil && k.Type.firstErr() == "" {
				namedPaths(k.Type, paths)
				all = append(all, sessionKey{fmt.Sprintf("session %q", sess.Name), k})
			}
		}
	}
	for _, c := range s.Cookies {
		if k := c.Value; k.Type != nil && k.Type.firstErr() == "" {
			namedPaths(k.Type, paths)
			all = append(all, sessionKey{"cookies", k})
		}
	}
	if len(paths) == 0 {
		return
	}
	r, err := loadPackages(dir, output, s.Package, paths)
	if err != nil {
		l.d.add(Pos{1, 1}, "cannot load packages: %v", err)
		return
	}
	s.PkgPath = r.selfPath()
	s.Imports = map[string]string{}
	for path := range paths {
		if p := r.pkgs[path]; p != nil && p.Name != "" && path != s.PkgPath {
			s.Imports[path] = p.Name
		}
	}
	for _, sk := range all {
		sk.k.Type.walk(func(t *Type) {
			if t.Kind != Named || builtinNamed[t.Path+"."+t.Name] {
				return
			}
			src := t.Name
			if t.Path != "" {
				src = t.Path + "." + t.Name
			}
			if msg := r.check(t); msg != "" {
				l.d.add(sk.k.TypePos, "%s: key %q: type %q: %s", sk.what, sk.k.Name, src, msg)
			}
		})
	}
}
