package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTypeScript type-checks the committed generated modules (golden/*/*.ts,
// kept up to date by the generator's TestGoldenTS) with the pinned tsc
// --strict against the real react-router types: ts/usage.ts must compile,
// and ts/misuse.ts must give exactly the errors its "// want:" comments
// name, each on the line after its comment.
func TestTypeScript(t *testing.T) {
	dir := tsProject(t, "../golden/*/*.ts", "ts/*.ts")
	got := runTSC(t, dir)
	want := wantedTSErrors(t, dir)
	for _, e := range got {
		if !slices.Contains(want, e) {
			t.Errorf("unexpected tsc error: %s", e)
		}
	}
	for _, e := range want {
		if !slices.Contains(got, e) {
			t.Errorf("tsc did not report: %s", e)
		}
	}
	if len(want) < 5 {
		t.Errorf("only %d wanted errors in ts/misuse.ts", len(want))
	}
}

// tscPath finds the pinned TypeScript compiler and node. Without them the
// test is skipped, or fails under CI=true.
func tscPath(t *testing.T) (node, tsc string) {
	t.Helper()
	node, err := exec.LookPath("node")
	tsc, _ = filepath.Abs(filepath.Join("node_modules", "typescript", "bin", "tsc"))
	missing := ""
	if err != nil {
		missing = "node is not in PATH"
	} else if _, err := os.Stat(tsc); err != nil {
		missing = "interop/node_modules/typescript is not installed"
	}
	if missing != "" {
		msg := missing + "; to type-check the generated TypeScript, run: cd interop && npm ci"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, tsc
}

// tsProject builds a strict TypeScript project in a temporary directory:
// generated modules under gen/, test files at the top, node_modules linked
// to interop's.
func tsProject(t *testing.T, genGlob string, globs ...string) string {
	t.Helper()
	tscPath(t)
	dir := t.TempDir()
	modules, _ := filepath.Abs("node_modules")
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	copyGlob(t, genGlob, filepath.Join(dir, "gen"))
	for _, g := range globs {
		copyGlob(t, g, dir)
	}
	writeFile(t, filepath.Join(dir, "package.json"), `{"type": "module"}`)
	writeFile(t, filepath.Join(dir, "tsconfig.json"), `{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "lib": ["es2022", "dom"],
    "module": "nodenext", "moduleResolution": "nodenext", "types": [], "skipLibCheck": true
  },
  "include": ["*.ts", "gen/*.ts"]
}`)
	return dir
}

func copyGlob(t *testing.T, glob, into string) {
	t.Helper()
	files, _ := filepath.Glob(glob)
	if len(files) == 0 {
		t.Fatalf("no files match %s", glob)
	}
	if err := os.MkdirAll(into, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(into, filepath.Base(f)), string(data))
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

var tscError = regexp.MustCompile(`^(\S+\.ts)\((\d+),\d+\): error (TS\d+: .*)$`)

// runTSC runs tsc over the project and returns its errors as
// "file:line: TSnnnn: message".
func runTSC(t *testing.T, dir string) []string {
	t.Helper()
	node, tsc := tscPath(t)
	cmd := exec.Command(node, tsc, "-p", dir, "--pretty", "false")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var errs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if m := tscError.FindStringSubmatch(line); m != nil {
			errs = append(errs, m[1]+":"+m[2]+": "+m[3])
		} else if line != "" && !strings.HasPrefix(line, " ") {
			t.Errorf("tsc: %s", line)
		}
	}
	if err != nil && len(errs) == 0 {
		t.Fatalf("tsc failed without errors: %v\n%s", err, out)
	}
	return errs
}

// wantedTSErrors reads the "// want: TSnnnn: message" comments of the
// project's top-level files, each about the line after it.
func wantedTSErrors(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.ts"))
	var want []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if msg, ok := strings.CutPrefix(strings.TrimSpace(line), "// want: "); ok {
				want = append(want, filepath.Base(f)+":"+strconv.Itoa(i+2)+": "+msg)
			}
		}
	}
	return want
}
