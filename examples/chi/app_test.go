package main

import (
	"net/http/httptest"
	"testing"

	"github.com/sessiongen/sessiongen/internal/flowtest"
	"github.com/sessiongen/sessiongen/internal/readmetest"
)

// TestFlow serves the chi router on loopback and drives it through sign-in,
// flash messages, RequireUserID's redirect, Require's 403 and sign-out.
func TestFlow(t *testing.T) {
	users, err := newUsers("")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(users))
	defer srv.Close()
	flowtest.Run(t, srv.URL)
}

// TestREADME checks that the README's chi section shows this code.
func TestREADME(t *testing.T) {
	readmetest.Check(t, "../../README.md", "### chi", "app.go")
}
