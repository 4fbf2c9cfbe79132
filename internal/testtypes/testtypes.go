// Package testtypes holds named types that test schemas refer to.
package testtypes

import (
	"encoding/json"
	"sync"
	"time"
)

// A Cart is a shopping cart, stored whole in a session key.
type Cart struct {
	Items   []Item    `json:"items"`
	Updated time.Time `json:"updated"`
	Coupon  string    `json:"coupon,omitempty"`
}

// An Item is one line of a Cart.
type Item struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// A Level is a named basic type.
type Level int

// WithChan cannot round-trip through JSON: schemas naming it are refused.
type WithChan struct {
	Name    string
	Updates chan string
}

// DashAny has a field encoding/json writes under the key "-" (the tag
// "-," names it, it does not drop it): an interface, which cannot be
// decoded back, so schemas naming it are refused.
type DashAny struct {
	Name string
	V    any `json:"-,"`
}

// LaterJSONTag drops its channel from JSON with a json tag that is not the
// tag's first key: encoding/json ignores the field, so the type round-trips.
type LaterJSONTag struct {
	Name    string
	Updates chan string `xml:"updates" json:"-"`
}

// WithMutex holds a lock: copying it is a go vet error, so schemas naming
// it are refused.
type WithMutex struct {
	Name string
	mu   sync.Mutex
}

// Lock locks w.
func (w *WithMutex) Lock() { w.mu.Lock() }

// WithAny holds an interface, which JSON cannot decode back.
type WithAny struct {
	Value any `json:"value"`
}

// WithHidden has an unexported field that JSON drops.
type WithHidden struct {
	Name   string `json:"name"`
	secret string
}

// Secret returns the unexported field, so that it is used.
func (w WithHidden) Secret() string { return w.secret }

// A Profile has each struct shape the TypeScript output maps (tag names,
// omitempty, ",string", "-", []byte, pointers, maps, raw JSON, an embedded
// struct whose fields are promoted, a recursive field).
type Profile struct {
	Name    string          `json:"name"`
	Nick    string          `json:"nick,omitempty"`
	Age     int             `json:"age,string"`
	Avatar  []byte          `json:"avatar"`
	Manager *Item           `json:"manager"`
	Labels  map[string]int  `json:"labels,omitempty"`
	Tags    []string        `json:"tags"`
	Secret  string          `json:"-"`
	Dash    string          `json:"-,"`
	Extra   json.RawMessage `json:"extra,omitempty"`
	Plain   bool
	Audit
	Self *Profile `json:"self,omitempty"`
}

// An Audit is embedded in Profile: its fields appear in Profile's JSON.
type Audit struct {
	CreatedBy string `json:"createdBy"`
	Revision  uint64 `json:"revision"`
}
