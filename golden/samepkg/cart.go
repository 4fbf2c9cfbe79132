// Package samepkg holds a type that its own generated sessions store:
// samepkg_gen.go refers to it bare and does not import its own package.
package samepkg

// A Cart is declared beside the generated file.
type Cart struct {
	Items []string `json:"items"`
}
