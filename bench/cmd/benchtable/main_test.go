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
	if err := run([]string{"-goal-floor", "3.5"}, strings.NewReader(sample), &out); err != nil {
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
		"- ≥ 15× faster than gorilla: not met (14×)",
		"- ≤ 3.5× the floor: met (3.00×)",
		"- ≤ 7 allocations: met (6)",
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

// One of each new section: peers with goals of their own (gorilla, scs,
// scs-loadcommit), a peer without (typed), a server store beside its bare
// client, the HTTP benchmark and the parallel one at GOMAXPROCS 1 (no
// suffix) and 2 (-2). Two interleaved rounds.
const sampleSections = `cpu: Test CPU
BenchmarkRoundTrip/impl=floor-2	1000	1000 ns/op	0 B/op	0 allocs/op
BenchmarkRoundTrip/impl=sessiongen-2	1000	2000 ns/op	512 B/op	5 allocs/op
BenchmarkRoundTrip/impl=sessiongen-server-redis-2	1000	105000 ns/op	4000 B/op	60 allocs/op
BenchmarkRoundTrip/impl=redis-bare-2	1000	100000 ns/op	1000 B/op	20 allocs/op
BenchmarkRoundTrip/impl=typed-2	1000	4000 ns/op	900 B/op	40 allocs/op
BenchmarkRoundTrip/impl=gorilla-2	1000	40000 ns/op	9000 B/op	300 allocs/op
BenchmarkRoundTrip/impl=scs-2	1000	30000 ns/op	9000 B/op	290 allocs/op
BenchmarkRoundTrip/impl=scs-loadcommit-2	1000	20000 ns/op	9000 B/op	287 allocs/op
BenchmarkHTTP/handler=read/impl=bare-2	1000	20000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=read/impl=sessiongen-2	1000	21000 ns/op	7000 B/op	70 allocs/op
BenchmarkHTTP/handler=commit/impl=bare-2	1000	20000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=commit/impl=sessiongen-2	1000	24000 ns/op	7000 B/op	75 allocs/op
BenchmarkParallel/impl=sessiongen-server-memory	1000	4000 ns/op	900 B/op	12 allocs/op
BenchmarkParallel/impl=sessiongen-server-memory-2	1000	2000 ns/op	900 B/op	12 allocs/op
BenchmarkRoundTrip/impl=floor-2	1000	1000 ns/op	0 B/op	0 allocs/op
BenchmarkRoundTrip/impl=sessiongen-2	1000	2000 ns/op	512 B/op	5 allocs/op
BenchmarkRoundTrip/impl=sessiongen-server-redis-2	1000	140000 ns/op	4000 B/op	60 allocs/op
BenchmarkRoundTrip/impl=redis-bare-2	1000	100000 ns/op	1000 B/op	20 allocs/op
BenchmarkRoundTrip/impl=typed-2	1000	4000 ns/op	900 B/op	40 allocs/op
BenchmarkRoundTrip/impl=gorilla-2	1000	40000 ns/op	9000 B/op	300 allocs/op
BenchmarkRoundTrip/impl=scs-2	1000	30000 ns/op	9000 B/op	290 allocs/op
BenchmarkRoundTrip/impl=scs-loadcommit-2	1000	20000 ns/op	9000 B/op	287 allocs/op
BenchmarkHTTP/handler=read/impl=bare-2	1000	40000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=read/impl=sessiongen-2	1000	42000 ns/op	7000 B/op	70 allocs/op
BenchmarkHTTP/handler=commit/impl=bare-2	1000	20000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=commit/impl=sessiongen-2	1000	21000 ns/op	7000 B/op	75 allocs/op
BenchmarkParallel/impl=sessiongen-server-memory	1000	8000 ns/op	900 B/op	12 allocs/op
BenchmarkParallel/impl=sessiongen-server-memory-2	1000	5000 ns/op	900 B/op	12 allocs/op
BenchmarkStoreRatio/impl=sessiongen-server-redis-2	1000	230000 ns/op	100000 bare-ns/op	130000 store-ns/op	1.3 store/bare
BenchmarkStoreRatio/impl=sessiongen-server-redis-2	1000	230000 ns/op	100000 bare-ns/op	105000 store-ns/op	1.05 store/bare
BenchmarkStoreRatio/impl=sessiongen-server-redis-2	1000	230000 ns/op	100000 bare-ns/op	107000 store-ns/op	1.07 store/bare
`

func TestSections(t *testing.T) {
	var out strings.Builder
	if err := run(nil, strings.NewReader(sampleSections), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		// Each peer's goal of its own; typed is a peer without one.
		"- ≥ 15× faster than gorilla: met (20×)",
		"- ≥ 12× faster than scs: met (15×)",
		"- ≥ 12× faster than scs-loadcommit: not met (10×)",
		"- ≤ 3× the floor: met (2.00×)",
		"- ≤ 7 allocations: met (5)",
		"| scenario | sessiongen µs | typed ÷ sessiongen | gorilla ÷ sessiongen | scs ÷ sessiongen | scs-loadcommit ÷ sessiongen | sessiongen ÷ floor | sessiongen allocs |",
		// The store against its bare client: 1.05 and 1.4, median 1.225.
		"| sessiongen-server-redis | redis-bare | RoundTrip | 122 | 100 | 1.23× | 1.07× | 60 | 20 |",
		"- sessiongen-server-redis ≤ 1.1× redis-bare: not met (1.23×)",
		// Alternated: the median of 1.3, 1.05 and 1.07.
		"- sessiongen-server-redis ≤ 1.1× redis-bare, alternated: met (1.07×)",
		// HTTP: read 21/20 and 42/40 (+5 %); commit 24/20 and 21/20, median +12.5 %.
		"| HTTP/handler=read | bare | 30.0 | 60 | 6000 | – |",
		"| HTTP/handler=read | sessiongen | 31.5 | 70 | 7000 | +5.0 % |",
		"| HTTP/handler=commit | sessiongen | 22.5 | 75 | 7000 | +12.5 % |",
		"- sessiongen, handler=read, sequential: overhead ≤ 10 %: met (+5.0 %)",
		"- sessiongen, handler=commit, sequential: overhead ≤ 15 %: met (+12.5 %)",
		// Parallel at 1 (no suffix) and 2 procs: 4/2 and 8/5, median 1.8.
		"| implementation | µs at 1 | µs at 2 | scaling 1 → 2 | allocs |",
		"| sessiongen-server-memory | 6.00 | 3.50 | 1.80× | 12 |",
		"- sessiongen-server-memory: throughput at 2 procs ≥ 1.7× that at 1: met (1.80×)",
		"GOMAXPROCS: 2.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, notWant := range []string{
		"redis-bare ÷", "bare ÷", "faster than typed", // bare clients and typed are no peers with goals
		"Parallel/procs", "| Parallel |", // the parallel rows only in their own table
		"HTTP/handler=read µs",             // nor the HTTP rows in the scenario table
		"| StoreRatio", "Medians of store", // nor BenchmarkStoreRatio, but in the store table
	} {
		if strings.Contains(got, notWant) {
			t.Errorf("output has %q:\n%s", notWant, got)
		}
	}
}

func TestPairsFlag(t *testing.T) {
	var p pairs
	if err := p.Set("a=1,b=x:2"); err != nil {
		t.Fatal(err)
	}
	if v, _ := p.get("b"); v != "x:2" || p.String() != "a=1,b=x:2" {
		t.Errorf("pairs = %v", p)
	}
	if err := p.Set("novalue"); err == nil {
		t.Error("no error for an item without =")
	}
}

// BenchmarkHTTPOverhead as go test prints it (no impl=; a unit per
// implementation), two rounds, beside BenchmarkHTTP's sequential rows.
const sampleInterleaved = `cpu: Test CPU
BenchmarkHTTP/handler=read/impl=bare-2	1000	20000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=read/impl=sessiongen-2	1000	23000 ns/op	7000 B/op	70 allocs/op
BenchmarkHTTPOverhead/handler=read-2	200	110000 ns/op	20000 bare-ns/req	20400 bare-vary-ns/req	2.000 bare-vary-overhead-%	22000 sessiongen-direct-ns/req	10.00 sessiongen-direct-overhead-%	22200 sessiongen-ns/req	11.00 sessiongen-overhead-%	23000 sessiongen-server-memory-ns/req	15.00 sessiongen-server-memory-overhead-%	40750 B/op	372 allocs/op
BenchmarkHTTPOverhead/handler=commit-2	200	110000 ns/op	20000 bare-ns/req	24000 sessiongen-ns/req	20.00 sessiongen-overhead-%	42411 B/op	382 allocs/op
BenchmarkHTTP/handler=read/impl=bare-2	1000	20000 ns/op	6000 B/op	60 allocs/op
BenchmarkHTTP/handler=read/impl=sessiongen-2	1000	23000 ns/op	7000 B/op	70 allocs/op
BenchmarkHTTPOverhead/handler=read-2	200	220000 ns/op	40000 bare-ns/req	40400 bare-vary-ns/req	1.000 bare-vary-overhead-%	43200 sessiongen-direct-ns/req	8.000 sessiongen-direct-overhead-%	43600 sessiongen-ns/req	9.000 sessiongen-overhead-%	44000 sessiongen-server-memory-ns/req	10.00 sessiongen-server-memory-overhead-%	40750 B/op	372 allocs/op
BenchmarkHTTPOverhead/handler=commit-2	200	110000 ns/op	20000 bare-ns/req	22000 sessiongen-ns/req	10.00 sessiongen-overhead-%	42411 B/op	382 allocs/op
`

func TestInterleaved(t *testing.T) {
	var out strings.Builder
	if err := run(nil, strings.NewReader(sampleInterleaved), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Loopback HTTP, interleaved per request",
		// Medians of the two rounds: µs of 20 and 40, overhead of 11 and 9.
		"| HTTPOverhead/handler=read | bare | 30.0 | – |",
		"| HTTPOverhead/handler=read | bare-vary | 30.4 | +1.5 % |",
		"| HTTPOverhead/handler=read | sessiongen | 32.9 | +10.0 % |",
		"| HTTPOverhead/handler=read | sessiongen-server-memory | 33.5 | +12.5 % |",
		"| HTTPOverhead/handler=commit | sessiongen | 23.0 | +15.0 % |",
		// The split, each difference within a round: 0.4 and 0.4 µs (2 %
		// and 1 % of bare); 2.0 and 3.2 µs (10 % and 8 %); 0.2 and 0.4 µs
		// (1 % and 1 %).
		"| HTTPOverhead/handler=read | adding a header | bare-vary − bare | +0.40 | +1.5 % |",
		"| HTTPOverhead/handler=read | the session's work and its header, without the Middleware | sessiongen-direct − bare | +2.60 | +9.0 % |",
		"| HTTPOverhead/handler=read | the Middleware's own cost | sessiongen − sessiongen-direct | +0.30 | +1.0 % |",
		"- sessiongen, handler=read, interleaved: overhead ≤ 10 %: met (+10.0 %)",
		"- sessiongen-server-memory, handler=read, interleaved: overhead ≤ 10 %: not met (+12.5 %)",
		"- sessiongen, handler=commit, interleaved: overhead ≤ 15 %: met (+15.0 %)",
		// The sequential goal beside it: 23/20.
		"- sessiongen, handler=read, sequential: overhead ≤ 10 %: not met (+15.0 %)",
		"cpu: Test CPU",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The split's order: bare, bare-vary, sessiongen-direct, sessiongen.
	rows := []string{"| HTTPOverhead/handler=read | bare |", "| HTTPOverhead/handler=read | bare-vary |",
		"| HTTPOverhead/handler=read | sessiongen-direct |", "| HTTPOverhead/handler=read | sessiongen |"}
	for i := 1; i < len(rows); i++ {
		if strings.Index(got, rows[i-1]) > strings.Index(got, rows[i]) {
			t.Errorf("%q comes after %q:\n%s", rows[i-1], rows[i], got)
		}
	}
	for _, notWant := range []string{
		"sessiongen-direct, handler=",                     // no Middleware, no goal
		"Medians of overhead-%",                           // not in the table of other units
		"| HTTPOverhead/handler=commit | adding a header", // commit has no bare-vary
	} {
		if strings.Contains(got, notWant) {
			t.Errorf("output has %q:\n%s", notWant, got)
		}
	}
}
