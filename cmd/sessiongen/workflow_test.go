package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGoToolWorkflow runs the README's set-up in a new module that depends
// on this checkout through a replace line: go get -tool, sessiongen init, a
// //go:generate line, go generate, go build, a program that uses the typed
// API, and go tool sessiongen -check before and after a schema change.
func TestGoToolWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped under -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	repoMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`).Find(repoMod)
	app := t.TempDir()
	const version = "v0.0.0-00010101000000-000000000000"
	writeFile(t, filepath.Join(app, "go.mod"), "module example.com/app\n\n"+string(goLine)+"\n\n"+
		"require github.com/sessiongen/sessiongen "+version+"\n\n"+
		"replace github.com/sessiongen/sessiongen => "+filepath.ToSlash(repo)+"\n")
	// The checkout's go.sum already holds every module of the graph, so
	// nothing needs the checksum database; go get adds what is missing.
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		writeFile(t, filepath.Join(app, "go.sum"), string(sum))
	}

	goCmd := func(dir string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		// GOPROXY=off: this checkout is not published, so a proxy cannot
		// answer go get's queries about its paths, and every other module
		// is in the module cache once this repository has been built.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(dir string, args ...string) string {
		t.Helper()
		out, err := goCmd(dir, args...)
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	must(app, "get", "-tool", "github.com/sessiongen/sessiongen/cmd/sessiongen")
	if mod, _ := os.ReadFile(filepath.Join(app, "go.mod")); !strings.Contains(string(mod), "\ntool github.com/sessiongen/sessiongen/cmd/sessiongen\n") {
		t.Fatalf("go get -tool added no tool line:\n%s", mod)
	}
	if out := must(app, "tool", "sessiongen", "-version"); out != "sessiongen "+version+"\n" {
		t.Errorf("-version in a dependent module printed %q", out)
	}

	pkg := filepath.Join(app, "sessions")
	os.Mkdir(pkg, 0o755)
	must(pkg, "tool", "sessiongen", "init")
	writeFile(t, filepath.Join(pkg, "doc.go"), "// Package sessions holds the app's typed sessions.\npackage sessions\n\n"+
		"//go:generate go tool sessiongen -schema sessions.yaml\n")
	writeFile(t, filepath.Join(app, "main.go"), workflowMain)
	must(app, "generate", "./...")
	if _, err := os.Stat(filepath.Join(pkg, "sessions_gen.go")); err != nil {
		t.Fatalf("go generate wrote no sessions_gen.go: %v", err)
	}
	must(app, "build", "./...")
	if out := must(app, "run", "."); out != "u-42 true light\n\"Welcome.\" true\n" {
		t.Errorf("the program printed %q", out)
	}

	if out, err := goCmd(pkg, "tool", "sessiongen", "-schema", "sessions.yaml", "-check"); err != nil {
		t.Fatalf("-check on a fresh file: %v\n%s", err, out)
	}
	schema, _ := os.ReadFile(filepath.Join(pkg, "sessions.yaml"))
	edited := strings.Replace(string(schema), "      userId: string\n", "      userId: string\n      plan: string\n", 1)
	if edited == string(schema) {
		t.Fatal("the starter has no \"userId: string\" line to add a key after")
	}
	writeFile(t, filepath.Join(pkg, "sessions.yaml"), edited)
	out, err := goCmd(pkg, "tool", "sessiongen", "-schema", "sessions.yaml", "-check")
	if code := exitCode(err); code != 1 || !strings.Contains(out, "+func (s *UserSession) Plan() (string, bool) {") || !strings.Contains(out, "is stale") {
		t.Errorf("-check after a schema change: exit %d, want 1 with a diff:\n%s", code, out)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// workflowMain is the app's program: it logs a user in, flashes a message,
// and reads both back on the next request, through the typed API.
const workflowMain = `package main

import (
	"fmt"
	"net/http/httptest"

	"example.com/app/sessions"
)

func main() {
	st, err := sessions.NewUserStorage(sessions.Config{Secrets: []string{"workflow-secret-workflow-secret-32"}})
	if err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	s, _ := st.GetSession(httptest.NewRequest("POST", "/login", nil))
	s.SetUserID("u-42")
	s.FlashMessage("Welcome.")
	if err := st.CommitSession(w, s); err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	s, _ = st.GetSession(r)
	id, ok := s.UserID()
	fmt.Println(id, ok, s.Theme())
	msg, ok := s.PopMessage()
	fmt.Printf("%q %v\n", msg, ok)
}
`
