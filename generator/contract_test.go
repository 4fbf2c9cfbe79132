package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// contractProgram is written only against the generated API as README.md's
// "The generated API" lists it: it is how code outside this repository uses
// a generated package.
const contractProgram = `package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"example.com/app/sessions"
	"github.com/sessiongen/sessiongen/runtime"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if _, err := sessions.NewUserStorage(sessions.Config{}); err == nil {
		fail("a config with no secret was accepted")
	}
	var cfg sessions.Config = runtime.Config{Secrets: []string{"a-secret-that-is-at-least-32-bytes-long"}}
	st, err := sessions.NewUserStorage(cfg)
	if err != nil {
		fail("NewUserStorage: %v", err)
	}
	s, err := st.GetSession(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		fail("GetSession: %v", err)
	}
	var id string = s.ID()
	if _, ok := s.UserID(); ok || id != "" || s.HasUserID() {
		fail("new session not empty")
	}
	var theme string = s.Theme()
	if theme != "light" {
		fail("default theme %q", theme)
	}
	s.SetUserID("u-1")
	s.SetTheme("dark")
	s.FlashMessage("hello")
	var opt sessions.CommitOption = runtime.WithMaxAge(time.Hour)
	rec := httptest.NewRecorder()
	if err := st.CommitSession(rec, s, opt, sessions.WithExpires(time.Now().Add(time.Hour))); err != nil {
		fail("CommitSession: %v", err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	s2, _ := st.GetSession(r)
	if v, ok := s2.UserID(); !ok || v != "u-1" || s2.Theme() != "dark" {
		fail("read back %q %v %q", v, ok, s2.Theme())
	}
	if m, ok := s2.PopMessage(); !ok || m != "hello" {
		fail("flash %q %v", m, ok)
	}
	if _, ok := s2.PopMessage(); ok {
		fail("flash read twice")
	}
	s2.UnsetUserID()
	rec2 := httptest.NewRecorder()
	if err := st.DestroySession(rec2, s2); err != nil {
		fail("DestroySession: %v", err)
	}
	s2.SetUserID(string(make([]byte, 5000)))
	if err := st.CommitSession(httptest.NewRecorder(), s2); !errors.Is(err, runtime.ErrTooLarge) {
		fail("size limit: %v", err)
	}
	fmt.Println("contract ok")
}
`

// TestContract builds a program outside this repository against a
// generated package, runs it, and checks that a wrong type does not
// compile.
func TestContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	src, _ := os.ReadFile("../testdata/basic.yaml")
	code, err := Generate([]byte(strings.Replace(string(src), "package: basic", "package: sessions", 1)), Options{Filename: "sessions.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	dir, goCmd := tempModule(t, map[string]string{
		"sessions/sessions_gen.go": string(code),
		"main.go":                  contractProgram,
	})
	if out, err := goCmd("run", "."); err != nil || !strings.Contains(out, "contract ok") {
		t.Fatalf("contract program failed: %v\n%s", err, out)
	}
	bad := "package main\n\nimport \"example.com/app/sessions\"\n\nfunc wrong(s *sessions.UserSession) { s.SetUserID(42) }\n"
	os.WriteFile(filepath.Join(dir, "wrong.go"), []byte(bad), 0o644)
	out, err := goCmd("build", ".")
	if err == nil || !strings.Contains(out, "cannot use 42") {
		t.Fatalf("SetUserID(42) compiled (err=%v):\n%s", err, out)
	}
}

// tempModule writes files into a new module example.com/app outside this
// repository, requiring this repository's module by a replace directive,
// and returns its directory and a function that runs the go command there
// (offline: the module cache only).
func tempModule(t *testing.T, files map[string]string) (string, func(args ...string) (string, error)) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	repo, _ := filepath.Abs("..")
	dir := t.TempDir()
	sum, _ := os.ReadFile(filepath.Join(repo, "go.sum"))
	files["go.mod"] = "module example.com/app\n\ngo 1.26\n\nrequire github.com/sessiongen/sessiongen v0.0.0\n\nreplace github.com/sessiongen/sessiongen => " + repo + "\n"
	files["go.sum"] = string(sum)
	for name, content := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(args ...string) (string, error) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}
