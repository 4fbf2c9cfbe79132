package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sessiongen/sessiongen/runtime"
)

// A fixed secret keeps the examples' output the same on every run; a real
// app reads its secrets from the environment (sessiongen secret makes one).
const exampleSecret = "example-secret-example-secret-32b"

// exampleStorage returns a cookie storage for a session named User with the
// schema's default cookie (__session, Path=/, HttpOnly, Secure, Lax).
func exampleStorage() *runtime.Storage {
	spec := runtime.Spec{Name: "User", Cookie: runtime.CookieOptions{
		Name: "__session", Path: "/", SameSite: runtime.SameSiteLax, HTTPOnly: true, Secure: true,
	}}
	st, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{exampleSecret}})
	if err != nil {
		panic(err)
	}
	return st
}

// exampleCookie turns a Set-Cookie line into the Cookie header a browser
// sends back: the name=value pair before the attributes.
func exampleCookie(setCookie string) string {
	pair, _, _ := strings.Cut(setCookie, ";")
	return pair
}

// Commit a session to a Set-Cookie line and read it back from the Cookie
// header. Generated code does the same with typed methods (SetUserID,
// UserID) over an http.Request and an http.ResponseWriter.
func ExampleStorage() {
	st := exampleStorage()
	ctx := context.Background()

	s, _ := st.GetSessionHeader(ctx, "") // no cookie: a new, empty session
	runtime.Set(s, "userId", "u-42")
	runtime.Set(s, "roles", []string{"admin"})
	setCookie, err := st.CommitSessionHeader(s)
	if err != nil {
		panic(err)
	}
	fmt.Println(setCookie)

	again, _ := st.GetSessionHeader(ctx, exampleCookie(setCookie))
	userID, ok := runtime.Get[string](again, "userId")
	fmt.Println(userID, ok)
	roles, _ := runtime.Get[[]string](again, "roles")
	fmt.Println(roles)
	_, ok = runtime.Get[int](again, "userId") // a string is not an int
	fmt.Println(ok)

	// A cookie changed by the client reads as a new, empty session.
	forged := strings.Replace(exampleCookie(setCookie), "eyJ", "eyK", 1)
	tampered, _ := st.GetSessionHeader(ctx, forged)
	fmt.Println(tampered.Keys())
	// Output:
	// __session=eyJ1c2VySWQiOiJ1LTQyIiwicm9sZXMiOlsiYWRtaW4iXX0%3D.wYt8aIrjCmsreTMS1nTeyqiibXY18NrEqi5kSC%2FzCfE; Path=/; HttpOnly; Secure; SameSite=Lax
	// u-42 true
	// [admin]
	// false
	// []
}

// A flash value survives one commit and is gone once read, as in React
// Router's session.flash: set it before a redirect, pop it on the next page.
func ExampleFlash() {
	st := exampleStorage()
	ctx := context.Background()

	s, _ := st.GetSessionHeader(ctx, "")
	runtime.Flash(s, "message", "Saved.")
	setCookie, _ := st.CommitSessionHeader(s)

	next, _ := st.GetSessionHeader(ctx, exampleCookie(setCookie))
	msg, ok := runtime.Pop[string](next, "message")
	fmt.Printf("%q %v\n", msg, ok)
	_, ok = runtime.Pop[string](next, "message")
	fmt.Println(ok)
	// Output:
	// "Saved." true
	// false
}

// A cookie session whose Set-Cookie line would pass the 4096 bytes browsers
// keep is not committed; the error says by how much.
func ExampleTooLargeError() {
	st := exampleStorage()
	s, _ := st.GetSessionHeader(context.Background(), "")
	runtime.Set(s, "notes", strings.Repeat("x", 5000))
	_, err := st.CommitSessionHeader(s)

	var tooLarge *runtime.TooLargeError
	if errors.As(err, &tooLarge) {
		fmt.Println(tooLarge.Name, tooLarge.Size > tooLarge.Limit, tooLarge.Limit)
	}
	fmt.Println(errors.Is(err, runtime.ErrTooLarge))
	// Output:
	// __session true 4096
	// true
}
