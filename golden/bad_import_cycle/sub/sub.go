// Package sub imports the generated package cycle.
package sub

import "github.com/sessiongen/sessiongen/golden/bad_import_cycle"

// A Thing names its package's importer.
type Thing struct {
	Of string `json:"of"`
}

// New returns a Thing of package cycle.
func New() Thing { return Thing{Of: cycle.Name} }
