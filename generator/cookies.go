package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"go.yaml.in/yaml/v3"
)

// This file is the schema's `cookies:` section: typed standalone cookies,
// React Router's createCookie. Each gives a Go type XCookie (Parse,
// ParseHeader, Serialize, Set) over runtime.Cookie, and in TypeScript an
// XCookieValue type and the xCookieOptions.

// A StandaloneCookie is one entry of the schema's cookies section: a typed
// value in a cookie of its own.
type StandaloneCookie struct {
	Name   string // schema name
	GoName string // Prefs → PrefsCookie, NewPrefsCookie
	Doc    string
	Value  *Key // the value's type; its Name is the schema name
	Signed bool // signed: true (default); false: base64 only, no secret
	Cookie Cookie
	Pos    Pos

	Names   CookieNames // filled in by declareCookies
	Methods *Scope      // the methods of Names.Type
}

// CookieNames are the package-level identifiers generated for a standalone
// cookie.
type CookieNames struct {
	Type string // PrefsCookie
	New  string // NewPrefsCookie
	Spec string // prefsCookieSpec
}

// cookieMethods are the methods of every XCookie.
var cookieMethods = []string{"Parse", "ParseHeader", "Serialize", "Set"}

// declareCookies names each standalone cookie and claims its identifiers
// in the package block, so that a cookie whose names another declaration
// has (a session called PrefsCookie declares prefsCookieSpec too) is a
// positioned error.
//
// The TypeScript module (-ts) has a namespace of its own, where a session
// and a cookie of one Go name collide (both give prefsCookieOptions).
func (l *loader) declareCookies(s *Schema) {
	ts := newScope("TypeScript", nil)
	for _, sess := range s.Sessions {
		if sess.Names.Session != "" {
			origin := fmt.Sprintf("session %q", sess.Name)
			for _, n := range []string{sess.GoName + "SessionData", sess.GoName + "FlashData", lowerFirst(sess.GoName) + "CookieOptions"} {
				ts.add(&Decl{Name: n, Origin: origin, Pos: sess.Pos})
			}
		}
	}
	for _, c := range s.Cookies {
		if c.GoName == "" {
			continue
		}
		if !exported(c.GoName) {
			l.d.add(c.Pos, "cookie %q: %s", c.Name, notExported)
			continue
		}
		c.Names = CookieNames{Type: c.GoName + "Cookie", New: "New" + c.GoName + "Cookie", Spec: lowerFirst(c.GoName) + "CookieSpec"}
		origin := fmt.Sprintf("cookie %q", c.Name)
		if !l.claim(s.Scope, "", origin, c.Pos, c.Names.Type, c.Names.New, c.Names.Spec) {
			continue
		}
		c.Methods = newScope(c.Names.Type, cookieMethods)
		l.claim(ts, "in TypeScript, ", origin, c.Pos, c.GoName+"CookieValue", lowerFirst(c.GoName)+"CookieOptions")
	}
}

// standaloneFields are the fields of one standalone cookie.
var standaloneFields = []string{"doc", "type", "signed", "cookie"}

// loadCookies decodes the cookies section; a cookie's name defaults to its
// schema name.
func (l *loader) loadCookies(s *Schema, n *yaml.Node) {
	f, order := l.mapping(n, "cookies", nil)
	for _, name := range order {
		kn, v := keyNode(f, name), f[name]
		c := &StandaloneCookie{Name: name, GoName: GoName(name), Signed: true, Pos: pos(kn)}
		what := fmt.Sprintf("cookie %q", name)
		c.Value = &Key{Name: name, GoName: c.GoName, Pos: pos(kn), TypePos: pos(v)}
		if c.GoName == "" {
			l.d.add(pos(kn), "%s: name must start with a letter", what)
		}
		cf, _ := l.mapping(v, what, standaloneFields)
		if cf == nil {
			cf = map[string]*yaml.Node{}
		}
		if tn := cf["type"]; tn == nil {
			l.d.add(pos(v), "%s: missing field \"type\" (the Go type of the cookie's value)", what)
		} else if t, ok := l.str(tn, what+": type"); ok {
			c.Value.Type, c.Value.TypePos = parseType(t), pos(tn)
		}
		if dn := cf["doc"]; dn != nil {
			c.Doc, _ = l.str(dn, what+": doc")
		}
		if sn := cf["signed"]; sn != nil {
			c.Signed, _ = l.boolean(sn, what+": signed")
		}
		c.Cookie = l.cookieNamed(what, cf["cookie"], name)
		if c.Cookie.Rolling {
			l.d.add(pos(cf["cookie"]), "%s: cookie: rolling is for sessions (each Serialize writes the cookie's Max-Age anew)", what)
		}
		s.Cookies = append(s.Cookies, c)
	}
}

