package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// The live interop tests drive the real react-router (pinned in
// package.json) through rr.mjs: one Node process for the whole test binary,
// one JSON request and one JSON response per line.

const wantReactRouter = "8.5.1"

type nodeRR struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	rrOnce    sync.Once
	rrProc    *nodeRR
	rrMissing string // why the live test cannot run here
	rrErr     error  // Node is there but the harness failed to start
	rrVersion string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if rrProc != nil {
		rrProc.close()
	}
	os.Exit(code)
}

func startRR() {
	node, err := exec.LookPath("node")
	if err != nil {
		rrMissing = "node is not in PATH"
		return
	}
	if _, err := os.Stat(filepath.Join("node_modules", "react-router", "package.json")); err != nil {
		rrMissing = "interop/node_modules/react-router is not installed"
		return
	}
	cmd := exec.Command(node, "rr.mjs")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		rrErr = err
		return
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		rrErr = err
		return
	}
	p := &nodeRR{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<16), stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		rrErr = err
		return
	}
	rrProc = p
	var v struct {
		Version string `json:"version"`
		Node    string `json:"node"`
	}
	raw, err := p.roundTrip(map[string]string{"op": "version"})
	if err == nil {
		err = json.Unmarshal(raw, &v)
	}
	if err != nil {
		rrErr = fmt.Errorf("starting rr.mjs: %v", err)
		return
	}
	rrVersion = v.Version
	if v.Version != wantReactRouter {
		rrErr = fmt.Errorf("interop/node_modules has react-router %s, want %s; run: cd interop && npm ci", v.Version, wantReactRouter)
	}
}

func (p *nodeRR) close() {
	p.stdin.Close()
	p.cmd.Wait()
}

// rr returns the running harness. Without Node or the installed package the
// test is skipped, except in CI, where that is a failure.
func rr(t *testing.T) *nodeRR {
	t.Helper()
	rrOnce.Do(startRR)
	if rrMissing != "" {
		msg := rrMissing + "; to run the live React Router interop test, run: cd interop && npm ci"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if rrErr != nil {
		t.Fatal(rrErr)
	}
	return rrProc
}

func (p *nodeRR) roundTrip(req any) ([]byte, error) {
	line, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("writing to node: %v (stderr: %s)", err, p.stderr.String())
	}
	resp, err := p.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("reading from node: %v (stderr: %s)", err, p.stderr.String())
	}
	return resp, nil
}

// rrRequest is one request to rr.mjs.
type rrRequest struct {
	Op            string     `json:"op"`
	Secrets       []string   `json:"secrets"`
	Cookie        rrCookie   `json:"cookie"`
	CookieHeader  *string    `json:"cookieHeader,omitempty"`
	Data          []op       `json:"data,omitempty"`
	CommitOptions *commitOpt `json:"commitOptions,omitempty"`
}

type rrResponse struct {
	Error     string            `json:"error"`
	ReadJSON  string            `json:"readJson"` // JSON.stringify(session.data) right after getSession
	JSON      string            `json:"json"`     // JSON.stringify(session.data) after the operations
	Results   []json.RawMessage `json:"results"`
	SetCookie string            `json:"setCookie"`
}

// try sends req and returns React Router's answer, including its errors.
func (p *nodeRR) try(t *testing.T, req rrRequest) rrResponse {
	t.Helper()
	raw, err := p.roundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	var resp rrResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatalf("bad response %q: %v", raw, err)
	}
	return resp
}

// call is try for requests that must succeed.
func (p *nodeRR) call(t *testing.T, req rrRequest) rrResponse {
	t.Helper()
	resp := p.try(t, req)
	if resp.Error != "" {
		t.Fatalf("react-router: %s", resp.Error)
	}
	return resp
}

// rrCookie is React Router's cookie options object.
type rrCookie struct {
	Name        string  `json:"name"`
	Path        *string `json:"path"` // null: no Path attribute
	Domain      string  `json:"domain,omitempty"`
	SameSite    any     `json:"sameSite"` // "lax", "strict", "none" or false
	HTTPOnly    bool    `json:"httpOnly,omitempty"`
	Secure      bool    `json:"secure,omitempty"`
	Partitioned bool    `json:"partitioned,omitempty"`
	Priority    string  `json:"priority,omitempty"`
	MaxAge      *int64  `json:"maxAge,omitempty"`
}

