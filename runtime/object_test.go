package runtime

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

var jsonSamples = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e-7`, `1E+2`, `true`, `false`, `null`,
	`{"a":1}`, `{"a":[1,{"b":null}],"c":"\u00e9\n"}`, `[1,"x",{"y":2}]`, `{"":""}`,
	`{"a":1,"a":2}`, `{"b":1,"10":2,"9":3,"a":4,"01":5}`, `"\ud800"`, `{"\"":"\\"}`,
	// invalid
	``, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
	`tru`, `nul`, `{"a":1}x`, `{"a" 1}`, `{a:1}`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"a\x01\"", `[`,
	`{"a":1}}`, `[1]]`, `{"a":[}`, `"abc`, `{"a":"b"`, `NaN`, `Infinity`, `{"a":-}`,
}

// TestScanMatchesEncodingJSON checks the hand-written validator against
// encoding/json on valid and invalid samples.
func TestScanMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonSamples {
		_, ok := parseObject([]byte(s))
		want := json.Valid([]byte(s)) && utf8.ValidString(s)
		if ok != want {
			t.Errorf("parseObject(%q) ok = %v, encoding/json says valid = %v", s, ok, want)
		}
	}
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	if _, ok := parseObject([]byte(deep)); !ok {
		t.Error("deeply nested array refused")
	}
	if _, ok := parseObject([]byte(deep + "]")); ok {
		t.Error("unbalanced deep array accepted")
	}
}

func TestSplitObjectOrderAndDuplicates(t *testing.T) {
	o, ok := parseObject([]byte(`{"b":1,"10":2,"9":3,"a":4,"b":5}`))
	if !ok {
		t.Fatal("refused")
	}
	if got := string(o.appendJSON(nil)); got != `{"9":3,"10":2,"b":5,"a":4}` {
		t.Fatalf("got %s", got)
	}
}

// FuzzParseObject checks that the splitter accepts exactly what
// encoding/json accepts, and that what it accepts re-encodes to JSON that
// encoding/json reads as the same object.
func FuzzParseObject(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, ok := parseObject(data)
		want := json.Valid(data) && utf8.Valid(data)
		if ok != want {
			t.Fatalf("parseObject(%q) ok = %v, encoding/json valid = %v", data, ok, want)
		}
		if !ok || data[0] != '{' {
			return
		}
		var a, b map[string]any
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		if err := json.Unmarshal(o.appendJSON(nil), &b); err != nil {
			t.Fatalf("re-encoded %q is not JSON: %v", o.appendJSON(nil), err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("%q re-encoded as %q", data, o.appendJSON(nil))
		}
	})
}

// TestSplitCookieHeaders: a request whose cookies come in several Cookie
// header lines (as HTTP/2 may send them) is read as one header.
func TestSplitCookieHeaders(t *testing.T) {
	st, err := NewStorage(Spec{Cookie: CookieOptions{Name: "__session", Path: "/"}}, Config{Secrets: []string{"another-test-secret-q8Zr2LxW4vN7pT0kYs"}})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession()
	Set(s, "userId", "u-1")
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Add("Cookie", "a=1")
	r.Header.Add("Cookie", strings.Split(line, ";")[0])
	got, err := st.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := Get[string](got, "userId"); !ok || v != "u-1" {
		t.Fatalf("cookie in the second Cookie line not read: %q, %v", v, ok)
	}
}
