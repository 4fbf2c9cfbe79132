package main

import (
	"html/template"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
)

// server is the Go side of the pair: sign-in and the home page, and a
// reverse proxy to the Node server for /node/.
type server struct {
	users *UserStorage
}

func newServer(cfg Config, node *url.URL) (http.Handler, error) {
	users, err := NewUserStorage(cfg)
	if err != nil {
		return nil, err
	}
	s := &server{users: users}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.Handle("/node/", httputil.NewSingleHostReverseProxy(node))
	return mux, nil
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Go · sessiongen pair</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<p><small>Served by the Go service</small></p>
{{if .Flash}}<p id="flash" style="background: #e6f4ea; padding: .5em">{{.Flash}}</p>{{end}}
{{if .User}}<h1 id="user">Signed in as {{.User}}</h1><p><a id="to-node" href="/node/">Visit the Node page</a></p>
{{else}}<h1>Sign in</h1>
<form method="post" action="/login"><label>Name <input id="name" name="name" required></label>
<button id="submit" type="submit">Sign in</button></form>{{end}}
</body></html>`))

type view struct{ User, Flash string }

// home shows who is signed in and, once, the flash message the Node side
// left.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	sess, err := s.users.GetSession(r)
	if err != nil {
		http.Error(w, "session unavailable", http.StatusInternalServerError)
		return
	}
	var v view
	v.User, _ = sess.UserID()
	v.Flash, _ = sess.PopMessage()
	if err := s.users.CommitSession(w, sess); err != nil {
		http.Error(w, "session unavailable", http.StatusInternalServerError)
		return
	}
	s.render(w, v)
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) { s.render(w, view{}) }

// login signs the user in (any name: this example has no passwords) and
// sends the browser to the Node page.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	if name == "" || len(name) > 64 {
		http.Error(w, "a name of 1 to 64 bytes, please", http.StatusBadRequest)
		return
	}
	sess, err := s.users.GetSession(r)
	if err == nil {
		err = s.users.RegenerateID(sess)
	}
	if err == nil {
		sess.SetUserID(name)
		err = s.users.CommitSession(w, sess)
	}
	if err != nil {
		http.Error(w, "session unavailable", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/node/", http.StatusSeeOther)
}

func (s *server) render(w http.ResponseWriter, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, v); err != nil {
		log.Printf("pair: rendering: %v", err)
	}
}