func rrCookieOf(c runtime.CookieOptions) rrCookie {
	r := rrCookie{Name: c.Name, Domain: c.Domain, HTTPOnly: c.HTTPOnly, Secure: c.Secure, Partitioned: c.Partitioned, Priority: c.Priority}
	if r.Name == "" {
		r.Name = "__session"
	}
	if c.Path != "" {
		p := c.Path
		r.Path = &p
	}
	switch c.SameSite {
	case "":
		r.SameSite = runtime.SameSiteLax
	case runtime.SameSiteOmit:
		r.SameSite = false
	default:
		r.SameSite = c.SameSite
	}
	if c.MaxAge > 0 {
		n := int64(c.MaxAge / time.Second)
		r.MaxAge = &n
	}
	return r
}

// commitOpt is commitSession's options: {maxAge, expires}.
type commitOpt struct {
	MaxAge  *int64 `json:"maxAge,omitempty"`
	Expires string `json:"expires,omitempty"` // RFC 3339
}

func (c *commitOpt) goOptions(t *testing.T) []runtime.CommitOption {
	if c == nil {
		return nil
	}
	var opts []runtime.CommitOption
	if c.MaxAge != nil {
		opts = append(opts, runtime.WithMaxAge(time.Duration(*c.MaxAge)*time.Second))
	}
	if c.Expires != "" {
		exp, err := time.Parse(time.RFC3339Nano, c.Expires)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, runtime.WithExpires(exp))
	}
	return opts
}

// rawJSON is a value given as JSON text: SetRaw on the Go side, the same
// text to React Router (for values a Go string cannot hold, such as a lone
// surrogate).
type rawJSON string

// jsTag is a value only React Router can be given (undefined, NaN, -0, a
// Date): Go sets nothing for it.
type jsTag string

// An op is one session call, made the same way on both sides.
type op struct {
	verb string // set, flash, unset, get, has
	key  string
	val  any
}

func set(k string, v any) op   { return op{"set", k, v} }
func flash(k string, v any) op { return op{"flash", k, v} }
func unset(k string) op        { return op{"unset", k, nil} }
func get(k string) op          { return op{"get", k, nil} }
func has(k string) op          { return op{"has", k, nil} }

func (o op) MarshalJSON() ([]byte, error) {
	parts := []any{o.verb, o.key}
	if o.verb == "set" || o.verb == "flash" {
		v, err := jsValue(o.val)
		if err != nil {
			return nil, fmt.Errorf("op %s %q: %v", o.verb, o.key, err)
		}
		parts = append(parts, json.RawMessage(v))
	}
	return json.Marshal(parts)
}

// jsValue is the JSON that gives React Router the same value Go holds.
// Floats are written in full precision, so JSON.parse gets the same double;
// what JSON cannot carry uses rr.mjs's tags.
func jsValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case rawJSON:
		return []byte(x), nil
	case jsTag:
		return []byte(x), nil
	case float32:
		// Go writes a float32 in its shortest float32 form (0.1, not
		// 0.10000000149011612), as encoding/json does; give JavaScript that.
		return strconv.AppendFloat(nil, float64(x), 'g', -1, 32), nil
	case float64:
		switch {
		case math.IsNaN(x):
			return []byte(`{"$number":"NaN"}`), nil
		case math.IsInf(x, 1):
			return []byte(`{"$number":"Infinity"}`), nil
		case math.IsInf(x, -1):
			return []byte(`{"$number":"-Infinity"}`), nil
		case x == 0 && math.Signbit(x):
			return []byte(`{"$number":"-0"}`), nil
		}
		return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
	}
	return json.Marshal(v)
}

// The codecs the generated accessors of these types use.
var (
	codecStrings     = runtime.SliceOf(runtime.String)
	codecInts        = runtime.SliceOf(runtime.Int64)
	codecMatrix      = runtime.SliceOf(runtime.SliceOf(runtime.Float64))
	codecFlags       = runtime.MapOf(runtime.Bool)
	codecStringLists = runtime.MapOf(runtime.SliceOf(runtime.String))
	codecFloats      = runtime.MapOf(runtime.Float64)
	codecParcelLine  = runtime.StructOf(
		runtime.FieldOf("sku", runtime.String, func(v *parcelLine) *string { return &v.SKU }),
		runtime.FieldOf("qty", runtime.Int64, func(v *parcelLine) *int64 { return &v.Qty }, runtime.Zero),
		runtime.FieldOf("price", runtime.Float64, func(v *parcelLine) *float64 { return &v.Price }),
	)
	codecParcel = runtime.StructOf(
		runtime.FieldOf("id", runtime.String, func(v *parcel) *string { return &v.ID }),
		runtime.FieldOf("2", runtime.Int64, func(v *parcel) *int64 { return &v.Seq }),
		runtime.FieldOf("lines", runtime.SliceOf(codecParcelLine), func(v *parcel) *[]parcelLine { return &v.Lines }, runtime.EmptySlice),
		runtime.FieldOf("byCode", runtime.MapOf(codecParcelLine), func(v *parcel) *map[string]parcelLine { return &v.ByCode }),
		runtime.FieldOf("note", runtime.PointerOf(runtime.String), func(v *parcel) **string { return &v.Note }, runtime.Zero),
		runtime.FieldOf("sent", runtime.Time, func(v *parcel) *time.Time { return &v.Sent }),
		runtime.FieldOf("Done", runtime.Bool, func(v *parcel) *bool { return &v.Done }),
	)
)

