package runtime

import (
	"os"
	"regexp"
	"testing"
)

// TestPackageDocNamesRealFiles: the package doc's walk through a request
// names files that exist, so that it cannot outlive a rename.
func TestPackageDocNamesRealFiles(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`\b[a-z_]+\.go\b`).FindAllString(string(doc), -1)
	if len(names) < 10 {
		t.Fatalf("the package doc names only %d files", len(names))
	}
	for _, name := range names {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("the package doc names %s: %v", name, err)
		}
	}
}
