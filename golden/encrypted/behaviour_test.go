package encrypted

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

const (
	oldSecret = "encrypted-test-old-secret-32-bytes!!"
	newSecret = "encrypted-test-new-secret-32-bytes!!"
)

// TestEncryptedThroughHTTP: the generated storage of an `encrypt: true`
// session writes a cookie that hides its data, reads it back through a
// real request, and reseals a cookie made with a rotated-out secret when
// the middleware commits.
func TestEncryptedThroughHTTP(t *testing.T) {
	old, err := NewVaultStorage(Config{Secrets: []string{oldSecret}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := old.GetSessionHeader(context.Background(), "")
	s.SetAccountID("acct-7781")
	s.SetBalance(1 << 60)
	s.SetNotes([]string{"private"})
	line, err := old.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	pair, _, _ := strings.Cut(line, ";")
	if !strings.HasPrefix(pair, "__Host-vault=v1.") || strings.Contains(line, "acct") || strings.Contains(line, "private") {
		t.Fatalf("Set-Cookie %q: want an encrypted __Host-vault value", line)
	}

	rotated, err := NewVaultStorage(Config{Secrets: []string{newSecret, oldSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var gotAccount string
	h := rotated.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := VaultSessionFrom(r.Context())
		gotAccount, _ = s.AccountID()
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", pair)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if gotAccount != "acct-7781" {
		t.Fatalf("account read through the middleware = %q", gotAccount)
	}
	resealed := rec.Result().Header.Get("Set-Cookie")
	if resealed == "" {
		t.Fatal("a cookie opened with the old secret was not resealed")
	}

	onlyNew, _ := NewVaultStorage(Config{Secrets: []string{newSecret}})
	newPair, _, _ := strings.Cut(resealed, ";")
	back, _ := onlyNew.GetSessionHeader(context.Background(), newPair)
	if b, _ := back.Balance(); b != 1<<60 || back.Runtime().ReadError() != nil {
		t.Errorf("resealed cookie under the new secret: balance %d, ReadError %v", b, back.Runtime().ReadError())
	}
	stale, _ := onlyNew.GetSessionHeader(context.Background(), pair)
	if _, ok := stale.AccountID(); ok || !errors.Is(stale.Runtime().ReadError(), runtime.ErrDecrypt) {
		t.Errorf("old cookie without the old secret: ReadError %v, want ErrDecrypt", stale.Runtime().ReadError())
	}
}
