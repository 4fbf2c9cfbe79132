// Sessiongen generates typed HTTP session accessors from a YAML schema.
//
// A schema declares an app's sessions: their cookie settings, their keys with
// Go types, and their flash keys. Sessiongen checks it and writes one Go file
// with a typed session (UserSession: UserID, SetUserID, HasUserID,
// UnsetUserID, FlashMessage, PopMessage, …) and a storage (NewUserStorage,
// GetSession, CommitSession, DestroySession) over the runtime package. A
// misspelt key or a wrong type is then a compile error. The signed cookie is
// byte-compatible with React Router's createCookieSessionStorage.
//
// Usage:
//
//	sessiongen -schema FILE [-o FILE] [-ts FILE] [-check]
//	sessiongen init [FILE] write a commented starter schema (default sessions.yaml);
//	                       it never overwrites a file
//	sessiongen secret      print a fresh random secret for Config.Secrets
//
// Flags:
//
//	-schema FILE  the YAML schema (required)
//	-o FILE       the generated file; default: the schema's name with _gen.go
//	              (sessions.yaml → sessions_gen.go). Paths are relative to the
//	              working directory, which under go generate is the directory
//	              of the file holding the //go:generate line.
//	-ts FILE      also write a TypeScript module for a React Router app that
//	              shares the cookies: per session XSessionData, XFlashData
//	              and xCookieOptions, per standalone cookie XCookieValue and
//	              xCookieOptions (see the README's TypeScript section)
//	-check        write nothing; print a unified diff and exit 1 when a
//	              file on disk (the Go file, and the -ts module when given)
//	              is not what the schema generates (for CI)
//	-version      print the version and exit
//
// With go.mod's tool directive (go get -tool
// github.com/sessiongen/sessiongen/cmd/sessiongen), put next to the schema:
//
//	//go:generate go tool sessiongen -schema sessions.yaml
//
// or, without the tool directive:
//
//	//go:generate go run github.com/sessiongen/sessiongen/cmd/sessiongen -schema sessions.yaml
//
// Editors that run yaml-language-server (VS Code with the YAML extension,
// Neovim, Helix, Zed) check a schema against sessiongen.schema.json as it is
// typed when its first line, as sessiongen init writes it, is
//
//	# yaml-language-server: $schema=https://raw.githubusercontent.com/sessiongen/sessiongen/main/sessiongen.schema.json
//
// A bad schema is reported as file:line:col: message, one line per problem,
// all at once; no file is written then. The output file is written
// atomically, and only when its bytes change.
//
// Exit status: 0 on success, 1 for a bad schema or a stale file under
// -check, 2 for bad usage.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
