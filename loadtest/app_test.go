package loadtest

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sessiongen/sessiongen/runtime"
)

// app is one instance's handlers, as a real app would write them:
//
//	POST /login?user=U   a new session id, userId=U, a flash
//	POST /set?k=K&v=V    sets K (401 when not logged in), a flash
//	GET  /get            the session as JSON, with its flash popped
//	POST /revoke?user=U  RevokeOwner(U)
//	POST /logout         DestroySession
//
// A store failure is a 503 with "store" in the body.
func app(st *runtime.Storage) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		withSession(st, w, r, func(s *runtime.Session) (int, error) {
			if err := st.RegenerateID(s); err != nil {
				return 0, err
			}
			user := r.URL.Query().Get("user")
			runtime.Set(s, "userId", user)
			runtime.Flash(s, "msg", "welcome "+user)
			return http.StatusOK, st.CommitSession(w, s)
		})
	})
	mux.HandleFunc("POST /set", func(w http.ResponseWriter, r *http.Request) {
		withSession(st, w, r, func(s *runtime.Session) (int, error) {
			if !s.Has("userId") {
				return http.StatusUnauthorized, nil
			}
			q := r.URL.Query()
			runtime.Set(s, q.Get("k"), q.Get("v"))
			runtime.Flash(s, "msg", "set "+q.Get("k"))
			return http.StatusOK, st.CommitSession(w, s)
		})
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		withSession(st, w, r, func(s *runtime.Session) (int, error) {
			flash, _ := runtime.Pop[string](s, "msg")
			user, _ := runtime.Get[string](s, "userId")
			keys := map[string]string{}
			for _, k := range s.Keys() {
				if v, ok := runtime.Get[string](s, k); ok {
					keys[k] = v
				}
			}
			if err := st.CommitSession(w, s); err != nil {
				return 0, err
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(view{User: user, Flash: flash, Keys: keys})
			return 0, nil
		})
	})
	mux.HandleFunc("POST /revoke", func(w http.ResponseWriter, r *http.Request) {
		if _, err := st.RevokeOwner(r.Context(), r.URL.Query().Get("user")); err != nil {
			fail(w, err)
		}
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		withSession(st, w, r, func(s *runtime.Session) (int, error) {
			return http.StatusOK, st.DestroySession(w, s)
		})
	})
	return mux
}

// view is what GET /get answers.
type view struct {
	User  string            `json:"user"`
	Flash string            `json:"flash"`
	Keys  map[string]string `json:"keys"`
}

// withSession reads the request's session, runs h and writes its status
// (0: h wrote the response) or its error.
func withSession(st *runtime.Storage, w http.ResponseWriter, r *http.Request, h func(*runtime.Session) (int, error)) {
	s, err := st.GetSession(r)
	if err != nil {
		fail(w, err)
		return
	}
	code, err := h(s)
	switch {
	case err != nil:
		fail(w, err)
	case code != 0:
		w.WriteHeader(code)
	}
}

func fail(w http.ResponseWriter, err error) {
	var se *runtime.StoreError
	if errors.As(err, &se) {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}
