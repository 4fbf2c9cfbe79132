package runtime

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand"
	"strings"
	"testing"
	"unicode"
)

// A tamperCase is one format under attack: valid cookies to mutate, the
// storage that must refuse the results, and a storage of another cookie
// name with the same secrets (values moved there must fail too when the
// format binds the name).
type tamperCase struct {
	name      string
	st, other *Storage
	wrong     *Storage // same name, a secret the others do not know
	valid     []string // wire values made by st
	moved     []string // wire values made by other
	foreign   []string // wire values made by wrong
	bindsName bool
}

func newTamperCase(t *testing.T, encrypt bool) *tamperCase {
	c := &tamperCase{
		st:        newTestStorage(t, "__session", encrypt, secretA, secretB),
		other:     newTestStorage(t, "other", encrypt, secretA, secretB),
		wrong:     newTestStorage(t, "__session", encrypt, secretC),
		bindsName: encrypt,
		name:      map[bool]string{false: "signed", true: "encrypted"}[encrypt],
	}
	old := newTestStorage(t, "__session", encrypt, secretB) // rotation: an old key's cookies are valid too
	for i, kv := range [][]string{
		{"userId", "42"},
		{"role", "admin", "theme", "dark"},
		{"cart", strings.Repeat("item,", 40), "note", "é\u2028<&>"},
		{},
	} {
		st := c.st
		if i%2 == 1 {
			st = old
		}
		c.valid = append(c.valid, strings.TrimPrefix(cookieOf(commitValues(t, st, kv...)), "__session="))
		c.moved = append(c.moved, strings.TrimPrefix(cookieOf(commitValues(t, c.other, kv...)), "other="))
		c.foreign = append(c.foreign, strings.TrimPrefix(cookieOf(commitValues(t, c.wrong, kv...)), "__session="))
	}
	return c
}

// canonical returns what the storage authenticates in a Cookie header: the
// signed text and the signature's bytes, or the encrypted value's bytes.
// Two headers with the same canonical form are the same cookie written two
// ways (percent-escapes, signature padding, spaces atob skips), not a
// tampering.
func (c *tamperCase) canonical(header string) string {
	wire, ok := cookieValue(header, "__session")
	if !ok {
		return "\x00absent"
	}
	v := percentDecode(wire)
	if c.bindsName {
		return string(v)
	}
	dot := bytes.LastIndexByte(v, '.')
	if dot < 0 {
		return string(v)
	}
	var sig [64]byte
	n, ok := decodeForgiving(sig[:], v[dot+1:])
	if !ok {
		return string(v)
	}
	return string(v[:dot]) + "\x00" + string(sig[:n])
}

// isValid reports whether header carries one of the valid cookies, in any
// spelling: a splice at the right places gives back a whole cookie.
func (c *tamperCase) isValid(header string) bool {
	got := c.canonical(header)
	for _, v := range c.valid {
		if got == c.canonical("__session="+v) {
			return true
		}
	}
	return false
}

