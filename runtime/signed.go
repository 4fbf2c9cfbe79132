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

func newSigner(secrets []string) *signer {
	s := &signer{}
	for _, secret := range secrets {
		key := []byte(secret)
		s.keys = append(s.keys, &hmacKey{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}})
	}
	return s
}

// mac appends the HMAC of msg under k to dst.
func (k *hmacKey) mac(dst []byte, msg []byte) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	h.Write(msg)
	dst = h.Sum(dst)
	k.pool.Put(h)
	return dst
}

// appendSigned appends base64(payload) "." signature, unescaped.
func (s *signer) appendSigned(dst, payload []byte) []byte {
	start := len(dst)
	dst = base64.StdEncoding.AppendEncode(dst, payload)
	end := len(dst)
	var sum [sha256.Size]byte
	mac := s.keys[0].mac(sum[:0], dst[start:end])
	dst = append(dst, '.')
	return base64.RawStdEncoding.AppendEncode(dst, mac)
}

// verify checks a signed value (already percent-decoded) and returns its
// decoded payload. It reports ErrTampered when no secret verifies and
// ErrMalformed when the value is not of the signed form.
func (s *signer) verify(value []byte) ([]byte, error) {
	dot := -1
	for i := len(value) - 1; i >= 0; i-- {
		if value[i] == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return nil, ErrTampered
	}
	var sig [sha256.Size + 3]byte
	n, ok := decodeForgiving(sig[:], value[dot+1:])
	if !ok || n != sha256.Size {
		return nil, ErrTampered
	}
	var sum [sha256.Size]byte
	verified := false
	for _, k := range s.keys {
		if hmac.Equal(k.mac(sum[:0], value[:dot]), sig[:n]) {
			verified = true
			break
		}
	}
	if !verified {
		return nil, ErrTampered
	}
	payload := make([]byte, base64.RawStdEncoding.DecodedLen(dot))
	n, ok = decodeForgiving(payload, value[:dot])
	if !ok {
		return nil, ErrMalformed
	}
	return payload[:n], nil
}

// decodeForgiving decodes standard base64 with or without padding, as the
// browser's atob does; base64url characters are refused.
func decodeForgiving(dst, src []byte) (int, bool) {
	if bytes.ContainsAny(src, asciiSpace) {
		// atob drops ASCII whitespace before decoding.
		src = bytes.Map(func(r rune) rune {
			if strings.ContainsRune(asciiSpace, r) {
				return -1
			}
			return r
		}, src)
	}
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
	for _, c := range v {
		if uriUnreserved(c) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xf])
	}
	return dst
}

func uriUnreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}

// percentDecode decodes %XX escapes the way decodeURIComponent does for
// cookie values ('+' stays '+'). A value without '%' is returned as it is;
// a value with a bad escape is also returned as it is, as cookie-es does.
func percentDecode(v string) []byte {
	if strings.IndexByte(v, '%') < 0 {
		return []byte(v)
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '%' {
			out = append(out, c)
			continue
		}
		if i+2 >= len(v) || unhex(v[i+1]) < 0 || unhex(v[i+2]) < 0 {
			return []byte(v)
		}
		out = append(out, byte(unhex(v[i+1])<<4|unhex(v[i+2])))
		i += 2
	}
	return out
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
