package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
)

// runSecret prints a fresh secret for Config.Secrets: 32 bytes from
// crypto/rand in standard base64 (44 characters, 256 bits of entropy, above
// runtime.MinSecretLen).
func runSecret(args []string, stdout, stderr io.Writer) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "sessiongen: usage: sessiongen secret")
		return 2
	}
	var b [32]byte
	rand.Read(b[:])
	fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(b[:]))
	return 0
}