// checkCookies applies the rules of standalone cookies: a valid type and a
// cookie name no session or other cookie uses (declareCookies checks their
// identifiers).
// sessionCookies maps name, path and domain to the session using them.
func (l *loader) checkCookies(s *Schema, sessionCookies map[string]*Session) {
	names := map[string]*StandaloneCookie{}
	for _, c := range s.Cookies {
		what := fmt.Sprintf("cookie %q", c.Name)
		ck := c.Cookie.Name + "\x00" + c.Cookie.Path + "\x00" + c.Cookie.Domain
		if sess, ok := sessionCookies[ck]; ok {
			l.d.add(c.Pos, "%s uses cookie %q like session %q (first at %d:%d): each needs its own cookie name", what, c.Cookie.Name, sess.Name, sess.Pos.Line, sess.Pos.Col)
		} else if first, ok := names[ck]; ok {
			l.d.add(c.Pos, "%s uses cookie %q like cookie %q (first at %d:%d): each needs its own cookie name", what, c.Cookie.Name, first.Name, first.Pos.Line, first.Pos.Col)
		} else {
			names[ck] = c
		}
		l.checkType("cookies", "cookie", c.Value)
	}
}

// emitCookie writes one standalone cookie:
//
//	var prefsCookieSpec = runtime.CookieSpec{…}
//	type PrefsCookie struct{ c *runtime.Cookie }
//	func NewPrefsCookie(cfg Config) (*PrefsCookie, error)
//	func (c *PrefsCookie) Parse(r *http.Request) (T, bool)
//	func (c *PrefsCookie) ParseHeader(cookieHeader string) (T, bool)
//	func (c *PrefsCookie) Serialize(v T, opts ...CommitOption) (string, error)
//	func (c *PrefsCookie) Set(w http.ResponseWriter, v T, opts ...CommitOption) error
func emitCookie(f *jen.File, c *StandaloneCookie) {
	name, spec := c.Names.Type, c.Names.Spec
	typ := func() *jen.Statement { return goType(c.Value.Type) }
	specDict := jen.Dict{jen.Id("Name"): jen.Lit(c.Name), jen.Id("Cookie"): cookieOptionsLit(c.Cookie)}
	if !c.Signed {
		specDict[jen.Id("Unsigned")] = jen.Lit(true)
	}
	f.Line()
	f.Commentf("%s describes cookie %q for the runtime.", spec, c.Name)
	f.Var().Id(spec).Op("=").Qual(rt, "CookieSpec").Values(specDict)
	f.Line()
	f.Commentf("%s reads and writes the standalone cookie %q, a %s in", name, c.Cookie.Name, c.Value.Type.Src)
	if c.Signed {
		f.Comment("React Router's createCookie format, signed. It is safe for concurrent use.")
	} else {
		f.Comment("React Router's createCookie format, unsigned: base64 only, which a client")
		f.Comment("can change. It is safe for concurrent use.")
	}
	if c.Doc != "" {
		f.Comment("")
		f.Add(jen.CustomFunc(jen.Options{Separator: "\n"}, func(g *jen.Group) { docLines(g, c.Doc) }))
	}
	f.Type().Id(name).Struct(jen.Id("c").Op("*").Qual(rt, "Cookie"))
	f.Line()
	f.Commentf("%s returns the cookie %q. It refuses cookie attributes browsers", c.Names.New, c.Name)
	if c.Signed {
		f.Comment("would refuse, a Config with no secret, or a secret shorter than 32 bytes")
		f.Comment("(unless cfg.AllowWeakSecrets); the first secret signs, all verify.")
	} else {
		f.Comment("would refuse; being unsigned, it ignores cfg.Secrets.")
	}
	f.Func().Id(c.Names.New).Params(jen.Id("cfg").Id("Config")).Params(jen.Op("*").Id(name), jen.Error()).Block(
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Qual(rt, "NewCookie").Call(jen.Id(spec), jen.Id("cfg")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Op("&").Id(name).Values(jen.Dict{jen.Id("c"): jen.Id("c")}), jen.Nil()),
	)
	recv := func() *jen.Statement { return jen.Func().Params(jen.Id("c").Op("*").Id(name)) }
	f.Line()
	f.Comment("Parse returns the cookie's value in r. It reports false when the cookie is")
	f.Comment("missing, does not verify, is null, or does not decode as " + c.Value.Type.Src + ".")
	f.Add(recv().Id("Parse").Params(jen.Id("r").Op("*").Qual(nethttp, "Request")).Params(typ(), jen.Bool()).Block(
		jen.Return(codecRef(c.Value.Type).Dot("ParseCookie").Call(jen.Id("c").Dot("c"), jen.Id("r"))),
	))
	f.Line()
	f.Comment("ParseHeader is Parse for callers without an *http.Request: it takes the")
	f.Comment("value of the Cookie header.")
	f.Add(recv().Id("ParseHeader").Params(jen.Id("cookieHeader").String()).Params(typ(), jen.Bool()).Block(
		jen.Return(codecRef(c.Value.Type).Dot("ParseCookieHeader").Call(jen.Id("c").Dot("c"), jen.Id("cookieHeader"))),
	))
	f.Line()
	f.Comment("Serialize returns the whole Set-Cookie line for v, as React Router's")
	f.Comment("cookie.serialize(v) writes it. A line over 4096 bytes is refused with a")
	f.Comment("*runtime.TooLargeError.")
	f.Add(recv().Id("Serialize").Params(jen.Id("v").Add(typ()), jen.Id("opts").Op("...").Id("CommitOption")).Params(jen.String(), jen.Error()).Block(
		jen.Return(codecRef(c.Value.Type).Dot("SerializeCookie").Call(jen.Id("c").Dot("c"), jen.Id("v"), jen.Id("opts").Op("..."))),
	))
	f.Line()
	f.Comment("Set adds the Set-Cookie line of Serialize to w.")
	f.Add(recv().Id("Set").Params(jen.Id("w").Qual(nethttp, "ResponseWriter"), jen.Id("v").Add(typ()), jen.Id("opts").Op("...").Id("CommitOption")).Error().Block(
		jen.Return(codecRef(c.Value.Type).Dot("SetCookie").Call(jen.Id("c").Dot("c"), jen.Id("w"), jen.Id("v"), jen.Id("opts").Op("..."))),
	))
}

// emitTSCookies writes, per standalone cookie, its value type and options
// (with the name, for createCookie(name, { ...options, secrets })).
func emitTSCookies(w *tsWriter, s *Schema) {
	for _, c := range s.Cookies {
		value, opts := c.GoName+"CookieValue", lowerFirst(c.GoName)+"CookieOptions"
		use := fmt.Sprintf("createCookie(%s.name, { ...%s, secrets })", opts, opts)
		if !c.Signed {
			use = fmt.Sprintf("createCookie(%s.name, %s) (unsigned: no secrets)", opts, opts)
		}
		w.line("")
		doc := []string{fmt.Sprintf("The value of cookie %q (Go: %s, `%s`). Use: %s.", c.Name, c.Names.Type, c.Value.Type.Src, use), c.Doc}
		if wideInts(c.Value.Type) {
			doc = append(doc, largeIntNote)
		}
		w.doc("", doc...)
		w.line("export type %s = %s;", value, tsType(c.Value.Type))
		w.line("")
		w.doc("", fmt.Sprintf("The cookie options of cookie %q for React Router, with its name, without secrets.", c.Name))
		emitTSOptions(w, opts, c.Cookie, true)
	}
}
