package main

import (
	"strings"
	"testing"
)

// Two runs of each benchmark; medians of two are their mean.
const sample = `goos: linux
goarch: amd64
pkg: github.com/sessiongen/sessiongen/bench
cpu: Test CPU
BenchmarkRoundTrip/impl=harness-2   	1000	  100 ns/op	  0 B/op	  0 allocs/op
BenchmarkRoundTrip/impl=harness-2   	1000	  100 ns/op	  0 B/op	  0 allocs/op
BenchmarkRoundTrip/impl=floor-2     	1000	 1100 ns/op	  0 B/op	  0 allocs/op
BenchmarkRoundTrip/impl=floor-2     	1000	 1100 ns/op	  0 B/op	  0 allocs/op
BenchmarkRoundTrip/impl=sessiongen-2	1000	 2900 ns/op	512 B/op	  6 allocs/op
BenchmarkRoundTrip/impl=sessiongen-2	1000	 3300 ns/op	512 B/op	  6 allocs/op
BenchmarkRoundTrip/impl=sessiongen-encrypted-2	1000	 4100 ns/op	600 B/op	  7 allocs/op
BenchmarkRoundTrip/impl=sessiongen-encrypted-2	1000	 4100 ns/op	600 B/op	  7 allocs/op
BenchmarkRoundTrip/impl=gorilla-2   	1000	 60100 ns/op	9000 B/op	300 allocs/op
BenchmarkRoundTrip/impl=gorilla-2   	1000	 20100 ns/op	9000 B/op	300 allocs/op
some other line of go test output
BenchmarkLostWrites/writers=16/mode=overlap/impl=sessiongen-2	10	5000 ns/op	0 lost-keys	10 B/op	1 allocs/op
BenchmarkLostWrites/writers=16/mode=overlap/impl=scs-2	10	5000 ns/op	15.00 lost-keys	10 B/op	1 allocs/op
PASS
`

func TestTable(t *testing.T) {
	var out strings.Builder
	if err := run(nil, strings.NewReader(sample), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		// Medians less the harness: ours 3.0 µs, gorilla 40 µs, floor 1.0 µs.
		"| sessiongen | 3.00 | 6 | 512 |",
		"| gorilla | 40.0 | 300 | 9000 |",
		// Ratios within each run: gorilla 60/2.8 = 21.4 and 20/3.2 = 6.25,
		// median 13.8 (the ratio of the medians would be 13.3).
		"| RoundTrip | 3.00 | 14× | 3.0× | 6 |",
		"- ≥ 10× faster than gorilla: met (14×)",
		"- ≤ 3.5× the floor: met (3.0×)",
		"- ≤ 8 allocations: met (6)",
		// A variant of sessiongen: in the time table, and with ratios of
		// its own (gorilla 60/4 = 15 and 20/4 = 5; ÷ sessiongen 4/2.8 and
		// 4/3.2), but no peer of sessiongen and no goal of its own.
		"| sessiongen-encrypted | 4.00 | 7 | 600 |",
		"| implementation | scenario | µs | gorilla ÷ it | it ÷ sessiongen | it ÷ floor | allocs |",
		"| sessiongen-encrypted | RoundTrip | 4.00 | 10× | 1.3× | 4.0× | 7 |",
		"| LostWrites/writers=16/mode=overlap | 0 | 15 |",
		"cpu: Test CPU",
		"GOMAXPROCS: 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, notWant := range []string{"sessiongen-encrypted ÷ sessiongen", "faster than sessiongen-encrypted"} {
		if strings.Contains(got, notWant) {
			t.Errorf("a variant of sessiongen is treated as a peer (%q):\n%s", notWant, got)
		}
	}
	if n := strings.Count(got, "LostWrites"); n != 1 {
		t.Errorf("LostWrites appears %d times, want once (in the lost-keys table):\n%s", n, got)
	}
	if strings.Contains(got, "| scs | –") {
		t.Errorf("scs, measured only for lost keys, has a row in the time table:\n%s", got)
	}
}

func TestRaw(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-raw"}, strings.NewReader(sample), &out); err != nil {
		t.Fatal(err)
	}
	if want := "| sessiongen | 3.10 |"; !strings.Contains(out.String(), want) {
		t.Errorf("-raw output lacks %q:\n%s", want, out.String())
	}
}

func TestNoResults(t *testing.T) {
	if err := run(nil, strings.NewReader("PASS\n"), new(strings.Builder)); err == nil {
		t.Error("no error for input without results")
	}
}