// A parcel is a struct key, set through the codec the generator writes
// for it (runtime.StructOf, as codecParcel above), which puts the
// array-index name "2" first as JavaScript does.
type parcel struct {
	ID     string                `json:"id"`
	Seq    int64                 `json:"2"`
	Lines  []parcelLine          `json:"lines,omitempty"`
	ByCode map[string]parcelLine `json:"byCode"`
	Note   *string               `json:"note,omitempty"`
	Sent   time.Time             `json:"sent"`
	Done   bool
}

type parcelLine struct {
	SKU   string  `json:"sku"`
	Qty   int64   `json:"qty,omitzero"`
	Price float64 `json:"price"`
}

// setTyped sets x through the typed codec generated code would use for its
// type, and reports whether it has one; untyped values (any, []any,
// map[string]any) go through runtime.Set.
func setTyped(s *runtime.Session, key string, x any) bool {
	switch v := x.(type) {
	case string:
		runtime.String.Set(s, key, v)
	case bool:
		runtime.Bool.Set(s, key, v)
	case int64:
		runtime.Int64.Set(s, key, v)
	case float64:
		runtime.Float64.Set(s, key, v)
	case []string:
		codecStrings.Set(s, key, v)
	case []int64:
		codecInts.Set(s, key, v)
	case [][]float64:
		codecMatrix.Set(s, key, v)
	case map[string]bool:
		codecFlags.Set(s, key, v)
	case map[string][]string:
		codecStringLists.Set(s, key, v)
	case map[string]float64:
		codecFloats.Set(s, key, v)
	case parcel:
		codecParcel.Set(s, key, v)
	default:
		return false
	}
	return true
}

// applyGo makes the ops on a Go session and returns what get and has gave,
// in rr.mjs's form (JSON text or null; true or false).
func applyGo(t *testing.T, s *runtime.Session, ops []op) []string {
	t.Helper()
	var results []string
	for _, o := range ops {
		switch o.verb {
		case "set", "flash":
			key := o.key
			if o.verb == "flash" {
				key = runtime.FlashKey(o.key)
			}
			switch x := o.val.(type) {
			case rawJSON:
				s.SetRaw(key, []byte(x))
			case jsTag:
				t.Fatalf("op %s %q: a JavaScript-only value has no Go form", o.verb, o.key)
			default:
				if !setTyped(s, key, x) {
					runtime.Set(s, key, x)
				}
			}
		case "unset":
			s.Unset(o.key)
		case "get": // session.get: the value, else the flash value, consumed
			raw, ok := s.Raw(o.key)
			if !ok {
				raw, ok = s.PopFlashRaw(o.key)
			}
			if ok {
				results = append(results, string(raw))
			} else {
				results = append(results, "null")
			}
		case "has":
			results = append(results, strconv.FormatBool(s.Has(o.key)))
		default:
			t.Fatalf("unknown op %q", o.verb)
		}
	}
	return results
}

// rrResults turns React Router's results into applyGo's form: a get result
// is the JSON text (a JSON string holding JSON) or null.
func rrResults(t *testing.T, raw []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range raw {
		var s string
		if r[0] == '"' {
			if err := json.Unmarshal(r, &s); err != nil {
				t.Fatal(err)
			}
		} else {
			s = string(r)
		}
		out = append(out, s)
	}
	return out
}

var defaultSecrets = []string{"s3cr3t"}

func defaultCookie() runtime.CookieOptions {
	return runtime.CookieOptions{Name: "__session", Path: "/", SameSite: runtime.SameSiteLax}
}

