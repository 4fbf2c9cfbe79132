package bench

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// TestScenarios checks that every implementation's scenarios do the work
// the benchmarks claim: the incoming cookie holds the full session, Read
// reads it without committing, Write and RoundTrip commit a cookie that
// reads back as the expected session.
func TestScenarios(t *testing.T) {
	for _, x := range impls {
		t.Run(x.name, func(t *testing.T) {
			im := x.new(t)
			// First, as scs's RoundTrip changes the data behind its cookie.
			if im.decode != nil {
				got, err := im.decode(im.cookie)
				if err != nil {
					t.Fatalf("incoming cookie: %v", err)
				}
				if !got.equal(viewFull) {
					t.Errorf("incoming session = %+v, want %+v", got, viewFull)
				}
			}
			for _, sc := range []struct {
				name       string
				h          handler
				withCookie bool
				want       *view // nil: no Set-Cookie expected
			}{
				{"Read", im.read, true, nil},
				{"Write", im.write, false, &viewWrite},
				{"RoundTrip", im.roundTrip, true, &viewRoundTrip},
			} {
				cookie := ""
				if sc.withCookie {
					cookie = im.cookie
				}
				w := newRespWriter()
				if err := sc.h(w, newRequest(cookie)); err != nil {
					t.Fatalf("%s: %v", sc.name, err)
				}
				if im.decode == nil {
					continue // the floor and the harness write no header
				}
				line := setCookie(w)
				if sc.want == nil {
					if line != "" {
						t.Errorf("%s: unexpected Set-Cookie %q", sc.name, line)
					}
					continue
				}
				name := cmp.Or(im.cookieName, cookieName)
				if !strings.HasPrefix(line, name+"=") {
					t.Fatalf("%s: Set-Cookie = %q, want a %s cookie", sc.name, line, name)
				}
				got, err := im.decode(cookiePair(line))
				if err != nil {
					t.Fatalf("%s: reading the committed cookie back: %v", sc.name, err)
				}
				if !got.equal(*sc.want) {
					t.Errorf("%s: committed session = %+v, want %+v", sc.name, got, *sc.want)
				}
			}
		})
	}
}

// TestFloorSignsSessiongenBytes checks that the floor's payloads are the
// bytes sessiongen puts in its cookie, so the floor measures the crypto of
// the same work, and that the floor's signature is sessiongen's.
func TestFloorSignsSessiongenBytes(t *testing.T) {
	sg := newSessiongen(t)
	f := newFloorState()
	payloadOf := func(pair string) string {
		t.Helper()
		_, wire, _ := strings.Cut(pair, "=")
		v, err := url.PathUnescape(wire)
		if err != nil {
			t.Fatal(err)
		}
		b64, _, _ := strings.Cut(v, ".")
		p, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		if want := string(f.sign(p)); v != want {
			t.Errorf("sessiongen's signed value %q, the floor's %q", v, want)
		}
		return string(p)
	}
	if got := payloadOf(sg.cookie); got != payloadFull {
		t.Errorf("incoming payload = %s, want %s", got, payloadFull)
	}
	for _, sc := range []struct {
		name string
		h    handler
		in   string
		want string
	}{
		{"Write", sg.write, "", payloadWrite},
		{"RoundTrip", sg.roundTrip, sg.cookie, payloadRoundTrip},
	} {
		w := newRespWriter()
		if err := sc.h(w, newRequest(sc.in)); err != nil {
			t.Fatal(err)
		}
		if got := payloadOf(cookiePair(w.Header().Get("Set-Cookie"))); got != sc.want {
			t.Errorf("%s payload = %s, want %s", sc.name, got, sc.want)
		}
	}
	if _, err := f.verify(f.signed); err != nil {
		t.Errorf("floor does not verify its own value: %v", err)
	}
}
