package runtime_test

import (
	"encoding/json"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestApplyPatchAllocatesOnce: the memory, file and SQL stores apply every
// commit's patch with ApplyPatch, so a small session's patch costs two
// allocations: the parsed entries and the new document.
func TestApplyPatchAllocatesTwice(t *testing.T) {
	data := json.RawMessage(`{"userId":"user-8c1f3a","theme":"dark","roles":["admin","editor"],"lastSeen":1767225600000,"__flash_message__":"Saved!"}`)
	p := runtime.Patch{Set: []runtime.Field{{Key: "lastSeen", Value: json.RawMessage(`1767225600001`)}, {Key: "cart", Value: json.RawMessage(`{"items":[1,2,3]}`)}}, Delete: []string{"theme"}}
	want := `{"userId":"user-8c1f3a","roles":["admin","editor"],"lastSeen":1767225600001,"__flash_message__":"Saved!","cart":{"items":[1,2,3]}}`
	got, err := runtime.ApplyPatch(data, p)
	if err != nil || string(got) != want {
		t.Fatalf("ApplyPatch = %s, %v; want %s", got, err, want)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = runtime.ApplyPatch(data, p) }); n > 2 {
		t.Errorf("ApplyPatch allocates %v times; want 2", n)
	}
}
