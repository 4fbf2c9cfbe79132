package runtime

import (
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"unsafe"

	"golang.org/x/crypto/chacha20poly1305"
)

// Encrypted cookies (schema `encrypt: true`, Spec.Encrypt) carry the same
// JSON payload as signed ones, sealed with XChaCha20-Poly1305:
//
//	value = "v1." + base64url-unpadded(nonce[24] || ciphertext || tag[16])
//	key_i = HKDF-SHA256(secret_i, salt = "", info = encKeyInfo, 32 bytes)
//	ad    = "sessiongen-v1\x00" + cookie name
//
// The value's alphabet is unreserved in encodeURIComponent, so it is sent
// as it is. XChaCha20-Poly1305 rather than AES-256-GCM: cookies are sealed
// on every commit by any number of stateless servers with no shared
// counter, so nonces must be random, and 192-bit random nonces never
// repeat in practice, where GCM's 96-bit ones are limited to about 2^32
// seals per key (a busy fleet reaches that within a secret's lifetime, and
// one repeated GCM nonce lets an attacker forge). See SECURITY.md.
const (
	encPrefix  = "v1."
	encKeyInfo = "sessiongen cookie encryption v1"
	encADLabel = "sessiongen-v1\x00"
)

// A sealer seals and opens encrypted cookie values. The first key seals;
// every key opens, in order (rotation).
type sealer struct {
	aeads []cipher.AEAD
	ad    []byte
}

func newSealer(secrets []string, cookieName string) (*sealer, error) {
	s := &sealer{ad: []byte(encADLabel + cookieName)}
	for i, secret := range secrets {
		key, err := encKey(secret)
		if err != nil {
			return nil, fmt.Errorf("%w: Config.Secrets[%d]: %v", ErrConfig, i, err)
		}
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return nil, fmt.Errorf("%w: Config.Secrets[%d]: %v", ErrConfig, i, err)
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// encKey derives the encryption key of a secret. The signing key is the
// secret itself (React Router's HMAC); the distinct HKDF label keeps the
// two uses independent.
func encKey(secret string) ([]byte, error) {
	return hkdf.Key(sha256.New, []byte(secret), nil, encKeyInfo, chacha20poly1305.KeySize)
}

// appendSealed appends the encrypted value of payload to dst.
func (s *sealer) appendSealed(dst, payload []byte) []byte {
	const ns = chacha20poly1305.NonceSizeX
	buf := scratch.Get().(*[]byte) // the nonce and ciphertext, before base64
	defer scratch.Put(buf)
	raw := slices.Grow((*buf)[:0], ns+len(payload)+chacha20poly1305.Overhead)[:ns]
	rand.Read(raw)
	raw = s.aeads[0].Seal(raw, raw[:ns], payload, s.ad)
	if cap(raw) <= 64<<10 {
		*buf = raw[:0]
	}
	dst = append(dst, encPrefix...)
	return base64.RawURLEncoding.AppendEncode(dst, raw)
}

// open decrypts a value (already percent-decoded) and returns its payload
// and the index of the key that opened it. Any failure is ErrDecrypt: a
// value in the signed format, bad base64, a wrong key, a value moved from
// another cookie and a modified one cannot be told apart, by design. The
// ciphertext is decoded into value's spare capacity and the payload into
// dst's, when they have room.
func (s *sealer) open(value, dst []byte) ([]byte, int, error) {
	const ns = chacha20poly1305.NonceSizeX
	rest, ok := bytes.CutPrefix(value, []byte(encPrefix))
	if !ok {
		return nil, 0, ErrDecrypt
	}
	// Strict, and no line breaks (which encoding/base64 skips): one value
	// has exactly one spelling, so accepted values cannot be rewritten.
	raw, err := base64.RawURLEncoding.Strict().AppendDecode(value[len(value):len(value)], rest)
	if err != nil || bytes.ContainsAny(rest, "\r\n") || len(raw) < ns+chacha20poly1305.Overhead {
		return nil, 0, ErrDecrypt
	}
	nonce, sealed := raw[:ns], raw[ns:]
	for i, aead := range s.aeads {
		if payload, err := aead.Open(dst[:0], nonce, sealed, s.ad); err == nil {
			return payload, i, nil
		}
	}
	return nil, 0, ErrDecrypt
}

// setupSecurity applies the parts of Config and Spec about encryption and
// reporting: it builds the sealer of an encrypted spec and keeps the hook.
func (st *Storage) setupSecurity(spec Spec, cfg Config) error {
	st.onInvalid = cfg.OnInvalidCookie
	if !spec.Encrypt {
		return nil
	}
	if spec.Server {
		return fmt.Errorf("%w: session %q: Encrypt is for cookie storage; with server storage the cookie holds only a random id and the data never leaves the server", ErrConfig, spec.Name)
	}
	seal, err := newSealer(cfg.Secrets, st.cookie.Name)
	if err != nil {
		return err
	}
	st.seal = seal
	return nil
}

// openValue checks a cookie value in the session's format and returns its
// payload. A value opened with an older key marks the session modified, so
// that the next commit (the middleware commits modified sessions) reseals
// it under the first key.
//
// The payload is decoded into the session's inline buffer when it fits;
// the arena of values set in this request then starts after it.
func (st *Storage) openValue(s *Session, value []byte) ([]byte, error) {
	var payload []byte
	var key int
	var err error
	if st.seal == nil {
		payload, key, err = st.sign.verifyKey(value, s.buf[:0])
	} else {
		payload, key, err = st.seal.open(value, s.buf[:0])
	}
	if err != nil {
		return nil, err
	}
	if key > 0 {
		s.modified = true // re-sign or reseal under the first secret at the next commit
	}
	if len(payload) > 0 && unsafe.SliceData(payload) == &s.buf[0] {
		s.arena = s.buf[len(payload):len(payload)]
	}
	return payload, nil
}

// appendEncoded appends the cookie value of payload, before
// percent-encoding.
func (st *Storage) appendEncoded(dst, payload []byte) []byte {
	if st.seal != nil {
		return st.seal.appendSealed(dst, payload)
	}
	return st.sign.appendSigned(dst, payload)
}

// reportInvalid calls Config.OnInvalidCookie when the request's cookie was
// discarded. r is nil for the header-level methods.
func (st *Storage) reportInvalid(r *http.Request, s *Session) {
	if st.onInvalid != nil && s != nil && s.readErr != nil {
		st.onInvalid(r, s.readErr)
	}
}
