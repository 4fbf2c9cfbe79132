module github.com/sessiongen/sessiongen/bench

go 1.26.8

replace github.com/sessiongen/sessiongen => ../

require (
	github.com/alexedwards/scs/v2 v2.9.0
	github.com/gorilla/sessions v1.4.0
	github.com/sessiongen/sessiongen v0.0.0
)

require github.com/gorilla/securecookie v1.1.2 // indirect
