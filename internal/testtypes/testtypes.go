// Package testtypes holds named types that test schemas refer to.
package testtypes

import (
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
