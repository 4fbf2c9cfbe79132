package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
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
  -o FILE       output file (default: the schema's name with _gen.go);
                - writes to standard output
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
	if check && (out == "-" || tsOut == "-") {
		fmt.Fprintln(stderr, "sessiongen: -check needs files to compare with, not - (see sessiongen -h)")
		return 2
	}
	src, err := os.ReadFile(schema)
	if err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		if errors.Is(err, os.ErrNotExist) {
			return 2
		}
		return 1
	}
	opts := generator.Options{Filename: schema, Source: relSource(out, schema), Version: releaseVersion(moduleVersion()), Output: out}
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

// relSource names the schema relative to the directory of a generated file
// (the working directory for standard output).
func relSource(out, schema string) string {
	dir := filepath.Dir(out)
	if out == "-" {
		dir = "."
	}
	source, err := filepath.Rel(dir, schema)
	if err != nil {
		return filepath.Base(schema)
	}
	return source
}

// update writes code to out (standard output for "-") when it differs, or
// under check reports the difference.
func update(fix, out string, code []byte, check bool, stdout, stderr io.Writer) int {
	if out == "-" {
		if _, err := stdout.Write(code); err != nil {
			fmt.Fprintf(stderr, "sessiongen: writing standard output: %v\n", err)
			return 1
		}
		return 0
	}
	err := writeOutput(out, code, check, stdout)
	if errors.Is(err, errStale) {
		fmt.Fprintf(stderr, "sessiongen: %s is stale: run %s\n", out, fix)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "sessiongen: %v\n", err)
		return 1
	}
	return 0
}

// errStale is writeOutput's error under -check when the file on disk is
// not what the schema generates.
var errStale = errors.New("stale")

// writeOutput writes code to out unless out holds it already; with check,
// it prints the diff instead. A target that is not a regular file (a
// device such as /dev/stdout, a pipe) is written in place, never read or
// replaced; a symlink is followed, so the link stays and its target is
// written. Errors name out as the user gave it.
func writeOutput(out string, code []byte, check bool, stdout io.Writer) error {
	target := out
	if resolved, err := filepath.EvalSymlinks(out); err == nil {
		target = resolved
	}
	fi, err := os.Stat(target)
	if err == nil && !fi.Mode().IsRegular() {
		if check {
			return fmt.Errorf("-check: %s is not a regular file", out)
		}
		return writeInPlace(out, target, code)
	}
	old, err := os.ReadFile(target)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot read %s: %w", out, pathErr(err))
	}
	if bytes.Equal(old, code) {
		return nil
	}
	if check {
		fmt.Fprint(stdout, udiff.Unified(out+" (on disk)", out+" (generated)", string(old), string(code)))
		return errStale
	}
	if err := writeAtomic(target, code); err != nil {
		return fmt.Errorf("cannot write %s: %w", out, pathErr(err))
	}
	return nil
}

// writeInPlace writes code into an existing file that is not a regular
// file, without truncating or replacing it.
func writeInPlace(out, target string, code []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err == nil {
		_, err = f.Write(code)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", out, pathErr(err))
	}
	return nil
}

// pathErr drops the path of a *fs.PathError (a temporary file's, or a
// resolved symlink's), which the caller replaces with the user's name.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
