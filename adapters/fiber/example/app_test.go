package main

import (
	"net"
	"testing"

	"github.com/sessiongen/sessiongen/internal/flowtest"
	"github.com/sessiongen/sessiongen/internal/readmetest"
)

// TestFlow runs fiber's own (fasthttp) server on loopback and drives it
// through sign-in, flash messages, RequireUserID's redirect, Require's 403
// and sign-out.
func TestFlow(t *testing.T) {
	users, err := newUsers("")
	if err != nil {
		t.Fatal(err)
	}
	app := routes(users)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	defer func() {
		if err := app.Shutdown(); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Errorf("fiber: %v", err)
		}
	}()
	flowtest.Run(t, "http://"+ln.Addr().String())
}

// TestREADME checks that the README's fiber section shows this code.
func TestREADME(t *testing.T) {
	readmetest.Check(t, "../../../README.md", "### fiber", "app.go", "../sessionfiber.go", "header_test.go")
}
