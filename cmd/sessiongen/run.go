package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/sessiongen/sessiongen/generator"
)

const usage = `usage: sessiongen -schema FILE [-o FILE] [-ts FILE] [-check]
       sessiongen init [FILE]
       sessiongen secret

Generates typed session accessors from a YAML schema (see go doc
github.com/sessiongen/sessiongen/cmd/sessiongen).

  -schema FILE  the YAML schema (required)
  -o FILE       output file (default: the schema's name with _gen.go)
  -ts FILE      also write the TypeScript types and cookie options (React Router)
  -check        write nothing; print a diff and exit 1 if the output is stale
  -version      print the module version (a release, or (devel))

sessiongen init writes a commented starter schema; it never overwrites a file.
Editors check a schema against sessiongen.schema.json (its first line says so).
Exit status: 0 on success, 1 for a bad schema or a stale file (-check), 2 for bad usage.
`

// run is the whole command, testable: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "init" {
		return runInit(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "secret" {
		return runSecret(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("sessiongen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	schema := fs.String("schema", "", "")
	out := fs.String("o", "", "")
	tsOut := fs.String("ts", "", "")
	check := fs.Bool("check", false, "")
	version := fs.Bool("version", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "sessiongen: %v (see sessiongen -h)\n", err)
		return 2
	}
	switch {
	case *version:
		fmt.Fprintln(stdout, "sessiongen", moduleVersion())
		return 0
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "sessiongen: unexpected argument %q (see sessiongen -h)\n", fs.Arg(0))
		return 2
	case *schema == "":
		fmt.Fprintln(stderr, "sessiongen: missing -schema FILE (see sessiongen -h)")
		return 2
	}
	if *out == "" {
		*out = strings.TrimSuffix(*schema, filepath.Ext(*schema)) + "_gen.go"
	}
	return generate(*schema, *out, *tsOut, *check, stdout, stderr)
}

func generate(schema, out, tsOut string, check bool, stdout, stderr io.Writer) int {
	src, err := os.ReadFile(schema)
	if err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		if errors.Is(err, os.ErrNotExist) {
			return 2
		}
		return 1
	}
	opts := generator.Options{Filename: schema, Source: relSource(out, schema), Version: releaseVersion(moduleVersion())}
	var code, tsCode []byte
	if tsOut == "" {
		code, err = generator.Generate(src, opts)
	} else {
		code, tsCode, err = generator.GenerateFiles(src, opts, relSource(tsOut, schema))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fix := "sessiongen -schema " + schema + " -o " + out
	if tsOut != "" {
		fix += " -ts " + tsOut
	}
	status := update(fix, out, code, check, stdout, stderr)
	if tsOut != "" {
		status = max(status, update(fix, tsOut, tsCode, check, stdout, stderr))
	}
	return status
}

// relSource names the schema relative to the directory of a generated file.
func relSource(out, schema string) string {
	source, err := filepath.Rel(filepath.Dir(out), schema)
	if err != nil {
		return filepath.Base(schema)
	}
	return source
}

// update writes code to out when it differs, or under check reports the
// difference.
func update(fix, out string, code []byte, check bool, stdout, stderr io.Writer) int {
	old, err := os.ReadFile(out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	if bytes.Equal(old, code) {
		return 0
	}
	if check {
		fmt.Fprint(stdout, udiff.Unified(out+" (on disk)", out+" (generated)", string(old), string(code)))
		fmt.Fprintf(stderr, "sessiongen: %s is stale: run %s\n", out, fix)
		return 1
	}
	if err := writeAtomic(out, code); err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	return 0
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so that a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// moduleVersion returns the version of the sessiongen module this binary
// was built from ("(devel)" in a checkout).
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if info.Main.Path == "github.com/sessiongen/sessiongen" {
		return info.Main.Version
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/sessiongen/sessiongen" {
			return m.Version
		}
	}
	return info.Main.Version
}
