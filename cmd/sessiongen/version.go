package main

import (
	"strings"

	"github.com/sessiongen/sessiongen/generator"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// releaseVersion returns v when it names a tagged release (v1.2.0,
// v1.3.0-rc.1), and "" for anything else: "(devel)" from go run or a
// checkout, a pseudo-version (an untagged commit), a +dirty build. Only a
// release goes into generated headers and schema URLs, so that output made
// between tags stays the same from commit to commit.
func releaseVersion(v string) string {
	if !semver.IsValid(v) || semver.Build(v) != "" || module.IsPseudoVersion(v) || v == "v0.0.0" {
		return ""
	}
	return v
}

// schemaURL is the JSON Schema URL sessiongen init writes: the file at this
// release's tag, or at main for a development build.
func schemaURL(release string) string {
	if release == "" {
		return generator.JSONSchemaURL
	}
	return strings.Replace(generator.JSONSchemaURL, "/main/", "/"+release+"/", 1)
}
