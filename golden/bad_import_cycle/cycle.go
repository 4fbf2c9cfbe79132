// Package cycle is the generated package of testdata/bad_import_cycle.yaml,
// which names a type of a package that imports this one: sessiongen refuses
// it, since the generated file would close an import cycle.
package cycle

// Name is what package sub imports.
const Name = "cycle"
