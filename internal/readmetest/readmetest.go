// Package readmetest checks that the Go code a README section shows is
// code a module compiles: each fenced Go block of the section must appear,
// line for line, in one of the module's source files. The README's
// framework and migration sections show code of modules whose dependencies
// the root module does not have, so they cannot be compiled from the root.
package readmetest

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// Check fails t unless every ```go block in the section of readme under
// heading (a line such as "### gin", up to the next heading of the same or
// a higher level) appears in one of files. See Missing.
func Check(t *testing.T, readme, heading string, files ...string) {
	t.Helper()
	missing, err := Missing(readme, heading, files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range missing {
		t.Errorf("%s, %q: this Go block is not in %v (keep the README and the compiled code identical):\n%s", readme, heading, files, b)
	}
}

// Missing returns the ```go blocks of readme's section under heading that
// appear in none of files. Lines are compared without their leading and
// trailing white space, and blank lines are ignored, so a block may be
// indented differently from the source. A section without a Go block is an
// error.
func Missing(readme, heading string, files ...string) ([]string, error) {
	text, err := os.ReadFile(readme)
	if err != nil {
		return nil, err
	}
	blocks := GoBlocks(string(text), heading)
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%s: no Go block under %q", readme, heading)
	}
	var sources [][]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sources = append(sources, lines(string(b)))
	}
	var missing []string
	for _, b := range blocks {
		if !anyContains(sources, lines(b)) {
			missing = append(missing, b)
		}
	}
	return missing, nil
}

// GoBlocks returns the ```go blocks of the Markdown text's section under
// heading.
func GoBlocks(text, heading string) []string {
	level := strings.IndexByte(heading, ' ')
	var blocks []string
	var cur []string
	in, fenced := false, false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case fenced && strings.HasPrefix(l, "```"):
			blocks, cur, fenced = append(blocks, strings.Join(cur, "\n")), nil, false
		case fenced:
			cur = append(cur, l)
		case l == heading:
			in = true
		case in && isHeading(l, level):
			in = false
		case in && l == "```go":
			fenced = true
		}
	}
	return blocks
}

// isHeading reports whether l is a Markdown heading of level or higher
// (fewer #).
func isHeading(l string, level int) bool {
	n := len(l) - len(strings.TrimLeft(l, "#"))
	return n > 0 && n <= level && strings.HasPrefix(l[n:], " ")
}

// lines returns s's non-blank lines, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func anyContains(sources [][]string, block []string) bool {
	for _, src := range sources {
		for i := 0; i+len(block) <= len(src); i++ {
			if slices.Equal(src[i:i+len(block)], block) {
				return true
			}
		}
	}
	return false
}
