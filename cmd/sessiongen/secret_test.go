package main

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestSecret: sessiongen secret prints 32 random bytes as base64, which
// NewStorage accepts without AllowWeakSecrets, and a new one each time.
func TestSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"secret"}, &stdout, &stderr); code != 0 || stderr.Len() != 0 {
			t.Fatalf("exit %d, stderr %q", code, stderr.String())
		}
		secret := strings.TrimSuffix(stdout.String(), "\n")
		raw, err := base64.StdEncoding.DecodeString(secret)
		if err != nil || len(raw) != 32 {
			t.Fatalf("secret %q: %d bytes, %v; want 32 bytes of base64", secret, len(raw), err)
		}
		if _, err := runtime.NewStorage(runtime.Spec{Name: "s"}, runtime.Config{Secrets: []string{secret}}); err != nil {
			t.Errorf("NewStorage refuses a generated secret: %v", err)
		}
		if seen[secret] {
			t.Errorf("secret %q printed twice", secret)
		}
		seen[secret] = true
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"secret", "extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("sessiongen secret extra: exit %d, want 2", code)
	}
}
