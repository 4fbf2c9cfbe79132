package web

import (
	"testing"

	"github.com/sessiongen/sessiongen/internal/goldentest"
)

const nilSafeSecret = "nil-safety-test-secret-0123456789abcdef"

// TestNilSafe: every generated method on a nil session answers as an empty
// session does and never panics; a storage not made by its constructor
// returns errors; storage methods given a nil session return errors.
func TestNilSafe(t *testing.T) {
	t.Run("User", func(t *testing.T) {
		st, err := NewUserStorage(Config{Secrets: []string{nilSafeSecret}})
		if err != nil {
			t.Fatal(err)
		}
		empty := func() any {
			s, err := st.GetSessionHeader(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		goldentest.NilSafe(t, (*UserSession)(nil), empty, st, (*UserStorage)(nil), &UserStorage{})
	})
	t.Run("Admin", func(t *testing.T) {
		st, err := NewAdminStorage(Config{Secrets: []string{nilSafeSecret}})
		if err != nil {
			t.Fatal(err)
		}
		empty := func() any {
			s, err := st.GetSessionHeader(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		goldentest.NilSafe(t, (*AdminSession)(nil), empty, st, (*AdminStorage)(nil), &AdminStorage{})
	})
}
