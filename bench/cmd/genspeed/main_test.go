package main

import (
	"os"
	"testing"

	"github.com/sessiongen/sessiongen/generator"
)

// TestSchemaIsValid checks that the schemas genspeed times are accepted by
// the generator and declare the number of keys they claim: otherwise it
// would time sessiongen reporting errors.
func TestSchemaIsValid(t *testing.T) {
	for _, n := range []int{1, 10, 100, 1000} {
		s, err := generator.Load(Schema(n), generator.Options{Filename: "big.yaml"})
		if err != nil {
			t.Fatalf("%d keys: %v", n, err)
		}
		if len(s.Sessions) != 1 || len(s.Sessions[0].Keys) != n {
			t.Fatalf("%d keys: the schema has %d sessions, the first %d keys", n, len(s.Sessions), len(s.Sessions[0].Keys))
		}
		var docs, defaults int
		for _, k := range s.Sessions[0].Keys {
			if k.Doc != "" {
				docs++
			}
			if k.Default != nil {
				defaults++
			}
		}
		if n >= 100 && (docs == 0 || defaults == 0) {
			t.Errorf("%d keys: %d with a doc, %d with a default; want some of each", n, docs, defaults)
		}
	}
}

// TestCountKeys checks the example schema's key count against the
// generator's own reading of it.
func TestCountKeys(t *testing.T) {
	src, err := os.ReadFile("../../../schema.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := generator.Load(src, generator.Options{Filename: "schema.example.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, se := range s.Sessions {
		want += len(se.Keys) + len(se.Flash)
	}
	if got := countKeys(src); got != want {
		t.Errorf("countKeys = %d, the generator reads %d keys and flash keys", got, want)
	}
}

func TestTimeVMaxRSS(t *testing.T) {
	out := "\tCommand being timed: \"sessiongen\"\n\tMaximum resident set size (kbytes): 12345\n\tExit status: 0\n"
	if got, err := timeVMaxRSS(out); err != nil || got != 12345 {
		t.Errorf("timeVMaxRSS = %d, %v; want 12345", got, err)
	}
	if _, err := timeVMaxRSS("no such line"); err == nil {
		t.Error("no error without the max RSS line")
	}
}