// tamper returns a mutated Cookie header for the valid value v and the
// name of the mutation.
func (c *tamperCase) tamper(rng *rand.Rand, v string) (string, string) {
	b := []byte(v)
	pick := func() int { return rng.Intn(len(b)) }
	other := c.valid[rng.Intn(len(c.valid))]
	switch rng.Intn(12) {
	case 0:
		i := pick()
		b[i] ^= 1 << rng.Intn(8)
		return "__session=" + string(b), "bit flip"
	case 1:
		return "__session=" + v[:rng.Intn(len(v))], "truncation"
	case 2:
		i, j := pick(), pick()
		b[i], b[j] = b[j], b[i]
		return "__session=" + string(b), "swap two bytes"
	case 3:
		i := pick()
		return "__session=" + v[i:] + v[:i], "rotation"
	case 4:
		pads := []string{"=", "%3D", "==", "%3D%3D"}
		if i := strings.LastIndex(v, "."); i > 0 && rng.Intn(2) == 0 {
			return "__session=" + v[:i] + pads[rng.Intn(len(pads))] + v[i:], "re-padding the payload"
		}
		v = strings.TrimSuffix(strings.TrimSuffix(v, "%3D"), "=")
		return "__session=" + v + pads[rng.Intn(len(pads))], "re-padding the end"
	case 5:
		i := pick()
		r := rune(b[i])
		if unicode.IsUpper(r) {
			b[i] = byte(unicode.ToLower(r))
		} else {
			b[i] = byte(unicode.ToUpper(r))
		}
		return "__session=" + string(b), "case change"
	case 6:
		return "__session=" + c.swapTags(rng, v, other), "swapped signatures"
	case 7:
		if c.bindsName {
			return "other=1; __session=" + c.moved[rng.Intn(len(c.moved))], "moved from another cookie"
		}
		return "__session=" + v + other, "concatenation"
	case 8:
		i := pick()
		ins := []string{"\r", "\n", ";", ",", "\x00", " ", "\"", "%", "%00", "A", "."}[rng.Intn(11)]
		return "__session=" + v[:i] + ins + v[i:], "insertion"
	case 9:
		i := pick()
		return "__session=" + v[:i] + v[i+1:], "deletion"
	case 10:
		return "__session=" + v[:rng.Intn(len(v))] + other[rng.Intn(len(other)):], "splice of two cookies"
	default:
		return "__session=" + c.foreign[rng.Intn(len(c.foreign))], "made with an unknown secret"
	}
}

// swapTags puts b's signature (signed) or tag (encrypted) on a's value.
func (c *tamperCase) swapTags(rng *rand.Rand, a, b string) string {
	if !c.bindsName {
		ia, ib := strings.LastIndex(a, "."), strings.LastIndex(b, ".")
		return a[:ia] + b[ib:]
	}
	ra, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(a, encPrefix))
	rb, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(b, encPrefix))
	if len(ra) < 16 || len(rb) < 16 {
		return a
	}
	ra = append(ra[:len(ra)-16:len(ra)-16], rb[len(rb)-16:]...)
	if rng.Intn(2) == 0 { // or b's nonce on a's ciphertext
		copy(ra, rb[:24])
	}
	return encPrefix + base64.RawURLEncoding.EncodeToString(ra)
}

// TestTampering: 10,000 random tamperings of valid cookies, per format;
// none may be accepted, and each must be reported as tampering.
func TestTampering(t *testing.T) {
	const want = 10000
	for _, encrypt := range []bool{false, true} {
		c := newTamperCase(t, encrypt)
		rng := rand.New(rand.NewSource(5))
		tried, accepted, equivalent := 0, 0, 0
		kinds := map[string]int{}
		for tried < want {
			v := c.valid[rng.Intn(len(c.valid))]
			header, kind := c.tamper(rng, v)
			if c.isValid(header) {
				equivalent++ // a valid cookie, maybe written another way
				continue
			}
			tried++
			kinds[kind]++
			s := read(t, c.st, header)
			if s.ReadError() == nil {
				// Only an absent or empty cookie may read without error:
				// that is no cookie, not an accepted one.
				if wire, _ := cookieValue(header, "__session"); wire != "" {
					accepted++
					t.Errorf("%s: %s accepted: %q → %s", c.name, kind, header, s.JSON())
				}
				continue
			}
			// A signed value that lost its last '.' is no longer of the
			// signed form: ErrMalformed. Every other one is tampering.
			wantErr := ErrTampered
			if wire, _ := cookieValue(header, "__session"); !encrypt && !strings.Contains(string(percentDecode(wire)), ".") {
				wantErr = ErrMalformed
			}
			if !errors.Is(s.ReadError(), wantErr) || len(s.Keys()) != 0 {
				t.Errorf("%s: %s: ReadError %v, keys %v; want %v and no data", c.name, kind, s.ReadError(), s.Keys(), wantErr)
			}
		}
		t.Logf("%s: %d of %d tampered cookies accepted (%d equivalent rewrites skipped); mutations: %v", c.name, accepted, tried, equivalent, kinds)
	}
}
