package generator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPropertyAcceptedSchemasCompile is the generator's promise as a
// property: for random schemas from a seeded generator, either Generate
// refuses the schema with nothing but file:line:col: lines and no output,
// or the package it writes passes go vet (which builds it). All schemas go
// into packages of one temporary module, checked by one go vet run.
//
// It runs 24 schemas; SESSIONGEN_PROPERTY_N=200 runs more, and
// SESSIONGEN_PROPERTY_SEED picks the seed (default: 1). Skipped under -short.
func TestPropertyAcceptedSchemasCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet over generated packages; skipped under -short")
	}
	n, seed := envInt("SESSIONGEN_PROPERTY_N", 24), envInt("SESSIONGEN_PROPERTY_SEED", 1)
	mod := propertyModule(t)
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	accepted := 0
	for i := range n {
		src := randomSchema(r, i)
		if checkOne(t, mod, i, src) {
			accepted++
		}
	}
	t.Logf("%d of %d schemas accepted", accepted, n)
	if accepted == 0 || accepted == n {
		t.Errorf("%d of %d accepted: the generator of schemas should give both kinds", accepted, n)
	}
	cmd := exec.Command("go", "vet", "-mod=mod", "./...")
	cmd.Dir = mod
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet over the accepted schemas' packages: %v\n%s", err, out)
	}
}

// FuzzSchemaCompiles checks the same property for one schema drawn from a
// fuzzed seed: a refusal is all positioned lines, an acceptance gives a
// package that passes go vet.
func FuzzSchemaCompiles(f *testing.F) {
	f.Add(uint64(1), uint8(0))
	f.Add(uint64(7), uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, i uint8) {
		mod := propertyModule(t)
		src := randomSchema(rand.New(rand.NewPCG(seed, uint64(i))), int(i))
		if !checkOne(t, mod, 0, src) {
			return
		}
		cmd := exec.Command("go", "vet", "-mod=mod", "./...")
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go vet: %v\n%s\nschema:\n%s", err, out, src)
		}
	})
}

var positioned = regexp.MustCompile(`^s\.yaml:[1-9][0-9]*:[1-9][0-9]*: \S`)

