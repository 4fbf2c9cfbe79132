package runtime

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// The cookie decoder's fuzz targets take a whole Cookie header. They check
// that reading never panics, that a cookie read without error was made with
// a configured secret (verified here independently of the storage's own
// code, with the crypto packages directly), and that an accepted session
// commits to a cookie that reads back as the same data.

var fuzzSecrets = []string{secretA, secretB}

func FuzzSignedCookie(f *testing.F) {
	st := newTestStorage(f, "__session", false, fuzzSecrets...)
	addCookieSeeds(f, st)
	f.Fuzz(func(t *testing.T, header string) {
		s := fuzzRead(t, st, header)
		if s.ReadError() != nil {
			return
		}
		if wire, _ := cookieValue(header, "__session"); wire != "" && !refVerifySigned(percentDecode(wire)) {
			t.Fatalf("accepted a value no configured secret signed: %q", header)
		}
		fuzzRecommit(t, st, s)
	})
}

func FuzzEncryptedCookie(f *testing.F) {
	st := newTestStorage(f, "__session", true, fuzzSecrets...)
	addCookieSeeds(f, st)
	f.Fuzz(func(t *testing.T, header string) {
		s := fuzzRead(t, st, header)
		if s.ReadError() != nil {
			if !errors.Is(s.ReadError(), ErrDecrypt) && !errors.Is(s.ReadError(), ErrMalformed) {
				t.Fatalf("ReadError %v, want ErrDecrypt or ErrMalformed", s.ReadError())
			}
			return
		}
		if wire, _ := cookieValue(header, "__session"); wire != "" && !refOpen(percentDecode(wire), "__session") {
			t.Fatalf("accepted a value no configured secret sealed: %q", header)
		}
		fuzzRecommit(t, st, s)
	})
}

// addCookieSeeds adds valid cookies of both formats (so that mutations
// start from accepted values), fixtures-like values and junk.
func addCookieSeeds(f *testing.F, st *Storage) {
	for _, kv := range [][]string{{}, {"userId", "42"}, {"a", "é\u2028<&>", "__flash_m__", "hi"}} {
		f.Add(cookieOf(commitValues(f, st, kv...)))
	}
	for _, h := range []string{
		"", "__session=", "__session=e30.", "__session=\"x\"", "a=1; __session=%zz; __session=x",
		"__session=eyJ1c2VySWQiOiI0MiJ9.AAAA", "__session=v1.", "__session=v1.AAAA",
		"__session=" + strings.Repeat("A", 5000),
	} {
		f.Add(h)
	}
}

func fuzzRead(t *testing.T, st *Storage, header string) *Session {
	s, err := st.GetSessionHeader(context.Background(), header)
	if err != nil {
		t.Fatalf("GetSessionHeader: %v (cookie storage never fails)", err)
	}
	if s.ReadError() != nil && len(s.Keys()) != 0 {
		t.Fatalf("ReadError %v but keys %v", s.ReadError(), s.Keys())
	}
	return s
}

// fuzzRecommit commits an accepted session and reads it back: the data
// must be the same. A session too large to commit is refused as such.
func fuzzRecommit(t *testing.T, st *Storage, s *Session) {
	before := s.JSON()
	line, err := st.CommitSessionHeader(s)
	if errors.Is(err, ErrTooLarge) {
		return
	}
	if err != nil {
		t.Fatalf("commit of an accepted session: %v", err)
	}
	checkLine(t, line)
	back, err := st.GetSessionHeader(context.Background(), cookieOf(line))
	if err != nil || back.ReadError() != nil {
		t.Fatalf("re-read: %v, %v", err, back.ReadError())
	}
	if !bytes.Equal(back.JSON(), before) {
		t.Fatalf("re-encoded session differs:\n got %s\nwant %s", back.JSON(), before)
	}
}

// refVerifySigned reports whether v (percent-decoded) carries an
// HMAC-SHA256 of its text under one of fuzzSecrets.
func refVerifySigned(v []byte) bool {
	dot := bytes.LastIndexByte(v, '.')
	if dot < 0 {
		return false
	}
	sigText := string(bytes.Map(func(r rune) rune {
		if strings.ContainsRune("\t\n\f\r ", r) {
			return -1
		}
		return r
	}, v[dot+1:]))
	sig, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(sigText, "="))
	if err != nil {
		return false
	}
	for _, secret := range fuzzSecrets {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(v[:dot])
		if hmac.Equal(m.Sum(nil), sig) {
			return true
		}
	}
	return false
}

// refOpen reports whether v (percent-decoded) opens under a key derived
// from one of fuzzSecrets with the cookie name as associated data.
func refOpen(v []byte, name string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(string(v), "v1."))
	if !bytes.HasPrefix(v, []byte("v1.")) || err != nil || len(raw) < 24 {
		return false
	}
	for _, secret := range fuzzSecrets {
		key, _ := encKey(secret)
		aead, _ := chacha20poly1305.NewX(key)
		if _, err := aead.Open(nil, raw[:24], raw[24:], []byte("sessiongen-v1\x00"+name)); err == nil {
			return true
		}
	}
	return false
}
