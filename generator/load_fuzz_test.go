package generator

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the schema loader: it must never
// panic, and every rejection must be a Diagnostics whose entries all have a
// 1-based position.
func FuzzLoad(f *testing.F) {
	cases, _ := filepath.Glob("../testdata/*.yaml")
	for _, path := range cases {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("package: p\nsessions:\n  S:\n    encrypt: true\n    keys: {a: \"[]map[string]int\"}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := Load(src, Options{Filename: "fuzz.yaml", Dir: "."})
		if err == nil {
			return
		}
		var ds Diagnostics
		if !errors.As(err, &ds) || len(ds) == 0 {
			t.Fatalf("error %T %v, want a non-empty Diagnostics", err, err)
		}
		for _, d := range ds {
			if d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Errorf("diagnostic without a position: %v", d)
			}
		}
	})
}
