// Command webapp is sessiongen's example app: a user session kept in a signed
// cookie (sign-in, remember-me, flash messages, an idle timeout) and an
// administrator session kept on the server, over plain net/http and
// html/template.
//
//	go run ./examples/webapp -dev
//
// then open http://127.0.0.1:8080 and sign in as demo / demo-password (a
// user) or admin / admin-password (an administrator).
//
// Flags and environment:
//
//	-addr ADDR       listen address (default 127.0.0.1:8080)
//	-dev             development mode: cookies without the Secure attribute,
//	                 for plain HTTP, and a built-in secret when
//	                 WEBAPP_SESSION_SECRET is unset
//	-idle DURATION   idle timeout of the user session, replacing the
//	                 schema's 30m (env WEBAPP_IDLE_TIMEOUT)
//
//	WEBAPP_SESSION_SECRET  comma-separated signing secrets, newest first,
//	                       each at least 32 bytes (required without -dev)
package main

//go:generate go run github.com/sessiongen/sessiongen/cmd/sessiongen -schema sessions.yaml

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

// devSecret signs cookies in development mode only. It is public: never use
// it for a deployment.
const devSecret = "DEV-ONLY-insecure-example-secret-do-not-deploy"

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dev := flag.Bool("dev", false, "development mode: no Secure cookie attribute (plain HTTP) and a built-in secret")
	idle := flag.Duration("idle", envDuration("WEBAPP_IDLE_TIMEOUT", 0), "idle timeout of the user session; 0 keeps the schema's 30m (env WEBAPP_IDLE_TIMEOUT)")
	flag.Parse()

	cfg := config{IdleTimeout: *idle, DisableSecure: *dev}
	if s := os.Getenv("WEBAPP_SESSION_SECRET"); s != "" {
		cfg.Secrets = strings.Split(s, ",")
	} else if *dev {
		log.Printf("dev mode: signing cookies with the built-in development secret; set WEBAPP_SESSION_SECRET for anything else")
		cfg.Secrets = []string{devSecret}
	} else {
		log.Fatal("WEBAPP_SESSION_SECRET is not set (comma-separated secrets of 32 bytes or more); use -dev to run locally with a built-in secret")
	}
	h, err := newServer(cfg)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	scheme := "https"
	if *dev {
		scheme = "http"
	}
	fmt.Printf("example app on %s://%s (sign in as demo / demo-password or admin / admin-password)\n", scheme, *addr)
	log.Fatal(srv.ListenAndServe())
}

func envDuration(name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	return d
}
