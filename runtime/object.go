package runtime

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
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
	if key == "" || len(key) > 10 || (len(key) > 1 && key[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(key, 10, 64)
	if err != nil || n >= 1<<32-1 {
		return 0, false
	}
	return n, true
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
func parseObject(data []byte) (o object, ok bool) {
	if !utf8.Valid(data) || !json.Valid(data) {
		return object{}, false
	}
	if bytes.ContainsAny(data, " \t\r\n") {
		var buf bytes.Buffer
		if json.Compact(&buf, data) != nil {
			return object{}, false
		}
		data = buf.Bytes()
	}
	switch data[0] {
	case '{':
		return splitObject(data), true
	case '[':
		return splitArray(data), true
	case '"':
		return splitString(data), true
	}
	return object{}, true
}

// splitObject splits valid compact JSON object text into entries. A
// repeated key keeps its first place and its last value, as JSON.parse does.
func splitObject(data []byte) object {
	var o object
	i := 1
	for i < len(data) && data[i] != '}' {
		end := skipString(data, i)
		key := decodeKey(data[i:end])
		i = end + 1 // ':'
		vend := skipValue(data, i)
		o.set(key, data[i:vend:vend])
		i = vend
		if data[i] == ',' {
			i++
		}
	}
	return o
}

func splitArray(data []byte) object {
	var o object
	i := 1
	for n := 0; i < len(data) && data[i] != ']'; n++ {
		vend := skipValue(data, i)
		o.entries = append(o.entries, entry{strconv.Itoa(n), data[i:vend:vend]})
		i = vend
		if data[i] == ',' {
			i++
		}
	}
	return o
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

func decodeKey(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1])
	}
	var s string
	_ = json.Unmarshal(quoted, &s)
	return s
}

// skipString returns the index just past the JSON string starting at i.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// skipValue returns the index just past the compact JSON value starting at i.
func skipValue(data []byte, i int) int {
	depth := 0
	for j := i; j < len(data); j++ {
		switch c := data[j]; c {
		case '"':
			j = skipString(data, j) - 1
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return len(data)
}
