package runtime

import (
	"encoding/base64"
	"net/http"
	"unicode/utf8"
)

// A CookieSpec describes one standalone cookie of the schema (its
// `cookies:` section): a typed value in a cookie of its own, as React
// Router's createCookie. Generated code fills it in.
type CookieSpec struct {
	Name     string        // the schema's cookie name, for messages
	Cookie   CookieOptions // cookie attributes
	Unsigned bool          // signed: false: the value is only base64, anyone can change it
}

// A Cookie reads and writes the value of one standalone cookie in React
// Router's createCookie format: base64 of the value's JSON, signed as a
// session cookie is unless the spec is unsigned. It is safe for concurrent
// use. Generated XCookie types wrap it; ParseCookie, SerializeCookie and
// SetCookie give it a type.
type Cookie struct {
	cookie    CookieOptions
	hdr       header
	sign      *signer // nil when unsigned
	onInvalid func(*http.Request, error)
}

// NewCookie checks cfg and spec and returns a Cookie. A signed cookie needs
// secrets as a session does (Config.Secrets, Config.AllowWeakSecrets); an
// unsigned one ignores them. Every error wraps ErrConfig.
func NewCookie(spec CookieSpec, cfg Config) (*Cookie, error) {
	c := &Cookie{onInvalid: cfg.OnInvalidCookie}
	if !spec.Unsigned {
		if err := checkSecrets(cfg); err != nil {
			return nil, err
		}
		c.sign = newSigner(cfg.Secrets)
	}
	c.cookie = spec.Cookie
	if cfg.DisableSecure {
		c.cookie.Secure = false
	}
	if err := c.cookie.validate(); err != nil {
		return nil, err
	}
	c.hdr = newHeader(c.cookie)
	return c, nil
}

// Options returns the cookie options in force.
func (c *Cookie) Options() CookieOptions { return c.cookie }

// ParseCookie reads the cookie's value from r. It reports false, as React
// Router's parse gives null, when the cookie is missing, when no secret
// verifies it, or when its value is null; and false where React Router's
// parse gives {}: a payload that is not base64 of UTF-8 JSON, or JSON that
// is not a T. An empty value ("name=") is React Router's form of the empty
// string: a T of string reads it as "" and true, any other T as false.
// Generated cookies call the typed Codec.ParseCookie instead; this one
// decodes through the runtime's codec of T, or encoding/json for a type the
// runtime has none for (see Decode).
func ParseCookie[T any](c *Cookie, r *http.Request) (T, bool) {
	return parseCookie(c, untypedCodec[T](), r, cookieHeader(r.Header))
}

// ParseCookieHeader is ParseCookie for callers without an *http.Request: it
// takes the Cookie header's value.
func ParseCookieHeader[T any](c *Cookie, cookieHeader string) (T, bool) {
	return parseCookie(c, untypedCodec[T](), nil, cookieHeader)
}

// ParseCookie is the package's ParseCookie with this codec.
func (cd Codec[T]) ParseCookie(c *Cookie, r *http.Request) (T, bool) {
	return parseCookie(c, cd, r, cookieHeader(r.Header))
}

// ParseCookieHeader is the package's ParseCookieHeader with this codec.
func (cd Codec[T]) ParseCookieHeader(c *Cookie, cookieHeader string) (T, bool) {
	return parseCookie(c, cd, nil, cookieHeader)
}

func parseCookie[T any](c *Cookie, cd Codec[T], r *http.Request, header string) (T, bool) {
	var zero T
	wire, ok := cookieValue(header, c.cookie.Name)
	if !ok {
		return zero, false
	}
	if wire == "" {
		return cd.Decode([]byte(`""`))
	}
	payload, err := c.open(percentDecode(wire))
	if err == nil && !utf8.Valid(payload) {
		err = ErrMalformed
	}
	if err != nil {
		c.report(r, err)
		return zero, false
	}
	v, ok := cd.Decode(payload)
	if !ok && !isNull(payload) {
		c.report(r, ErrMalformed)
	}
	return v, ok
}

// open verifies a signed value, or decodes an unsigned one, to its JSON.
func (c *Cookie) open(value []byte) ([]byte, error) {
	if c.sign != nil {
		return c.sign.verify(value)
	}
	payload := make([]byte, base64.RawStdEncoding.DecodedLen(len(value)))
	n, ok := decodeForgiving(payload, value)
	if !ok {
		return nil, ErrMalformed
	}
	return payload[:n], nil
}

func (c *Cookie) report(r *http.Request, err error) {
	if c.onInvalid != nil {
		c.onInvalid(r, err)
	}
}

// SerializeCookie returns the whole Set-Cookie line for v, byte for byte
// what React Router's cookie.serialize(v) writes with the same options and
// first secret. The empty string is written as an empty value, unsigned, as
// React Router does (so a client can always send it). A line over 4096
// bytes is refused with a *TooLargeError, which React Router does not check;
// a value that cannot be encoded gives an *EncodeError. Generated cookies
// call the typed Codec.SerializeCookie instead.
func SerializeCookie[T any](c *Cookie, v T, opts ...CommitOption) (string, error) {
	return untypedCodec[T]().SerializeCookie(c, v, opts...)
}

// SerializeCookie is the package's SerializeCookie with this codec.
func (cd Codec[T]) SerializeCookie(c *Cookie, v T, opts ...CommitOption) (string, error) {
	var o commitOptions
	if len(opts) > 0 {
		o = collectOptions(opts)
	}
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	var value []byte
	if s, ok := any(v).(string); !ok || s != "" {
		payload, err := cd.enc((*buf)[:0], v)
		if err != nil {
			return "", &EncodeError{Key: c.cookie.Name, Err: err}
		}
		value = c.appendEncoded(payload[len(payload):], payload)
	}
	line := c.hdr.appendLine(value[len(value):], value, o)
	if len(line) > maxSetCookie {
		return "", &TooLargeError{Name: c.cookie.Name, Size: len(line), Limit: maxSetCookie}
	}
	return string(line), nil
}

// appendEncoded appends the signed, or for an unsigned cookie the base64,
// form of payload.
func (c *Cookie) appendEncoded(dst, payload []byte) []byte {
	if c.sign != nil {
		return c.sign.appendSigned(dst, payload)
	}
	return base64.StdEncoding.AppendEncode(dst, payload)
}

// SetCookie adds the Set-Cookie line of SerializeCookie to w, replacing an
// earlier one for the same cookie in this response.
func SetCookie[T any](c *Cookie, w http.ResponseWriter, v T, opts ...CommitOption) error {
	return untypedCodec[T]().SetCookie(c, w, v, opts...)
}

// SetCookie is the package's SetCookie with this codec.
func (cd Codec[T]) SetCookie(c *Cookie, w http.ResponseWriter, v T, opts ...CommitOption) error {
	line, err := cd.SerializeCookie(c, v, opts...)
	if err != nil {
		return err
	}
	putSetCookie(w.Header(), c.cookie.Name, line)
	return nil
}