// checkOne generates schema src into package p<i> of mod; it reports
// whether the schema was accepted.
func checkOne(t *testing.T, mod string, i int, src string) bool {
	t.Helper()
	dir := filepath.Join(mod, fmt.Sprintf("p%d", i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(schema, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Generate([]byte(src), Options{Filename: "s.yaml", Dir: dir, Output: filepath.Join(dir, "s_gen.go")})
	if err != nil {
		if out != nil {
			t.Errorf("schema %d refused, but %d bytes came out", i, len(out))
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !positioned.MatchString(line) {
				t.Errorf("schema %d: diagnostic not file:line:col: message: %q\nschema:\n%s", i, line, src)
			}
		}
		if testing.Verbose() {
			t.Logf("schema %d refused: %s", i, strings.SplitN(err.Error(), "\n", 2)[0])
		}
		return false
	}
	if err := os.WriteFile(filepath.Join(dir, "s_gen.go"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

// propertyModule writes a module that requires this one (by a replace
// directive) and holds the helper package whose types schemas name.
func propertyModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/prop\n\ngo 1.24\n\nrequire github.com/sessiongen/sessiongen v0.0.0\n\nreplace github.com/sessiongen/sessiongen => " + root + "\n",
		"go.sum": string(sum),
		"helper/helper.go": `// Package helper holds the struct types random schemas name.
package helper

import "sync"

// Tagged has json tags.
type Tagged struct {
	Name string ` + "`json:\"name\"`" + `
	N    []int64 ` + "`json:\"n,omitempty\"`" + `
}

// Hidden has an unexported field.
type Hidden struct {
	Name   string
	hidden int
}

// H returns the unexported field.
func (h Hidden) H() int { return h.hidden }

// Locked holds a mutex.
type Locked struct {
	Mu sync.Mutex
	N  int
}

// Iface holds an interface.
type Iface struct {
	V any
}
`,
		"s/s.go": "// Package s is named like the generated receivers.\npackage s\n\n// T is a value.\ntype T struct{ A string }\n",
	}
	for name, text := range files {
		path := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return mod
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// The parts random schemas are made of.
var (
	propSessionNames = []string{"User", "NewUser", "Config", "Admin", "DBConfig", "dBConfig", "cart", "Cart", "名前", "_x", "Commit"}
	propKeyNames     = []string{"userId", "type", "theme", "message", "count", "x", "émoji", "s", "v", "ok", "err", "runtime",
		"id", "ID", "user_id", "setTheme", "marshalJSON", "readByte", "gobEncode", "名前", "unsetX", "timedOut"}
	propTypes = []string{"string", "int", "int8", "uint16", "float32", "float64", "bool", "byte", "rune", "time.Time", "time.Duration",
		"[]string", "map[string]int", "[]map[string][]int64", "net/netip.Addr", "encoding/json.RawMessage", "example.com/prop/helper.Tagged",
		"example.com/prop/s.T", "net/url.URL", "sync.Mutex",
		"error", "any", "example.com/prop/helper.Hidden", "example.com/prop/helper.Locked",
		"example.com/prop/helper.Iface", "[]example.com/prop/s.T", "Tagged", "chan int", "*int", "strin"}
	propDefaults = []string{"0", "-1", "300", "1e39", "nan", "inf", "0.5", "true", "'true'", "90s", "soon", "x", "\"a\\u00e9\"", "18446744073709551616"}
	propDocs     = []string{"plain", "with `backticks`", "closes */ a comment", "opens /* one", "//go:build ignore", "//line x.go:1",
		"two\\nlines", "Unicode é ☃ 名前", "\\ufeffBOM", "NUL \\0 here", "//go:embed x"}
	propCookie = []string{"path: /app", "domain: example.com", "sameSite: strict", "maxAge: 168h", "priority: high", "httpOnly: false",
		"path: 'a'", "path: \"/a\\tb\"", "domain: 'a:b'", "sameSite: none", "sameSite: loose", "secure: false",
		"maxAge: 1.5s", "partitioned: true", "priority: urgent"}
)

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// pickMostly picks from the first good entries of list nine times in ten:
// the rest are the subtly invalid choices.
func pickMostly(r *rand.Rand, list []string, good int) string {
	if r.IntN(10) > 0 {
		return list[r.IntN(good)]
	}
	return pick(r, list)
}

// randomSchema writes one random schema; i names its package.
func randomSchema(r *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package: p%d\nsessions:\n", i)
	if r.IntN(30) == 0 {
		b.Reset()
		b.WriteString("package: _\nsessions:\n")
	}
	for j := range 1 + r.IntN(3) {
		fmt.Fprintf(&b, "  %s:\n", pickMostly(r, propSessionNames, 3))
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "    doc: \"%s\"\n", pick(r, propDocs))
		}
		server := r.IntN(3) == 0
		if server {
			b.WriteString("    storage: server\n")
		} else if r.IntN(3) == 0 {
			b.WriteString("    encrypt: true\n")
		}
		fmt.Fprintf(&b, "    cookie: {name: c%d", j)
		for range r.IntN(3) {
			fmt.Fprintf(&b, ", %s", pickMostly(r, propCookie, 6))
		}
		b.WriteString("}\n")
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "    idleTimeout: %s\n", pickMostly(r, []string{"30m", "1h", "1.5s", "0s"}, 2))
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "    absoluteTimeout: %s\n", pick(r, []string{"720h", "10m"}))
		}
		writeKeys(r, &b, "keys", 1+r.IntN(5), server)
		if r.IntN(2) == 0 {
			writeKeys(r, &b, "flash", 1+r.IntN(2), false)
		}
	}
	return b.String()
}

func writeKeys(r *rand.Rand, b *strings.Builder, field string, n int, server bool) {
	fmt.Fprintf(b, "    %s:\n", field)
	seen := map[string]bool{}
	for range n {
		name := pickMostly(r, propKeyNames, 11)
		if seen[name] {
			continue
		}
		seen[name] = true
		if field == "flash" {
			name = "flash_" + name // a flash key named like a key is refused; that rule has its golden case
		}
		typ := pickMostly(r, propTypes, 18)
		if r.IntN(2) == 0 {
			fmt.Fprintf(b, "      %s: %q\n", name, typ)
			continue
		}
		fmt.Fprintf(b, "      %s:\n        type: %q\n", name, typ)
		if r.IntN(2) == 0 {
			fmt.Fprintf(b, "        doc: \"%s\"\n", pick(r, propDocs))
		}
		if field == "flash" {
			continue
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(b, "        default: %s\n", pickMostly(r, propDefaults, 2))
		}
		if r.IntN(4) == 0 {
			fmt.Fprintf(b, "        require: {redirect: %s}\n", pickMostly(r, []string{"/login", "/a?b=c", "//evil"}, 2))
		}
		if server && r.IntN(3) == 0 {
			b.WriteString("        index: true\n")
		}
	}
}
