package readmetest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const readme = "# x\n\n### gin\n\ntext\n\n```go\nr := gin.New()\n\nr.Use(a)\n```\n\n### fiber\n\n```go\nother()\n```\n\n## next\n\n```go\nnot in a section()\n```\n"

func TestGoBlocks(t *testing.T) {
	if got := GoBlocks(readme, "### gin"); !slices.Equal(got, []string{"r := gin.New()\n\nr.Use(a)"}) {
		t.Fatalf("GoBlocks(### gin) = %q", got)
	}
	if got := GoBlocks(readme, "### fiber"); !slices.Equal(got, []string{"other()"}) {
		t.Fatalf("GoBlocks(### fiber) = %q", got)
	}
}

func TestMissing(t *testing.T) {
	p := write(t, "README.md", readme)
	src := write(t, "app.go", "package x\n\nfunc f() {\n\tr := gin.New()\n\tr.Use(a)\n}\n")
	if m, err := Missing(p, "### gin", src); err != nil || len(m) != 0 {
		t.Fatalf("gin: missing %q, %v", m, err)
	}
	if m, err := Missing(p, "### fiber", src); err != nil || !slices.Equal(m, []string{"other()"}) {
		t.Fatalf("fiber: missing %q, %v; want the block", m, err)
	}
	if _, err := Missing(p, "### chi", src); err == nil {
		t.Fatal("a section without Go blocks was accepted")
	}
}
