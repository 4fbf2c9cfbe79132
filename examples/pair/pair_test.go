package main

import (
	"bufio"
	"bytes"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sessiongen/sessiongen/generator"
	"github.com/sessiongen/sessiongen/internal/browsertest"
	"github.com/sessiongen/sessiongen/internal/testservice"
)

const testSecret = "pair-test-secret-of-at-least-32-bytes!"

// TestGeneratedFilesUpToDate: sessions_gen.go and web/sessions.ts are what
// sessions.yaml generates (go generate rewrites both).
func TestGeneratedFilesUpToDate(t *testing.T) {
	src, err := os.ReadFile("sessions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	goCode, tsCode, err := generator.GenerateFiles(src, generator.Options{Filename: "sessions.yaml"}, "../sessions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]byte{"sessions_gen.go": goCode, "web/sessions.ts": tsCode} {
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (%v): run go generate ./examples/pair", path, err)
		}
	}
}

var (
	buildOnce sync.Once
	buildOut  []byte
	buildErr  error
)

// node builds the Node side with the pinned tsc (strict: a type error fails
// the build) and returns the node binary. Without node or web/node_modules
// the test skips, or fails under CI=true.
func node(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		testservice.Unavailable(t, "node is not in PATH; install Node (bash .ci/setup.d/10-node.sh)")
	}
	if _, err := os.Stat(filepath.Join("web", "node_modules", "typescript")); err != nil {
		testservice.Unavailable(t, "examples/pair/web/node_modules is not installed: run cd examples/pair/web && npm ci")
	}
	buildOnce.Do(func() {
		buildOut, buildErr = exec.Command(bin, "web/node_modules/typescript/bin/tsc", "-p", "web").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("tsc --strict over the Node side: %v\n%s", buildErr, buildOut)
	}
	return bin
}

// TestNodeSideTypeChecks: the Node server compiles under tsc --strict
// against react-router's types and the generated sessions.ts.
func TestNodeSideTypeChecks(t *testing.T) { node(t) }

// startNode starts the Node server on a free port and returns its URL.
func startNode(t *testing.T) *url.URL {
	t.Helper()
	cmd := exec.Command(node(t), "web/build/server.js")
	cmd.Env = append(os.Environ(), "PORT=0", "PAIR_SESSION_SECRET="+testSecret)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		t.Fatalf("node server: %q, %v", line, err)
	}
	return &url.URL{Scheme: "http", Host: addr}
}

// TestPairInBrowser drives the whole site in Chromium: sign in on the Go
// side, be greeted by the Node side from the shared cookie, and see on the
// Go page, once, the flash message the Node side set.
func TestPairInBrowser(t *testing.T) {
	browser := browsertest.Start(t)
	h, err := newServer(Config{Secrets: []string{testSecret}}, startNode(t))
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(h)
	t.Cleanup(site.Close)
	ctx := browsertest.NewTab(t, browser)

	browsertest.Submit(t, ctx, "open the sign-in page", chromedp.Navigate(site.URL+"/login"))
	browsertest.Do(t, ctx, "type a name", chromedp.SendKeys(chromedp.ID("name"), "Ada <&>"))
	browsertest.Submit(t, ctx, "sign in", chromedp.Click(chromedp.ID("submit")))
	if loc := browsertest.Run(t, ctx, "location", chromedp.Location()); loc != site.URL+"/node/" {
		t.Errorf("after sign-in at %s, want the Node page", loc)
	}
	if got := browsertest.Run(t, ctx, "greeting", chromedp.Text(chromedp.ID("greeting"))); got != "Hello, Ada <&>, from Node" {
		t.Errorf("Node page greets %q", got)
	}
	browsertest.Submit(t, ctx, "back to Go", chromedp.Click(chromedp.ID("back")))
	if got := browsertest.Run(t, ctx, "flash", chromedp.Text(chromedp.ID("flash"))); got != "The Node server greeted Ada <&>." {
		t.Errorf("Go page flash %q", got)
	}
	if got := browsertest.Run(t, ctx, "user", chromedp.Text(chromedp.ID("user"))); got != "Signed in as Ada <&>" {
		t.Errorf("Go page user %q", got)
	}
	browsertest.Submit(t, ctx, "reload", chromedp.Reload())
	if present := browsertest.Run(t, ctx, "flash gone", chromedp.Evaluate[bool](`document.getElementById("flash") !== null`)); present {
		t.Error("the flash message is shown a second time")
	}
}
