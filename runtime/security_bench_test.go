package runtime

import (
	"context"
	"strings"
	"testing"
)

// The cost of encryption next to signing, per commit and per read, for a
// small session (a user id, a role, a theme: about 60 bytes of JSON) and a
// large one (about 2 KB). Run: go test -bench 'Signed|Encrypted' -benchmem ./runtime/
func benchSessionData(size string) []string {
	if size == "small" {
		return []string{"userId", "u_1234567890", "role", "admin", "theme", "dark"}
	}
	return []string{"userId", "u_1234567890", "cart", strings.Repeat("item-0001,", 200)}
}

func benchCommit(b *testing.B, encrypt bool) {
	st := newTestStorage(b, "__session", encrypt, secretA, secretB)
	for _, size := range []string{"small", "large"} {
		b.Run(size, func(b *testing.B) {
			s := NewSession()
			kv := benchSessionData(size)
			for i := 0; i+1 < len(kv); i += 2 {
				Set(s, kv[i], kv[i+1])
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.CommitSessionHeader(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchRead(b *testing.B, encrypt bool) {
	st := newTestStorage(b, "__session", encrypt, secretA, secretB)
	for _, size := range []string{"small", "large"} {
		b.Run(size, func(b *testing.B) {
			header := cookieOf(commitValues(b, st, benchSessionData(size)...))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				s, _ := st.GetSessionHeader(ctx, header)
				if s.ReadError() != nil {
					b.Fatal(s.ReadError())
				}
			}
		})
	}
}

func BenchmarkSignedCommit(b *testing.B)    { benchCommit(b, false) }
func BenchmarkEncryptedCommit(b *testing.B) { benchCommit(b, true) }
func BenchmarkSignedRead(b *testing.B)      { benchRead(b, false) }
func BenchmarkEncryptedRead(b *testing.B)   { benchRead(b, true) }