func goStorage(t *testing.T, secrets []string, c runtime.CookieOptions) *runtime.Storage {
	t.Helper()
	st, err := runtime.NewStorage(runtime.Spec{Name: "interop", Cookie: c}, runtime.Config{Secrets: secrets, AllowWeakSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// cookiePair is the Cookie header a browser sends back for a Set-Cookie line.
func cookiePair(setCookie string) string {
	pair, _, _ := strings.Cut(setCookie, ";")
	return pair
}

func goRead(t *testing.T, st *runtime.Storage, header string) *runtime.Session {
	t.Helper()
	s, err := st.GetSessionHeader(context.Background(), header)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// scenario is one session, built the same way on both sides.
type scenario struct {
	secrets []string // default defaultSecrets
	cookie  *runtime.CookieOptions
	ops     []op
	commit  *commitOpt
}

func (sc scenario) cookieOptions() runtime.CookieOptions {
	if sc.cookie != nil {
		return *sc.cookie
	}
	return defaultCookie()
}

func (sc scenario) secretList() []string {
	if sc.secrets != nil {
		return sc.secrets
	}
	return defaultSecrets
}

// bothWays checks one scenario in both directions, byte for byte:
//   - Go and React Router, making the same calls, give the same session JSON,
//     the same get/has results and the identical Set-Cookie string;
//   - React Router reads Go's cookie as exactly that JSON, and commits it
//     unchanged to the identical Set-Cookie string;
//   - Go reads React Router's cookie as exactly that JSON, and commits it
//     unchanged to the identical Set-Cookie string.
//
// It returns Go's Set-Cookie line and session JSON.
func bothWays(t *testing.T, p *nodeRR, sc scenario) (string, string) {
	t.Helper()
	co := sc.cookieOptions()
	secrets := sc.secretList()
	st := goStorage(t, secrets, co)

	s := runtime.NewSession()
	goResults := applyGo(t, s, sc.ops)
	goJSON := string(s.JSON())
	goLine, err := st.CommitSessionHeader(s, sc.commit.goOptions(t)...)
	if err != nil {
		t.Fatalf("Go commit: %v", err)
	}

	rrc := p.call(t, rrRequest{Op: "commit", Secrets: secrets, Cookie: rrCookieOf(co), Data: sc.ops, CommitOptions: sc.commit})
	if goJSON != rrc.JSON {
		t.Errorf("session JSON differs\n   go: %s\n   rr: %s", goJSON, rrc.JSON)
	}
	if got := rrResults(t, rrc.Results); strings.Join(got, "\x00") != strings.Join(goResults, "\x00") {
		t.Errorf("get/has results differ\n   go: %q\n   rr: %q", goResults, got)
	}
	if goLine != rrc.SetCookie {
		t.Errorf("Set-Cookie differs\n   go: %s\n   rr: %s", goLine, rrc.SetCookie)
	}

	// Go writes, React Router reads, and committing it unchanged writes
	// Go's bytes again.
	h := cookiePair(goLine)
	rrr := p.call(t, rrRequest{Op: "commit", Secrets: secrets, Cookie: rrCookieOf(co), CookieHeader: &h, CommitOptions: sc.commit})
	if rrr.ReadJSON != goJSON {
		t.Errorf("React Router read Go's cookie differently\n   go wrote: %s\n   rr read:  %s", goJSON, rrr.ReadJSON)
	}
	if rrr.SetCookie != goLine {
		t.Errorf("React Router re-committed Go's unchanged session differently\n   go: %s\n   rr: %s", goLine, rrr.SetCookie)
	}

	// React Router writes, Go reads.
	back := goRead(t, st, cookiePair(rrc.SetCookie))
	if back.ReadError() != nil {
		t.Errorf("Go refused React Router's cookie %q: %v", rrc.SetCookie, back.ReadError())
	}
	if got := string(back.JSON()); got != rrc.JSON {
		t.Errorf("Go read React Router's cookie differently\n   rr wrote: %s\n   go read:  %s", rrc.JSON, got)
	}
	again, err := st.CommitSessionHeader(back, sc.commit.goOptions(t)...)
	if err != nil {
		t.Fatalf("Go re-commit: %v", err)
	}
	if again != rrc.SetCookie {
		t.Errorf("Go re-committed React Router's unchanged session differently\n   rr: %s\n   go: %s", rrc.SetCookie, again)
	}
	return goLine, goJSON
}

// signRaw signs arbitrary payload text (not necessarily base64 of JSON) the
// way React Router signs, for cookies neither side would write itself, and
// percent-encodes it as encodeURIComponent does.
func signRaw(secret, payload string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(payload))
	v := payload + "." + base64.RawStdEncoding.EncodeToString(m.Sum(nil))
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
