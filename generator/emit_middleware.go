package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// emitMiddleware writes the request integration of one session (the logic
// is runtime.Storage.Middleware, Require and RequireRedirect):
//
//	type userSessionKey struct{}
//	func (st *UserStorage) Middleware(next http.Handler) http.Handler
//	func UserSessionFrom(ctx context.Context) (*UserSession, bool)
//	func (st *UserStorage) Require(allow func(*UserSession) bool, next http.Handler) http.Handler
//	func (st *UserStorage) RequireUserID(next http.Handler) http.Handler // a key with require
//	func (s *UserSession) TimedOut() bool
func emitMiddleware(f *jen.File, sess *Session, recv func() *jen.Statement) {
	sname := sess.Names.Session
	key := sess.Names.CtxKey
	handler := func() *jen.Statement { return jen.Qual(nethttp, "Handler") }
	f.Line()
	f.Commentf("%s is the context key under which %s.Middleware keeps the %s.", key, sess.Names.Storage, sname)
	f.Type().Id(key).Struct()
	f.Line()
	f.Commentf("Middleware reads the %s of each request into its context (see %sFrom)", sname, sname)
	f.Comment("and commits it, when it changed, just before the first byte of the response,")
	f.Comment("adding Vary: Cookie. A store failure, or a commit that fails before the")
	f.Comment("response starts, is answered by Config.ErrorHandler (500 by default). Changes")
	f.Comment("made after the first byte are not committed. See runtime.Storage.Middleware.")
	f.Add(recv().Id("Middleware").Params(jen.Id("next").Add(handler())).Add(handler()).Block(
		jen.Return(rtStorage().Dot("Middleware").Call(jen.Id(key).Values(), jen.Id("next"))),
	))
	f.Line()
	f.Commentf("%s returns the %s that %s.Middleware put in ctx. It reports", sess.Names.From, sname, sess.Names.Storage)
	f.Comment("false, and never panics, when the middleware did not run for this request.")
	f.Func().Id(sess.Names.From).Params(jen.Id("ctx").Qual("context", "Context")).Params(jen.Op("*").Id(sname), jen.Bool()).Block(
		jen.List(jen.Id("s"), jen.Id("ok")).Op(":=").Qual(rt, "SessionFrom").Call(jen.Id("ctx"), jen.Id(key).Values()),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil(), jen.False())),
		jen.Return(typedSession(sname), jen.True()),
	)
	emitRequire(f, sess, recv, key)
	f.Line()
	f.Comment("TimedOut reports whether the request's session was discarded because its idle")
	f.Comment("or absolute timeout had passed (the schema's, or Config.IdleTimeout and")
	f.Comment("AbsoluteTimeout); Runtime().ReadError() tells which (runtime.ErrIdleTimeout,")
	f.Comment("runtime.ErrAbsoluteTimeout).")
	f.Func().Params(jen.Id("s").Op("*").Id(sname)).Id("TimedOut").Params().Bool().Block(
		jen.Return(rtSession().Dot("TimedOut").Call()),
	)
}

// emitRequire writes the guards: Require with a predicate (403), and
// RequireX for each key declared with require (303 to the login path):
//
//	func (st *UserStorage) RequireUserID(next http.Handler) http.Handler {
//		return st.st.RequireRedirect(userSessionKey{}, func(s *runtime.Session) bool {
//			_, ok := runtime.Get[string](s, "userId")
//			return ok
//		}, "/login", next)
//	}
func emitRequire(f *jen.File, sess *Session, recv func() *jen.Statement, key string) {
	sname := sess.Names.Session
	handler := func() *jen.Statement { return jen.Qual(nethttp, "Handler") }
	f.Line()
	f.Comment("Require returns next guarded by allow: a request whose session allow refuses")
	f.Comment("is answered 403 Forbidden. It applies Middleware itself when it has not run.")
	f.Add(recv().Id("Require").Params(jen.Id("allow").Func().Params(jen.Op("*").Id(sname)).Bool(), jen.Id("next").Add(handler())).Add(handler()).Block(
		jen.Return(rtStorage().Dot("Require").Call(
			jen.Id(key).Values(),
			jen.Func().Params(jen.Id("s").Op("*").Qual(rt, "Session")).Bool().Block(
				jen.Return(jen.Id("allow").Call(typedSession(sname))),
			),
			jen.Id("next"),
		)),
	))
	for _, k := range sess.Keys {
		if k.Names.Require == "" {
			continue
		}
		f.Line()
		f.Commentf("%s returns next guarded by %q: a request whose session does not", k.Names.Require, k.Name)
		sep := "?"
		if strings.Contains(k.Require, "?") {
			sep = "&"
		}
		f.Commentf("hold it (as %s) is redirected with 303 See Other to", article(k.Type.Src))
		f.Commentf("%s%sredirectTo=<its path and query>; read that back with", k.Require, sep)
		f.Comment("runtime.SafeRedirect. It applies Middleware itself when it has not run.")
		f.Add(recv().Id(k.Names.Require).Params(jen.Id("next").Add(handler())).Add(handler()).Block(
			jen.Return(rtStorage().Dot("RequireRedirect").Call(
				jen.Id(key).Values(),
				jen.Func().Params(jen.Id("s").Op("*").Qual(rt, "Session")).Bool().Block(
					jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Qual(rt, "Get").Types(goType(k.Type)).Call(jen.Id("s"), jen.Lit(k.Name)),
					jen.Return(jen.Id("ok")),
				),
				jen.Lit(k.Require),
				jen.Id("next"),
			)),
		))
	}
}
