package main

import (
	"errors"
	"net"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sessiongen/sessiongen/internal/flowtest"
	"github.com/sessiongen/sessiongen/internal/readmetest"
)

// TestFlow runs gin's own server on loopback and drives it through
// sign-in, flash messages, RequireUserID's redirect, Require's 403 and
// sign-out.
func TestFlow(t *testing.T) {
	gin.SetMode(gin.TestMode)
	users, err := newUsers("")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- routes(users).RunListener(ln) }()
	defer func() {
		ln.Close()
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("gin: %v", err)
		}
	}()
	flowtest.Run(t, "http://"+ln.Addr().String())
}

// TestREADME checks that the README's gin section shows this code.
func TestREADME(t *testing.T) {
	readmetest.Check(t, "../../../README.md", "### gin", "app.go", "../sessiongin.go")
}
