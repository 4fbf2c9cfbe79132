package main

import "testing"

func TestReleaseVersion(t *testing.T) {
	for v, want := range map[string]string{
		"v1.2.0":                               "v1.2.0",
		"v1.3.0-rc.1":                          "v1.3.0-rc.1",
		"(devel)":                              "",
		"":                                     "",
		"v0.0.0-20261201213906-bfca059abcde":   "",
		"v1.2.1-0.20261201213906-bfca059abcde": "",
		"v1.2.1-0.20261201213906-bfca059abcde+dirty": "",
		"v1.2.0+dirty": "",
		// A module required as v0.0.0 and replaced by a local directory
		// (as this repository's own modules do) is not a release.
		"v0.0.0": "",
	} {
		if got := releaseVersion(v); got != want {
			t.Errorf("releaseVersion(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestSchemaURL(t *testing.T) {
	if got, want := schemaURL(""), "https://raw.githubusercontent.com/sessiongen/sessiongen/main/sessiongen.schema.json"; got != want {
		t.Errorf("development build: %s, want %s", got, want)
	}
	if got, want := schemaURL("v1.2.0"), "https://raw.githubusercontent.com/sessiongen/sessiongen/v1.2.0/sessiongen.schema.json"; got != want {
		t.Errorf("release: %s, want %s", got, want)
	}
}
