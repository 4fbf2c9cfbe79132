// Package goldentest holds checks that every golden package's behaviour
// tests run on its generated code.
package goldentest

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"
)

var (
	errorType   = reflect.TypeFor[error]()
	handlerType = reflect.TypeFor[http.Handler]()
)

// NilSafe holds a generated session and storage to the request model's nil
// safety. nilSession is a nil *XSession and empty returns a new empty one:
// every method of nilSession must answer what the same method of a new
// empty session answers (the zero value or the key's default, and false)
// without a panic.
// storages are storage values that were not made by their constructor (a
// nil *XStorage, a zero XStorage): each method must return a non-nil error
// where it returns one, and never panic; a returned http.Handler must
// answer a request without panicking. live is a working storage whose
// methods given a nil session must return an error.
func NilSafe(t *testing.T, nilSession any, empty func() any, live any, storages ...any) {
	t.Helper()
	log.SetOutput(io.Discard) // the default ErrorHandler logs each refused request
	defer log.SetOutput(os.Stderr)
	nv := reflect.ValueOf(nilSession)
	if ev := reflect.ValueOf(empty()); !nv.IsNil() || ev.IsNil() || nv.Type() != ev.Type() {
		t.Fatalf("NilSafe wants a nil and a non-nil session of one type, got %T and %T", nilSession, ev.Interface())
	}
	for i := range nv.NumMethod() {
		m := nv.Type().Method(i)
		got := call(t, m.Name, nv.Method(i))
		want := call(t, m.Name, reflect.ValueOf(empty()).Method(i))
		if m.Name == "Runtime" {
			continue // the untyped session itself: nil on a nil session
		}
		if !reflect.DeepEqual(values(got), values(want)) {
			t.Errorf("nil session: %s() = %v, an empty session says %v", m.Name, values(got), values(want))
		}
	}
	for _, st := range storages {
		sv := reflect.ValueOf(st)
		for i := range sv.NumMethod() {
			name := sv.Type().Method(i).Name
			checkErrors(t, "storage not made by its constructor", name, call(t, name, sv.Method(i)), name != "Runtime")
		}
	}
	lv := reflect.ValueOf(live)
	for i := range lv.NumMethod() {
		m := lv.Method(i)
		takesSession := false
		for j := range m.Type().NumIn() {
			takesSession = takesSession || m.Type().In(j) == nv.Type()
		}
		if takesSession {
			name := lv.Type().Method(i).Name
			checkErrors(t, "nil session", name, call(t, name, m), true)
		}
	}
}

// checkErrors fails on a nil error result and serves returned handlers.
func checkErrors(t *testing.T, what, name string, out []reflect.Value, wantErr bool) {
	t.Helper()
	for _, v := range out {
		switch {
		case v.Type() == errorType && v.IsNil() && wantErr:
			t.Errorf("%s: %s returned a nil error", what, name)
		case v.Type() == handlerType && !v.IsNil():
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s: the handler of %s panicked: %v", what, name, p)
					}
				}()
				rec := httptest.NewRecorder()
				v.Interface().(http.Handler).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
				if rec.Code < 400 {
					t.Errorf("%s: the handler of %s answered %d, want an error status", what, name, rec.Code)
				}
			}()
		}
	}
}

// call calls m with a usable value for each parameter, reporting a panic.
func call(t *testing.T, name string, m reflect.Value) (out []reflect.Value) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", name, p)
			out = nil
		}
	}()
	var args []reflect.Value
	for i := range m.Type().NumIn() {
		args = append(args, arg(m.Type().In(i)))
	}
	if m.Type().IsVariadic() {
		return m.CallSlice(args)
	}
	return m.Call(args)
}

// arg returns a value of type typ to pass: a real request, writer, context
// and handler, a function returning zero values, zero for the rest.
func arg(typ reflect.Type) reflect.Value {
	switch typ {
	case reflect.TypeFor[*http.Request]():
		return reflect.ValueOf(httptest.NewRequest("GET", "/", nil))
	case reflect.TypeFor[http.ResponseWriter]():
		return reflect.ValueOf(httptest.NewRecorder())
	case reflect.TypeFor[context.Context]():
		return reflect.ValueOf(context.Background())
	case handlerType:
		return reflect.ValueOf(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	}
	if typ.Kind() == reflect.Func {
		return reflect.MakeFunc(typ, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, typ.NumOut())
			for i := range out {
				out[i] = reflect.Zero(typ.Out(i))
			}
			return out
		})
	}
	return reflect.Zero(typ)
}

func values(vs []reflect.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v.Interface()
	}
	return out
}
