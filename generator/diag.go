package generator

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A Pos is a position in the schema file, 1-based.
type Pos struct {
	Line, Col int
}

// A Diagnostic is one problem found in a schema.
type Diagnostic struct {
	File string
	Pos  Pos
	Msg  string
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Pos.Line, d.Pos.Col, d.Msg)
}

// Diagnostics is the error Generate returns for a bad schema: every problem
// found, sorted by position, one per line as file:line:col: message.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// diags collects diagnostics for one file.
type diags struct {
	file string
	list Diagnostics
}

func (d *diags) add(p Pos, format string, args ...any) {
	d.list = append(d.list, Diagnostic{File: d.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func (d *diags) err() error {
	if len(d.list) == 0 {
		return nil
	}
	slices.SortStableFunc(d.list, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col), cmp.Compare(a.Msg, b.Msg))
	})
	d.list = slices.Compact(d.list)
	return d.list
}
