// Command chi is the sessiongen example for github.com/go-chi/chi: the
// generated Middleware installed with r.Use, RequireUserID and Require as
// route middleware, and the typed session read from the request's context.
//
//	go run . -addr 127.0.0.1:8080   # demo / demo-password, admin / admin-password
//
// The cookie is not Secure (plain HTTP); set SESSION_SECRET to sign with
// your own secret.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/sessiongen/sessiongen/examples/chi/sessions"
)

// devSecret signs cookies when SESSION_SECRET is not set: development only.
const devSecret = "development secret, never use it in production!"

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	users, err := newUsers(os.Getenv("SESSION_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, routes(users)))
}

// newUsers returns the session storage, signed with secret (devSecret when
// empty), without the Secure attribute so that it works over plain HTTP.
func newUsers(secret string) (*sessions.UserStorage, error) {
	if secret == "" {
		secret = devSecret
	}
	return sessions.NewUserStorage(sessions.Config{Secrets: []string{secret}, DisableSecure: true})
}
