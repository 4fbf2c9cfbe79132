package generator

import (
	"strings"
	"unicode"
)

// initialisms are written in upper case in Go names, as golint and the Go
// standard library do (UserID, APIURL, ServeHTTP).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSRF": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "JWT": true, "LHS": true, "OTP": true, "QPS": true, "RAM": true, "RHS": true,
	"RPC": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true, "SSO": true, "TCP": true,
	"TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true, "URI": true, "URL": true,
	"UTF8": true, "UUID": true, "VM": true, "XML": true, "XSRF": true, "XSS": true,
}

// GoName maps a schema name to an exported Go name: words are split at
// '_', '-', '.', spaces and case changes, each word is capitalised, and
// initialisms are upper-cased: userId → UserID, api_url → APIURL,
// lastLogin → LastLogin, HTTPSOnly → HTTPSOnly. It returns "" when the name
// has no letters or digits, or does not start with a letter.
func GoName(name string) string {
	var b strings.Builder
	for _, w := range splitWords(name) {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		return ""
	}
	return out
}

// splitWords splits at separators and at lower→upper and ACRONYMWord
// boundaries: "userIDToken" → user, ID, Token.
func splitWords(name string) []string {
	var words []string
	fields := strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, f := range fields {
		r := []rune(f)
		start := 0
		for i := 1; i < len(r); i++ {
			lowerToUpper := unicode.IsUpper(r[i]) && !unicode.IsUpper(r[i-1])
			acronymEnd := unicode.IsUpper(r[i-1]) && unicode.IsUpper(r[i]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if lowerToUpper || acronymEnd {
				words = append(words, string(r[start:i]))
				start = i
			}
		}
		words = append(words, string(r[start:]))
	}
	return words
}

// lowerFirst returns name with its first word lower-cased, for unexported
// identifiers: UserID → userID, APIURL → apiurl.
func lowerFirst(name string) string {
	words := splitWords(name)
	if len(words) == 0 {
		return name
	}
	return strings.ToLower(words[0]) + strings.Join(words[1:], "")
}
