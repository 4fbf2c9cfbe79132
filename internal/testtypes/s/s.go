// Package s is a package whose name is the generated session methods'
// receiver name: schemas naming its types must still compile.
package s

// A Thing is a value stored in a session key.
type Thing struct {
	Name string `json:"name"`
}
