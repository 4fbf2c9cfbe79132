package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/sessiontest"
)

// These tests call the app's handler directly with sessions made by
// sessiontest: no server, no sign-in first. README.md quotes
// TestDeleteItemSetsFlash.

func testApp(t *testing.T) *server {
	t.Helper()
	app, err := newApp(config{Secrets: []string{testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func signedInAs(name string) func(*UserSession) {
	return func(s *UserSession) { s.SetUserID(name) }
}

func TestDeleteItemSetsFlash(t *testing.T) {
	app := testApp(t)
	req := sessiontest.NewRequest(t, app.users, "POST", "/items/Bread/delete", signedInAs("demo"))
	rec := httptest.NewRecorder()
	app.handler.ServeHTTP(rec, req)
	got := sessiontest.Read(t, app.users, rec.Header())

	if msg, _ := got.Session.PopMessage(); msg != "Deleted item Bread" {
		t.Errorf("flash after delete = %q, want %q", msg, "Deleted item Bread")
	}
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Errorf("delete: status %d to %q, want 303 to /", rec.Code, rec.Header().Get("Location"))
	}
	if id, _ := got.Session.UserID(); id != "demo" {
		t.Errorf("user after delete = %q, want demo", id)
	}
}

func TestDashboardShowsFlashOnce(t *testing.T) {
	app := testApp(t)
	req := sessiontest.NewRequest(t, app.users, "GET", "/", func(s *UserSession) {
		s.SetUserID("demo")
		s.FlashMessage("Saved.")
	})
	rec := httptest.NewRecorder()
	app.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Saved.") {
		t.Fatalf("dashboard: status %d, the flash not shown:\n%s", rec.Code, rec.Body.String())
	}
	got := sessiontest.Read(t, app.users, rec.Header())
	if _, ok := got.Session.PopMessage(); !got.Committed || ok {
		t.Errorf("after the dashboard: committed %v, flash still there %v; want the flash consumed", got.Committed, ok)
	}
}

func TestLogoutDestroysSession(t *testing.T) {
	app := testApp(t)
	rec := httptest.NewRecorder()
	app.handler.ServeHTTP(rec, sessiontest.NewRequest(t, app.users, "POST", "/logout", signedInAs("demo")))
	if got := sessiontest.Read(t, app.users, rec.Header()); !got.Destroyed || got.Session.HasUserID() {
		t.Errorf("after logout: %+v, want the session destroyed", got)
	}
}

func TestAdminPageWithBothSessions(t *testing.T) {
	app := testApp(t)
	req := sessiontest.NewRequest(t, app.users, "GET", "/admin", signedInAs("admin"))
	sessiontest.AddSession(t, req, app.admin, func(s *AdminSession) {
		s.SetAdminID("admin")
		s.FlashNotice("Signed in as administrator admin.")
	})
	rec := httptest.NewRecorder()
	app.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Signed in as administrator admin.") {
		t.Fatalf("/admin: status %d\n%s", rec.Code, rec.Body.String())
	}
	if _, ok := sessiontest.Read(t, app.admin, rec.Header()).Session.PopNotice(); ok {
		t.Error("the administrator notice is still there after it was shown")
	}
	// A plain user gets 403, whatever the administrator session says.
	req = sessiontest.NewRequest(t, app.users, "GET", "/admin", signedInAs("demo"))
	rec = httptest.NewRecorder()
	app.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("/admin for demo: status %d, want 403", rec.Code)
	}
}
