package runtime

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
	"sync"
)

// A signer signs and verifies cookie values in React Router's format:
//
//	base64(payload) + "." + base64-without-padding(HMAC-SHA256(secret, base64(payload)))
//
// The first secret signs; every secret verifies, in order (rotation).
type signer struct {
	keys []*hmacKey
}

// hmacKey pools HMAC states for one secret: hmac.New costs more than the
// MAC of a short cookie, so states are reset and reused.
type hmacKey struct {
	pool sync.Pool
}

// macState is one pooled HMAC with room for its sum, so that computing a
// MAC allocates nothing.
type macState struct {
	h   hash.Hash
	sum [sha256.Size]byte
}

func newSigner(secrets []string) *signer {
	s := &signer{}
	for _, secret := range secrets {
		key := []byte(secret)
		s.keys = append(s.keys, &hmacKey{pool: sync.Pool{New: func() any { return &macState{h: hmac.New(sha256.New, key)} }}})
	}
	return s
}

// mac stores the HMAC of msg under k in out.
func (k *hmacKey) mac(out *[sha256.Size]byte, msg []byte) {
	m := k.pool.Get().(*macState)
	m.h.Reset()
	m.h.Write(msg)
	m.h.Sum(m.sum[:0])
	*out = m.sum
	k.pool.Put(m)
}

// appendSigned appends base64(payload) "." signature, unescaped.
func (s *signer) appendSigned(dst, payload []byte) []byte {
	start := len(dst)
	dst = base64.StdEncoding.AppendEncode(dst, payload)
	var sum [sha256.Size]byte
	s.keys[0].mac(&sum, dst[start:])
	dst = append(dst, '.')
	return base64.RawStdEncoding.AppendEncode(dst, sum[:])
}

// verify checks a signed value (already percent-decoded) and returns its
// decoded payload. It reports ErrTampered when no secret verifies a value
// of the signed form (payload '.' signature), and ErrMalformed when the
// value has no '.' or its verified payload is not base64.
func (s *signer) verify(value []byte) ([]byte, error) {
	payload, _, err := s.verifyKey(value, value[len(value):cap(value)])
	return payload, err
}

// verifyKey is verify that also reports which secret verified (0 is the
// first, the one that signs). The payload is decoded into dst when it has
// room (value's spare capacity, see percentDecode, or the session's inline
// buffer), else into a new buffer.
func (s *signer) verifyKey(value, dst []byte) ([]byte, int, error) {
	// A value without a '.' is not in the signed form at all (garbage,
	// another app's cookie): ErrMalformed, so that ErrTampered counts only
	// values of that form whose signature does not verify.
	dot := bytes.LastIndexByte(value, '.')
	if dot < 0 {
		return nil, 0, ErrMalformed
	}
	var sig [sha256.Size + 3]byte
	n, ok := decodeForgiving(sig[:], value[dot+1:])
	if !ok || n != sha256.Size {
		return nil, 0, ErrTampered
	}
	var sum [sha256.Size]byte
	key := -1
	for i, k := range s.keys {
		k.mac(&sum, value[:dot])
		if hmac.Equal(sum[:], sig[:n]) {
			key = i
			break
		}
	}
	if key < 0 {
		return nil, 0, ErrTampered
	}
	need := base64.RawStdEncoding.DecodedLen(dot)
	payload := dst[:cap(dst)]
	if len(payload) < need {
		payload = make([]byte, need)
	}
	n, ok = decodeForgiving(payload, value[:dot])
	if !ok {
		return nil, 0, ErrMalformed
	}
	return payload[:n:n], key, nil
}

// decodeForgiving decodes standard base64 with or without padding, as the
// browser's atob does; base64url characters are refused.
func decodeForgiving(dst, src []byte) (int, bool) {
	if n, ok := decodeBase64(dst, src); ok {
		return n, true
	}
	if !bytes.ContainsAny(src, asciiSpace) {
		return 0, false
	}
	// atob drops ASCII whitespace before decoding.
	return decodeBase64(dst, bytes.Map(func(r rune) rune {
		if strings.ContainsRune(asciiSpace, r) {
			return -1
		}
		return r
	}, src))
}

func decodeBase64(dst, src []byte) (int, bool) {
	if n := len(src); n%4 == 0 && n > 0 && src[n-1] == '=' {
		src = src[:n-1]
		if src[n-2] == '=' {
			src = src[:n-2]
		}
	}
	if len(dst) < base64.RawStdEncoding.DecodedLen(len(src)) {
		return 0, false
	}
	n, err := base64.RawStdEncoding.Decode(dst, src)
	return n, err == nil
}

// asciiSpace is what the forgiving base64 decoder of browsers skips.
const asciiSpace = "\t\n\f\r "

// appendURIComponent appends v percent-encoded as JavaScript's
// encodeURIComponent would. Signed values are base64, so only '+', '/' and
// '=' need escaping; other bytes are escaped too in case of other codecs.
func appendURIComponent(dst []byte, v []byte) []byte {
	const upperHex = "0123456789ABCDEF"
	start := 0
	for i, c := range v {
		if uriSafe[c] {
			continue
		}
		dst = append(dst, v[start:i]...)
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xf])
		start = i + 1
	}
	return append(dst, v[start:]...)
}

// uriUnreserved reports whether encodeURIComponent leaves c alone.
func uriUnreserved(c byte) bool { return uriSafe[c] }

var uriSafe = func() (t [256]bool) {
	for c := range 256 {
		b := byte(c)
		t[c] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-_.!~*'()", b) >= 0
	}
	return t
}()

// percentDecode decodes %XX escapes the way decodeURIComponent does for
// cookie values ('+' stays '+'). A value with a bad escape is returned as
// it is, as cookie-es does. The result has spare capacity for the decoded
// base64 payload, so that reading a cookie needs one allocation.
func percentDecode(v string) []byte {
	return appendPercentDecoded(make([]byte, 0, len(v)+base64.RawStdEncoding.DecodedLen(len(v))), v)
}

// appendPercentDecoded appends v percent-decoded, as percentDecode does, to
// out, which must be empty.
func appendPercentDecoded(out []byte, v string) []byte {
	for rest := v; ; {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			return append(out, rest...)
		}
		out = append(out, rest[:i]...)
		if i+2 >= len(rest) || unhex(rest[i+1]) < 0 || unhex(rest[i+2]) < 0 {
			return append(out[:0], v...)
		}
		out = append(out, byte(unhex(rest[i+1])<<4|unhex(rest[i+2])))
		rest = rest[i+3:]
	}
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
