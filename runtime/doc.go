// Package runtime is what sessiongen's generated code runs on: it reads a
// session from a request's Cookie header, holds its JSON data, and writes it
// back as a Set-Cookie line, in the format of React Router's
// createCookieSessionStorage (signed) or sealed with an AEAD, with the data
// in the cookie or in a server-side Store.
//
// # One request, from Cookie to Set-Cookie
//
//  1. The generated Middleware (Storage.Middleware, middleware.go) reads the
//     session once per request and puts it in the request's context, where
//     the generated XSessionFrom finds it (SessionFrom).
//  2. GetSession (storage.go) joins the request's Cookie lines (cookieHeader)
//     and picks this session's cookie as React Router's parser does: the
//     first of a repeated name wins (cookieValue, cookie.go).
//  3. The value is percent-decoded and its signature verified against every
//     secret, the first signing and all verifying (signed.go), or it is
//     opened with the AEAD bound to the cookie name (encrypted.go). A bad
//     value reads as an empty session with ReadError set (errors.go).
//  4. For server storage the verified value is an id; the data is read from
//     the Store (storage.go readServer; store.go, memstore.go). A store
//     failure is a *StoreError, never an empty session.
//  5. The data, a JSON object, is split into its keys without decoding the
//     values (object.go), and the idle and absolute timeouts are checked
//     from the stamps inside it (timeout.go).
//  6. The handler reads and writes typed values through the generated
//     accessors, which call Get, Set, Flash and Pop (session.go) with the
//     JSON encoding of JavaScript's JSON.stringify (Encode and Decode,
//     jsjson.go). RequireX and Require guard handlers (require.go), and
//     SafeRedirect checks where a login sends the user back (redirect.go).
//  7. Before the response's first byte, the middleware's writer commits a
//     modified session (middleware.go; remember.go keeps a remember-me
//     login's Max-Age): the stamps are renewed (timeout.go), the data is
//     written as JSON (object.go), or, for server storage, only the changes
//     go to the Store as a Patch (store.go), and the value is signed or
//     sealed again.
//  8. The Set-Cookie line is built from attributes computed once at
//     NewStorage (header, cookie.go), under the rules of CheckCookie
//     (cookierules.go), and refused with a *TooLargeError over 4096 bytes
//     (storage.go).
//
// # What apps use
//
// Apps use the generated package; from this one they use Config (passed to
// NewXStorage), CommitOption with WithMaxAge and WithExpires, the errors
// and error types (ErrTampered, ErrConfig, *TooLargeError, *StoreError, …),
// SafeRedirect, Session for untyped access (the generated Runtime method),
// and, to keep server sessions, Store, OwnerIndex, Record, Patch, Field,
// ApplyPatch and MemoryStore; the storetest package checks a Store.
//
// # What only generated code and the generator use
//
// As with protobuf-go's protoimpl, some exported API exists only so that
// generated code and the generator can reach it; each is marked "For
// generated code" (or "For the generator") in its doc comment, and may change
// with the generator: SupportPackageIsVersion1, Spec and NewStorage (apps
// call the generated NewXStorage), Storage.Middleware and SessionFrom
// (taking a context key; apps use XStorage.Middleware and XSessionFrom),
// FlashKey, OwnerOf, LoginURL, and the cookie rules CheckCookie,
// CookieProblem and DefaultCookieOptions (cookierules.go).
package runtime
