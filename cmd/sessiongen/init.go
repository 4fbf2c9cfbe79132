package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/sessiongen/sessiongen/generator"
)

//go:embed starter.yaml
var starter []byte

// runInit writes a commented starter schema, never over an existing file.
func runInit(args []string, stdout, stderr io.Writer) int {
	path := "sessions.yaml"
	switch len(args) {
	case 0:
	case 1:
		path = args[0]
	default:
		fmt.Fprintln(stderr, "sessiongen: usage: sessiongen init [FILE]")
		return 2
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stderr, "sessiongen: %s exists already; not overwriting it\n", path)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	text := bytes.Replace(starter, []byte(generator.JSONSchemaURL), []byte(schemaURL(releaseVersion(moduleVersion()))), 1)
	if _, err := f.Write(text); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s; generate with: go tool sessiongen -schema %s\n"+
		"(once per module: go get -tool github.com/sessiongen/sessiongen/cmd/sessiongen)\n", path, path)
	return 0
}
