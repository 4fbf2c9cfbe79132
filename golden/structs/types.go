// Package structs holds the struct types its generated sessions store:
// structs_gen.go gives Order, Line and Address generated codecs, and the
// others encoding/json.
package structs

import (
	"encoding/json"
	"strconv"
	"time"
)

// An Order has each field shape the generated struct codec handles.
type Order struct {
	ID     string          `json:"id"`
	Lines  []Line          `json:"lines,omitempty"`
	ByCode map[string]Line `json:"byCode,omitzero"`
	Ship   *Address        `json:"ship,omitempty"`
	Placed time.Time       `json:"placed,omitzero"`
	Wait   time.Duration   `json:"wait"`
	Month  time.Month      `json:"month,omitempty"`
	Status Status          `json:"status,omitempty"`
	Dash   string          `json:"-,"`
	Note   string          `json:"-"`
	Seq    uint64          `json:"10"`
	Raw    []byte          `json:"raw,omitempty"`
	Total  float64         `json:"total,omitzero"`
	Paid   bool
	Money  Money      `json:"money"`
	Tags   [][]string `json:"tags"`
	Left   int        `json:"Right"` // the tagged name wins over the field named Right
	Right  int
	Weird  string `json:"a'b"` // not a valid tag name: the field's name is used
	Ünï    string `json:"ünï,omitempty"`
}

// A Line is one line of an Order.
type Line struct {
	SKU   string    `json:"sku"`
	Qty   int32     `json:"qty,omitempty"`
	Price float32   `json:"price"`
	When  time.Time `json:"when,omitempty"` // a struct is never empty: always written
}

// An Address is where an Order goes.
type Address struct {
	City string             `json:"city"`
	Zip  *string            `json:"zip,omitempty"`
	Geo  map[string]float64 `json:"geo,omitzero"`
}

// A Status is a defined string type.
type Status string

// Money has MarshalJSON and UnmarshalJSON.
type Money struct{ Cents int64 }

// MarshalJSON writes m as {"cents": n, "cur": "EUR"} (with spaces, which
// encoding/json compacts).
func (m Money) MarshalJSON() ([]byte, error) {
	return []byte(`{"cents": ` + strconv.FormatInt(m.Cents, 10) + `, "cur": "EUR"}`), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Money) UnmarshalJSON(b []byte) error {
	var v struct {
		Cents int64 `json:"cents"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	m.Cents = v.Cents
	return nil
}

// A Tree contains itself: it keeps encoding/json.
type Tree struct {
	Name string `json:"name"`
	Kids []Tree `json:"kids,omitempty"`
}

// Audited embeds a struct, whose fields encoding/json promotes: it keeps
// encoding/json.
type Audited struct {
	Stamp
	Name string `json:"name"`
}

// A Stamp is embedded in Audited.
type Stamp struct {
	By string `json:"by"`
}

// A Grid has an array field: it keeps encoding/json.
type Grid struct {
	Cells [2]int `json:"cells"`
}

// Counted has a ",string" field: it keeps encoding/json.
type Counted struct {
	N int `json:"n,string"`
}

// An Octet is a defined byte type: encoding/json writes a []Octet as
// base64, as it writes a []byte.
type Octet byte

// A Packet has a []Octet field: it keeps encoding/json.
type Packet struct {
	Bits []Octet `json:"bits"`
}
