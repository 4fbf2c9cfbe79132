package basic_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/sessiongen/sessiongen/golden/basic"
)

// A fixed secret keeps the output the same on every run; a real app reads
// its secrets from the environment (sessiongen secret makes one).
var cfg = basic.Config{Secrets: []string{"example-secret-example-secret-32b"}}

// roundTrip sends the cookies a response set with a new request, as a
// browser does on the next page.
func roundTrip(rec *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	return r
}

// A login handler sets the user's id and commits the session; the next
// request reads it back, typed.
func ExampleNewUserStorage() {
	st, err := basic.NewUserStorage(cfg)
	if err != nil {
		panic(err) // no secret, or one shorter than 32 bytes
	}

	// Login: POST /login.
	login := httptest.NewRecorder()
	s, _ := st.GetSession(httptest.NewRequest("POST", "/login", nil))
	s.SetUserID("u-42")
	if err := st.CommitSession(login, s); err != nil {
		panic(err)
	}
	fmt.Println(login.Header().Get("Set-Cookie"))

	// Any later request.
	s, _ = st.GetSession(roundTrip(login))
	id, ok := s.UserID()
	fmt.Println(id, ok)
	fmt.Println(s.Theme()) // unset: the schema's default
	// Output:
	// __session=eyJ1c2VySWQiOiJ1LTQyIn0%3D.AQpFAV8xXgJh3%2F0YB3NnypNd9Tr5haWql8Q6Lph3r0U; Path=/; HttpOnly; SameSite=Lax
	// u-42 true
	// light
}

// A handler flashes a message before a redirect; the next page pops it,
// and it is gone after that.
func ExampleUserSession_PopMessage() {
	st, _ := basic.NewUserStorage(cfg)

	save := httptest.NewRecorder()
	s, _ := st.GetSession(httptest.NewRequest("POST", "/settings", nil))
	s.FlashMessage("Settings saved.")
	st.CommitSession(save, s)
	http.Redirect(save, httptest.NewRequest("POST", "/settings", nil), "/", http.StatusSeeOther)

	page := httptest.NewRecorder()
	s, _ = st.GetSession(roundTrip(save))
	msg, ok := s.PopMessage()
	fmt.Printf("%q %v\n", msg, ok)
	st.CommitSession(page, s) // commit, so that the cookie forgets the message

	s, _ = st.GetSession(roundTrip(page))
	_, ok = s.PopMessage()
	fmt.Println(ok)
	// Output:
	// "Settings saved." true
	// false
}
