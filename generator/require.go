package generator

import (
	"github.com/sessiongen/sessiongen/runtime"
	"go.yaml.in/yaml/v3"
)

// requireFields are the fields of a key's require mapping.
var requireFields = []string{"redirect"}

// require decodes a key's `require: {redirect: /login}` and returns the
// login path, which must be a same-site absolute path: the generated
// RequireX redirects there, so a host or scheme would be an open redirect
// built into the app.
func (l *loader) require(what string, n *yaml.Node) string {
	what += ": require"
	f, _ := l.mapping(n, what, requireFields)
	if f == nil {
		return ""
	}
	rn := f["redirect"]
	if rn == nil {
		l.d.add(pos(n), "%s: missing field \"redirect\" (the login path, e.g. /login)", what)
		return ""
	}
	v, ok := l.str(rn, what+": redirect")
	if !ok {
		return ""
	}
	if v == "" || runtime.SafeRedirect(v, "") != v {
		l.d.add(pos(rn), "%s: redirect %q is not a same-site path (want one leading /, e.g. /login; no scheme, host, backslash or control character)", what, v)
		return ""
	}
	return v
}
