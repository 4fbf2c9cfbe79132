package runtime

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// An object is session data: a JSON object kept as ordered keys with the raw
// JSON of each value. Values are decoded only when a typed accessor asks for
// them, and values nobody changed are copied byte for byte into the next
// cookie, so keys the schema does not know (a React Router app may share the
// cookie) survive a read-modify-commit untouched.
//
// Key order follows JavaScript's: keys that are array indexes ("0", "10")
// come first in ascending numeric order, then the other keys in insertion
// order. That is what JSON.stringify writes, so the same data gives the same
// bytes in both languages.
type object struct {
	entries []entry
}

type entry struct {
	key string
	raw []byte
}

func (o *object) index(key string) int {
	for i := range o.entries {
		if o.entries[i].key == key {
			return i
		}
	}
	return -1
}

func (o *object) get(key string) ([]byte, bool) {
	if i := o.index(key); i >= 0 {
		return o.entries[i].raw, true
	}
	return nil, false
}

func (o *object) has(key string) bool { return o.index(key) >= 0 }

// set stores raw under key, keeping the key's place if it exists.
func (o *object) set(key string, raw []byte) {
	if i := o.index(key); i >= 0 {
		o.entries[i].raw = raw
		return
	}
	at := len(o.entries)
	if n, ok := arrayIndex(key); ok {
		at = 0
		for at < len(o.entries) {
			m, ok := arrayIndex(o.entries[at].key)
			if !ok || m > n {
				break
			}
			at++
		}
	}
	o.entries = append(o.entries, entry{})
	copy(o.entries[at+1:], o.entries[at:])
	o.entries[at] = entry{key, raw}
}

func (o *object) remove(key string) bool {
	i := o.index(key)
	if i < 0 {
		return false
	}
	o.entries = append(o.entries[:i], o.entries[i+1:]...)
	return true
}

// arrayIndex reports whether key is a canonical array index in JavaScript
// (a decimal integer below 2^32-1 without leading zeros), which JavaScript
// objects order before all other keys.
func arrayIndex(key string) (uint64, bool) {
	if key == "" || len(key) > 10 || key[0] < '0' || key[0] > '9' || (len(key) > 1 && key[0] == '0') {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n < 1<<32-1
}

// appendJSON appends the object as compact JSON.
func (o *object) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, e := range o.entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSString(b, e.key)
		b = append(b, ':')
		b = append(b, e.raw...)
	}
	return append(b, '}')
}

// parseObject reads session data from JSON the way React Router's getSession
// does ({...JSON.parse(text)}): an object gives its keys; an array gives its
// indexes; a string gives one key per UTF-16 code unit; any other value, or
// text that is not valid UTF-8 JSON, gives ok == false.
//
// Keys and values alias data, which must not change afterwards: callers
// pass a buffer they own (a decoded cookie, a copy of stored data).
func parseObject(data []byte) (o object, ok bool) { return parseObjectBuf(data, nil) }

// parseObjectBuf is parseObject storing up to cap(buf) entries in buf.
// Compact JSON (what JSON.stringify and sessiongen write) is split as it
// is; text with whitespace is compacted first, only when it fails.
func parseObjectBuf(data []byte, buf []entry) (o object, ok bool) {
	if len(data) == 0 || !utf8.Valid(data) {
		return object{}, false
	}
	if o, ok := splitCompact(data, buf); ok {
		return o, true
	}
	if !bytes.ContainsAny(data, " \t\r\n") {
		return object{}, false
	}
	var compact bytes.Buffer
	if json.Compact(&compact, data) != nil {
		return object{}, false
	}
	return splitCompact(compact.Bytes(), buf)
}

func splitCompact(data []byte, buf []entry) (object, bool) {
	switch data[0] {
	case '{':
		return splitObject(data, buf)
	case '[':
		return splitArray(data)
	case '"':
		if end := scanValue(data, 0, 0); end != len(data) {
			return object{}, false
		}
		return splitString(data), true
	}
	return object{}, scanValue(data, 0, 0) == len(data)
}

// splitObject splits compact JSON object text into entries, validating it.
// A repeated key keeps its first place and its last value, as JSON.parse
// does. It takes O(n log n) for n keys however many there are (a map finds
// repeated keys past the first few; array-index keys are sorted once at the
// end), so a store's session with many keys cannot make reading quadratic.
func splitObject(data []byte, buf []entry) (object, bool) {
	o := object{entries: buf[:0]}
	if buf == nil {
		o.entries = make([]entry, 0, 8)
	}
	i := 1
	if len(data) > 1 && data[1] == '}' {
		return o, len(data) == 2
	}
	var seen map[string]int // key → index, once there are many keys
	indexKeys := false
	for i < len(data) {
		kend := scanValue(data, i, 1)
		if kend < 0 || data[i] != '"' || kend >= len(data) || data[kend] != ':' {
			return object{}, false
		}
		key := decodeKey(data[i:kend])
		vend := scanValue(data, kend+1, 1)
		if vend < 0 || vend >= len(data) {
			return object{}, false
		}
		raw := data[kend+1 : vend : vend]
		if at := o.find(key, seen); at >= 0 {
			o.entries[at].raw = raw
		} else {
			o.entries = append(o.entries, entry{key, raw})
			if seen != nil {
				seen[key] = len(o.entries) - 1
			} else if len(o.entries) > manyKeys {
				seen = make(map[string]int, 2*len(o.entries))
				for j, e := range o.entries {
					seen[e.key] = j
				}
			}
			indexKeys = indexKeys || (key != "" && key[0] >= '0' && key[0] <= '9')
		}
		switch data[vend] {
		case ',':
			i = vend + 1
		case '}':
			if indexKeys {
				sortIndexKeys(o.entries)
			}
			return o, vend == len(data)-1
		default:
			return object{}, false
		}
	}
	return object{}, false
}

