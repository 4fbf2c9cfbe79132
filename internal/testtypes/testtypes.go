// Package testtypes holds named types that test schemas refer to.
package testtypes

import "time"

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
