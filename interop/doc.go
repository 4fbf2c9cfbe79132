// Package interop holds the live interoperability test between the Go
// runtime and the real React Router (the version pinned in package.json):
// cookies written by one side are read by the other, and the same session
// data must give byte-identical Set-Cookie strings on both.
//
// The test starts Node once and talks to rr.mjs over JSON lines. Without
// Node or the installed package it is skipped (a failure when CI=true);
// install the package with:
//
//	cd interop && npm ci
package interop
