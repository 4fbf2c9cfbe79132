package runtime

import (
	"fmt"
	"strings"
	"testing"
)

// TestInlinePayloadAndArena: a cookie's payload is decoded into the
// session's inline buffer when it fits, and values set afterwards are
// appended after it, into the buffer's rest and then the heap. Across the
// sizes where the payload just fits, fills the buffer or does not fit,
// every value read back after a commit is the one set, and the values read
// before the sets are not overwritten by them.
func TestInlinePayloadAndArena(t *testing.T) {
	for _, encrypt := range []bool{false, true} {
		st := newTestStorage(t, "inline", encrypt, secretA)
		for size := 150; size <= 350; size += 7 {
			s := NewSession()
			Set(s, "pad", strings.Repeat("p", size))
			Set(s, "n", size)
			line, err := st.CommitSessionHeader(s)
			if err != nil {
				t.Fatal(err)
			}
			s, err = st.GetSessionHeader(t.Context(), cookieOf(line))
			if err != nil || s.readErr != nil {
				t.Fatalf("size %d: %v %v", size, err, s.readErr)
			}
			pad, _ := Get[string](s, "pad")
			for i := range 12 {
				Set(s, fmt.Sprintf("k%d", i), strings.Repeat(string(rune('a'+i)), i*9))
			}
			if got, _ := Get[string](s, "pad"); got != pad || len(pad) != size {
				t.Fatalf("size %d: pad changed by the sets: %d bytes", size, len(got))
			}
			line, err = st.CommitSessionHeader(s)
			if err != nil {
				t.Fatal(err)
			}
			s, _ = st.GetSessionHeader(t.Context(), cookieOf(line))
			if n, _ := Get[int](s, "n"); n != size {
				t.Fatalf("size %d: n = %d", size, n)
			}
			for i := range 12 {
				if got, _ := Get[string](s, fmt.Sprintf("k%d", i)); got != strings.Repeat(string(rune('a'+i)), i*9) {
					t.Fatalf("size %d: k%d = %q", size, i, got)
				}
			}
		}
	}
}