// manyKeys is the number of keys past which splitObject indexes keys with a
// map instead of scanning them.
const manyKeys = 32

// find returns the place of key among the entries: through seen when it is
// there, else by a scan (few keys).
func (o *object) find(key string, seen map[string]int) int {
	if seen != nil {
		if at, ok := seen[key]; ok {
			return at
		}
		return -1
	}
	return o.index(key)
}

// sortIndexKeys puts array-index keys first, in ascending numeric order,
// keeping the other keys in their order: JavaScript's own key order.
func sortIndexKeys(entries []entry) {
	slices.SortStableFunc(entries, func(a, b entry) int { return indexKeyOrder(a.key, b.key) })
}

// indexKeyOrder compares keys as JavaScript orders an object's keys:
// array indexes first, ascending; 0 for two other keys (they keep their
// insertion order).
func indexKeyOrder(a, b string) int {
	m, aok := arrayIndex(a)
	n, bok := arrayIndex(b)
	switch {
	case aok && bok:
		return cmp.Compare(m, n)
	case aok:
		return -1
	case bok:
		return 1
	}
	return 0
}

func splitArray(data []byte) (object, bool) {
	var o object
	if len(data) > 1 && data[1] == ']' {
		return o, len(data) == 2
	}
	for i, n := 1, 0; i < len(data); n++ {
		vend := scanValue(data, i, 1)
		if vend < 0 || vend >= len(data) {
			return object{}, false
		}
		o.entries = append(o.entries, entry{strconv.Itoa(n), data[i:vend:vend]})
		switch data[vend] {
		case ',':
			i = vend + 1
		case ']':
			return o, vend == len(data)-1
		default:
			return object{}, false
		}
	}
	return object{}, false
}

func splitString(data []byte) object {
	var s string
	if json.Unmarshal(data, &s) != nil {
		return object{}
	}
	var o object
	for n, u := range utf16.Encode([]rune(s)) {
		var raw []byte
		if utf16.IsSurrogate(rune(u)) {
			raw = []byte(`"\u` + strconv.FormatUint(uint64(u), 16) + `"`)
		} else {
			raw = appendJSString(nil, string(rune(u)))
		}
		o.entries = append(o.entries, entry{strconv.Itoa(n), raw})
	}
	return o
}

// decodeKey returns the key of a quoted JSON string. Without escapes the
// key aliases the text (see parseObject), so no copy is made.
func decodeKey(quoted []byte) string {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(inner), len(inner))
	}
	var s string
	_ = json.Unmarshal(quoted, &s)
	return s
}

// maxDepth bounds the nesting scanValue follows; deeper values are checked
// by encoding/json instead, which needs no recursion.
const maxDepth = 256

// scanValue validates the compact JSON value starting at i and returns the
// index just past it, or -1 when it is not valid JSON.
func scanValue(data []byte, i, depth int) int {
	if i >= len(data) {
		return -1
	}
	switch c := data[i]; {
	case c == '"':
		return scanString(data, i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return scanDeep(data, i)
		}
		return scanComposite(data, i, depth)
	case c == 't':
		return scanLiteral(data, i, "true")
	case c == 'f':
		return scanLiteral(data, i, "false")
	case c == 'n':
		return scanLiteral(data, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(data, i)
	}
	return -1
}

func scanComposite(data []byte, i, depth int) int {
	closer := byte(']')
	if data[i] == '{' {
		closer = '}'
	}
	i++
	if i < len(data) && data[i] == closer {
		return i + 1
	}
	for i < len(data) {
		if closer == '}' {
			if data[i] != '"' {
				return -1
			}
			i = scanString(data, i)
			if i < 0 || i >= len(data) || data[i] != ':' {
				return -1
			}
			i++
		}
		i = scanValue(data, i, depth+1)
		if i < 0 || i >= len(data) {
			return -1
		}
		switch data[i] {
		case ',':
			i++
		case closer:
			return i + 1
		default:
			return -1
		}
	}
	return -1
}

// scanDeep validates a deeply nested value with encoding/json.
func scanDeep(data []byte, i int) int {
	dec := json.NewDecoder(bytes.NewReader(data[i:]))
	var raw json.RawMessage
	if dec.Decode(&raw) != nil {
		return -1
	}
	return i + int(dec.InputOffset())
}

func scanString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return j + 1
		case c < 0x20:
			return -1
		case c == '\\':
			j++
			if j >= len(data) {
				return -1
			}
			switch data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(data) {
					return -1
				}
				for _, h := range data[j+1 : j+5] {
					if unhex(h) < 0 {
						return -1
					}
				}
				j += 4
			default:
				return -1
			}
		}
	}
	return -1
}

func scanLiteral(data []byte, i int, lit string) int {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// scanNumber follows JSON's number grammar:
// -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
func scanNumber(data []byte, i int) int {
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}
