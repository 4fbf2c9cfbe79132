//go:build !unix && !windows

package filestore

import "os"

// On systems without file locks only the in-process mutex guards a
// session: one process per directory.
func flock(*os.File) error   { return nil }
func funlock(*os.File) error { return nil }
