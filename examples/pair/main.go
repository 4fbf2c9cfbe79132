// Command pair is the Go half of a site served by a Go service and a Node
// server together: the Go side signs users in, the Node side (web/, React
// Router's session API) greets them from the same signed cookie and leaves
// a flash message that the Go page shows once. Both are typed from one
// schema, sessions.yaml: sessions_gen.go here, web/sessions.ts there.
//
//	(cd web && npm ci && npm run build && PAIR_SESSION_SECRET=... npm start)
//	PAIR_SESSION_SECRET=... go run ./examples/pair -node http://127.0.0.1:3000
//
// then open http://127.0.0.1:8080. The Go service serves / and /login and
// passes /node/ to the Node server, so that the browser sees one site and
// one cookie.
//
// Flags and environment:
//
//	-addr ADDR   listen address (default 127.0.0.1:8080)
//	-node URL    the Node server (default http://127.0.0.1:3000)
//
//	PAIR_SESSION_SECRET  comma-separated signing secrets, newest first, the
//	                     same on both sides (at least 32 bytes each)
package main

//go:generate go run github.com/sessiongen/sessiongen/cmd/sessiongen -schema sessions.yaml -ts web/sessions.ts

import (
	"flag"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	node := flag.String("node", "http://127.0.0.1:3000", "the Node server")
	flag.Parse()
	nodeURL, err := url.Parse(*node)
	if err != nil {
		log.Fatalf("pair: -node: %v", err)
	}
	h, err := newServer(Config{Secrets: strings.Split(os.Getenv("PAIR_SESSION_SECRET"), ",")}, nodeURL)
	if err != nil {
		log.Fatalf("pair: %v", err)
	}
	log.Printf("pair: listening on http://%s, /node/ served by %s", *addr, nodeURL)
	log.Fatal(http.ListenAndServe(*addr, h))
}
