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
//	-cert FILE       serve HTTPS with this certificate (PEM, with -key);
//	-key FILE        without them the app serves plain HTTP and says so
//
// Without -dev the cookies are Secure: browsers keep them over plain HTTP
// only from localhost and 127.0.0.1 (and the runtime logs a warning when
// one is set for any other host), so serve HTTPS with -cert and -key, or
// behind a TLS-terminating proxy that sends X-Forwarded-Proto: https.
//
//	WEBAPP_SESSION_SECRET  comma-separated signing secrets, newest first,
//	                       each at least 32 bytes (required without -dev)
package main

//go:generate go run github.com/sessiongen/sessiongen/cmd/sessiongen -schema sessions.yaml

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
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
	cert := flag.String("cert", "", "TLS certificate file (PEM); with -key, serve HTTPS")
	key := flag.String("key", "", "TLS private key file (PEM), with -cert")
	flag.Parse()
	if (*cert == "") != (*key == "") {
		log.Fatal("-cert and -key go together")
	}

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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(serve(srv, ln, *cert, *key, !*dev, os.Stdout))
}

// serve prints the URL the app really serves, then serves it: HTTPS when a
// certificate is given, plain HTTP otherwise (with a note when the cookies
// are Secure).
func serve(srv *http.Server, ln net.Listener, cert, key string, secure bool, stdout io.Writer) error {
	scheme := "http"
	if cert != "" {
		scheme = "https"
	}
	msg := fmt.Sprintf("example app on %s://%s (sign in as demo / demo-password or admin / admin-password)\n", scheme, ln.Addr())
	if cert == "" && secure {
		msg += "plain HTTP with Secure cookies: browsers keep them only from localhost or 127.0.0.1; use -cert/-key for HTTPS, a TLS proxy, or -dev\n"
	}
	io.WriteString(stdout, msg) // one write: what it serves is known before it serves
	if cert != "" {
		return srv.ServeTLS(ln, cert, key)
	}
	return srv.Serve(ln)
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
