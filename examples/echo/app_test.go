package main

import (
	"net"
	"net/http"
	"testing"

	"github.com/sessiongen/sessiongen/internal/flowtest"
	"github.com/sessiongen/sessiongen/internal/readmetest"
)

// TestFlow runs echo's own server on loopback and drives it through
// sign-in, flash messages, RequireUserID's redirect, Require's 403 and
// sign-out.
func TestFlow(t *testing.T) {
	users, err := newUsers("")
	if err != nil {
		t.Fatal(err)
	}
	e := routes(users)
	e.HidePort = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Listener = ln
	done := make(chan error, 1)
	go func() { done <- e.Start("") }()
	defer func() {
		e.Close()
		if err := <-done; err != http.ErrServerClosed {
			t.Errorf("echo: %v", err)
		}
	}()
	flowtest.Run(t, "http://"+ln.Addr().String())
}

// TestREADME checks that the README's echo section shows this code.
func TestREADME(t *testing.T) {
	readmetest.Check(t, "../../README.md", "### echo", "app.go")
}
