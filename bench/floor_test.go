package bench

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"net/http"
	"testing"
)

// The cryptographic floor: HMAC-SHA256 and base64 of the same payload bytes
// sessiongen puts in its cookie, in React Router's format, and nothing else:
// no cookie header, no JSON, no percent-encoding, one HMAC state reused and
// every buffer preallocated. No session library can do less work and stay
// compatible with that format.
type floor struct {
	mac     hash.Hash
	signed  []byte // base64(payloadFull) "." base64(mac), the incoming value
	buf     []byte // output of sign
	payload []byte // output of verify
	sum     [sha256.Size]byte
	sig     [sha256.Size]byte
}

var errFloor = errors.New("floor: signature does not verify")

func newFloorState() *floor {
	f := &floor{
		mac:     hmac.New(sha256.New, []byte(secret)),
		buf:     make([]byte, 0, 512),
		payload: make([]byte, 0, 512),
	}
	f.signed = append([]byte(nil), f.sign([]byte(payloadFull))...)
	return f
}

// sign returns base64(payload) "." base64-unpadded(HMAC(base64(payload))).
func (f *floor) sign(payload []byte) []byte {
	b := base64.StdEncoding.AppendEncode(f.buf[:0], payload)
	f.mac.Reset()
	f.mac.Write(b)
	mac := f.mac.Sum(f.sum[:0])
	b = append(b, '.')
	b = base64.RawStdEncoding.AppendEncode(b, mac)
	f.buf = b
	return b
}

// verify checks a signed value and returns its decoded payload.
func (f *floor) verify(v []byte) ([]byte, error) {
	dot := len(v) - 1 - base64.RawStdEncoding.EncodedLen(sha256.Size)
	if dot < 0 || v[dot] != '.' {
		return nil, errFloor
	}
	if n, err := base64.RawStdEncoding.Decode(f.sig[:], v[dot+1:]); err != nil || n != sha256.Size {
		return nil, errFloor
	}
	f.mac.Reset()
	f.mac.Write(v[:dot])
	if !hmac.Equal(f.mac.Sum(f.sum[:0]), f.sig[:]) {
		return nil, errFloor
	}
	p, err := base64.StdEncoding.AppendDecode(f.payload[:0], v[:dot])
	if err != nil {
		return nil, err
	}
	f.payload = p
	return p, nil
}

func newFloor(testing.TB) *impl {
	f := newFloorState()
	write, roundTrip := []byte(payloadWrite), []byte(payloadRoundTrip)
	return &impl{
		name: "floor",
		read: func(http.ResponseWriter, *http.Request) error {
			_, err := f.verify(f.signed)
			return err
		},
		write: func(http.ResponseWriter, *http.Request) error {
			f.sign(write)
			return nil
		},
		roundTrip: func(http.ResponseWriter, *http.Request) error {
			if _, err := f.verify(f.signed); err != nil {
				return err
			}
			f.sign(roundTrip)
			return nil
		},
	}
}
