// Command benchtable reads `go test -bench` output from the bench module
// and prints Markdown tables of medians per scenario and implementation,
// with sessiongen's ratios to each peer and to the cryptographic floor,
// and the goals against them (reported, never asserted).
//
// Usage (from bench/): `go run ./cmd/benchrun` runs the benchmarks in
// interleaved rounds and pipes them through benchtable; by hand:
//
//	go test -c -o bench.test .
//	for i in 1 2 3 4 5; do ./bench.test -test.run '^$' -test.bench . -test.benchmem; done | tee out.txt
//	go run ./cmd/benchtable out.txt
//
// Rounds of -count 1 interleave the implementations, so each round measures
// them all within seconds; `go test -bench . -count 5` works too, but runs
// each benchmark five times in a row, and a machine whose load changes
// meanwhile skews the ratios.
//
// Benchmarks are named Scenario[/key=value...]/impl=NAME. The ratios and
// the goals are sessiongen's (-ours); implementations named
// sessiongen-SOMETHING (encrypted, server storage) are other configurations
// of it, listed with their own ratios to the peers and the floor. Bare
// clients (-store-pairs: redis-bare, pgx-bare; -http-base: bare) are no
// peers: each server store gets its ratio to the bare client making the
// same network round trips, and each HTTP implementation its overhead over
// the bare handler (scenarios with an impl=bare row). BenchmarkHTTPOverhead,
// whose names have no impl= but whose units name the implementations
// (X-ns/req, X-overhead-%), gets a table of its own: the same overhead
// measured with the implementations interleaved per request, split into
// its parts, with the same goals. A scenario measured
// at several GOMAXPROCS (go test -cpu 1,2; a name without a -N suffix is
// GOMAXPROCS 1) goes to a parallel-scaling table. Rows whose benchmark
// reports a unit of its own (such as lost-keys) go to a separate table of
// that unit. Times are medians of all runs, with impl=harness (the loop
// alone) subtracted unless -raw is given; ratios are medians of the ratios
// within each run.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

type options struct {
	ours, floor, harness string
	raw                  bool
	goalScenario         string
	goalPeers            pairs // peer → times faster than it ours must be
	goalFloor            float64
	goalAllocs           float64
	storePairs           pairs // server store → its bare client ("redis-bare"), with an optional goal
	httpBase             string
	goalHTTP             pairs // handler → overhead in % of the bare handler
	scalingImpl          string
	goalScaling          float64
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.ours, "ours", "sessiongen", "the implementation whose ratios are shown")
	fs.StringVar(&o.floor, "floor", "floor", "the implementation that is the cryptographic floor")
	fs.StringVar(&o.harness, "harness", "harness", "the implementation that measures the harness alone")
	fs.BoolVar(&o.raw, "raw", false, "do not subtract the harness")
	fs.StringVar(&o.goalScenario, "goal-scenario", "RoundTrip", "the scenario the goals apply to")
	o.goalPeers = pairs{{"gorilla", "15"}, {"scs", "12"}, {"scs-loadcommit", "12"}}
	fs.Var(&o.goalPeers, "goal-peers", "goal: `peer=N,...`, times faster than each peer")
	fs.Float64Var(&o.goalFloor, "goal-floor", 3, "goal: at most this many times the floor")
	fs.Float64Var(&o.goalAllocs, "goal-allocs", 7, "goal: at most this many allocations")
	o.storePairs = pairs{{"sessiongen-server-redis", "redis-bare:1.1"}, {"sessiongen-server-postgres", "pgx-bare"}}
	fs.Var(&o.storePairs, "store-pairs", "`store=bare[:goal],...`: server stores, the bare client rows doing their round trips, and the goal for store ÷ bare")
	fs.StringVar(&o.httpBase, "http-base", "bare", "the implementation of the HTTP benchmark without a session")
	o.goalHTTP = pairs{{"read", "10"}, {"commit", "15"}}
	fs.Var(&o.goalHTTP, "goal-http", "goal: `handler=percent,...`, the Middleware's overhead over the bare handler")
	fs.StringVar(&o.scalingImpl, "scaling-impl", "sessiongen-server-memory", "the implementation whose parallel scaling has a goal")
	fs.Float64Var(&o.goalScaling, "goal-scaling", 1.7, "goal: throughput at the most procs ÷ at the fewest")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: benchtable [flags] [file ...]   (no file: standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	d := newData()
	if fs.NArg() == 0 {
		if err := d.read(stdin, "stdin"); err != nil {
			return err
		}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = d.read(f, name)
		f.Close()
		if err != nil {
			return err
		}
	}
	if len(d.cells) == 0 {
		return errors.New("no benchmark results in the input")
	}
	d.finish()
	w := bufio.NewWriter(stdout)
	render(w, d, o)
	return w.Flush()
}

// Standard units, as benchfmt tidies them.
const (
	unitTime   = "sec/op"
	unitBytes  = "B/op"
	unitAllocs = "allocs/op"
	// unitStoreRatio is BenchmarkStoreRatio's: a store's round trip ÷ its
	// bare client's, alternated per iteration.
	unitStoreRatio = "store/bare"
)

// A cell is every measurement of one benchmark (scenario × impl).
type cell struct {
	values map[string][]float64 // unit → one value per run
}

type cellKey struct{ scenario, impl string }

type data struct {
	cells      map[cellKey]*cell
	scenarios  []string // in order of first appearance
	impls      []string
	extraUnits map[string][]string // scenario → its own units, in order
	machine    []string            // "cpu: …" and the like, once each
	procs      []string            // GOMAXPROCS of the scenarios measured at one only
	// split maps the scenarios measured at several GOMAXPROCS (go test
	// -cpu 1,2), named Scenario/procs=N, to Scenario.
	split map[string]string
}

func newData() *data {
	return &data{cells: map[cellKey]*cell{}, extraUnits: map[string][]string{}, split: map[string]string{}}
}

// procsSep joins a scenario and its GOMAXPROCS while reading (see finish).
const procsSep = "\x00"

func (d *data) read(r io.Reader, fileName string) error {
	br := benchfmt.NewReader(r, fileName)
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata; syntax errors are other lines of go test
		}
		scenario, impl, procs := splitName(res.Name)
		scenario += procsSep + cmp.Or(procs, "1")
		switch {
		case impl != "":
			d.add(scenario, impl, res.Values)
		case !d.addInterleaved(scenario, res.Values):
			continue // not one of ours: no impl= part
		}
		d.config(res)
	}
	return br.Err()
}

// config keeps the machine's description from the result's configuration.
func (d *data) config(res *benchfmt.Result) {
	for _, key := range []string{"goos", "goarch", "cpu"} {
		if v := res.GetConfig(key); v != "" {
			line := key + ": " + v
			if !slices.Contains(d.machine, line) {
				d.machine = append(d.machine, line)
			}
		}
	}
}

func (d *data) add(scenario, impl string, values []benchfmt.Value) {
	k := cellKey{scenario, impl}
	c := d.cells[k]
	if c == nil {
		c = &cell{values: map[string][]float64{}}
		d.cells[k] = c
	}
	if !slices.Contains(d.scenarios, scenario) {
		d.scenarios = append(d.scenarios, scenario)
	}
	if !slices.Contains(d.impls, impl) {
		d.impls = append(d.impls, impl)
	}
	for _, v := range values {
		c.values[v.Unit] = append(c.values[v.Unit], v.Value)
		switch v.Unit {
		case unitTime, unitBytes, unitAllocs:
		default:
			if !slices.Contains(d.extraUnits[scenario], v.Unit) {
				d.extraUnits[scenario] = append(d.extraUnits[scenario], v.Unit)
			}
		}
	}
}

// finish names the scenarios read: a scenario measured at one GOMAXPROCS
// keeps its name, one measured at several (BenchmarkParallel with -cpu 1,2;
// a name without a -N suffix is GOMAXPROCS 1) becomes Scenario/procs=N,
// one per GOMAXPROCS.
func (d *data) finish() {
	procsOf := map[string][]string{}
	for _, sp := range d.scenarios {
		s, p, _ := strings.Cut(sp, procsSep)
		procsOf[s] = append(procsOf[s], p)
	}
	rename := func(sp string) string {
		s, p, _ := strings.Cut(sp, procsSep)
		if len(procsOf[s]) == 1 {
			if !slices.Contains(d.procs, p) {
				d.procs = append(d.procs, p)
			}
			return s
		}
		d.split[s+"/procs="+p] = s
		return s + "/procs=" + p
	}
	cells := make(map[cellKey]*cell, len(d.cells))
	for k, c := range d.cells {
		cells[cellKey{rename(k.scenario), k.impl}] = c
	}
	extra := make(map[string][]string, len(d.extraUnits))
	for s, us := range d.extraUnits {
		extra[rename(s)] = us
	}
	for i, sp := range d.scenarios {
		d.scenarios[i] = rename(sp)
	}
	d.cells, d.extraUnits = cells, extra
}

// splitName turns "RoundTrip/impl=sessiongen-2" into ("RoundTrip",
// "sessiongen", "2") and "LostWrites/writers=16/mode=free/impl=scs-2" into
// ("LostWrites/writers=16/mode=free", "scs", "2").
func splitName(n benchfmt.Name) (scenario, impl, procs string) {
	base, parts := n.Parts()
	scenario = string(base)
	for _, p := range parts {
		s := string(p)
		switch {
		case strings.HasPrefix(s, "/impl="):
			impl = strings.TrimPrefix(s, "/impl=")
		case strings.HasPrefix(s, "-"):
			procs = s[1:]
		default:
			scenario += s
		}
	}
	return scenario, impl, procs
}

// median returns the median of vs, NaN for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vs)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// get returns the median of unit for scenario × impl, less the harness's
// median for the standard units unless raw.
func (d *data) get(o options, scenario, impl, unit string) (float64, int) {
	c := d.cells[cellKey{scenario, impl}]
	if c == nil || len(c.values[unit]) == 0 {
		return math.NaN(), 0
	}
	m := median(c.values[unit])
	if !o.raw && impl != o.harness && (unit == unitTime || unit == unitBytes || unit == unitAllocs) {
		if h := d.cells[cellKey{scenario, o.harness}]; h != nil && len(h.values[unit]) > 0 {
			m = max(m-median(h.values[unit]), 0)
		}
	}
	return m, len(c.values[unit])
}

// runValues returns k's values of unit in the order they were read, less
// the harness's value of the same run (the k-th of each) unless raw.
func (d *data) runValues(o options, k cellKey, unit string) []float64 {
	c := d.cells[k]
	if c == nil {
		return nil
	}
	vs := slices.Clone(c.values[unit])
	if o.raw || k.impl == o.harness {
		return vs
	}
	h := d.cells[cellKey{k.scenario, o.harness}]
	if h == nil || len(h.values[unit]) == 0 {
		return vs
	}
	hv := h.values[unit]
	for i := range vs {
		sub := median(hv)
		if len(hv) == len(vs) {
			sub = hv[i]
		}
		vs[i] = max(vs[i]-sub, 0)
	}
	return vs
}

// ratio returns the median over runs of num's time ÷ den's in the same run
// (the k-th result of each). Run the benchmarks as interleaved rounds (see
// the package doc) and a load that drifts during the run cancels out of it.
// With unequal run counts it is the ratio of the medians.
func (d *data) ratio(o options, scenario, num, den string) float64 {
	return d.ratioOf(o, cellKey{scenario, num}, cellKey{scenario, den})
}

// ratioOf is ratio for any two cells (one implementation at two
// GOMAXPROCS, say).
func (d *data) ratioOf(o options, num, den cellKey) float64 {
	a := d.runValues(o, num, unitTime)
	b := d.runValues(o, den, unitTime)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	if len(a) != len(b) {
		return median(a) / median(b)
	}
	rs := make([]float64, len(a))
	for k := range a {
		rs[k] = a[k] / b[k]
	}
	return median(rs)
}

// timed reports whether scenario is a timing scenario (no unit of its own).
func (d *data) timed(scenario string) bool { return len(d.extraUnits[scenario]) == 0 }

func render(w io.Writer, d *data, o options) {
	var timed, http, interleaved, parallel, other []string
	for _, s := range d.scenarios {
		switch {
		case d.interleaved(s):
			interleaved = append(interleaved, s)
		case slices.Contains(d.extraUnits[s], unitStoreRatio):
			// BenchmarkStoreRatio: in the store table.
		case !d.timed(s):
			other = append(other, s)
		case d.split[s] != "":
			parallel = append(parallel, s)
		case d.cells[cellKey{s, o.httpBase}] != nil:
			http = append(http, s)
		default:
			timed = append(timed, s)
		}
	}
	if len(timed) > 0 {
		renderTimes(w, d, o, timed)
		renderRatios(w, d, o, timed)
		renderGoals(w, d, o)
		renderVariants(w, d, o, timed)
		renderStores(w, d, o, timed)
	}
	renderHTTP(w, d, o, http)
	renderInterleaved(w, d, o, interleaved)
	renderParallel(w, d, o, parallel)
	if len(other) > 0 {
		renderExtra(w, d, o, other)
	}
	renderMachine(w, d)
}

// runs returns the fewest and the most runs of any implementation in
// scenarios.
func (d *data) runs(scenarios []string) (lo, hi int) { return d.unitRuns(scenarios, unitTime) }

// runCount words the number of runs, "5" or "4–5".
func runCount(lo, hi int) string {
	if lo != hi {
		return fmt.Sprintf("%d–%d", lo, hi)
	}
	return fmt.Sprint(lo)
}

func renderTimes(w io.Writer, d *data, o options, scenarios []string) {
	lo, hi := d.runs(scenarios)
	runs := runCount(lo, hi)
	note := "harness subtracted"
	if o.raw {
		note = "harness not subtracted"
	}
	fmt.Fprintf(w, "Medians of %s runs (%s). µs per operation; allocs and B per operation.\n\n", runs, note)
	fmt.Fprint(w, "| implementation |")
	for _, s := range scenarios {
		fmt.Fprintf(w, " %s µs |", s)
	}
	for _, s := range scenarios {
		fmt.Fprintf(w, " %s allocs |", s)
	}
	for _, s := range scenarios {
		fmt.Fprintf(w, " %s B |", s)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "|---"+strings.Repeat("|---:", 3*len(scenarios))+"|")
	for _, impl := range d.implsIn(scenarios) {
		name := impl
		if impl == o.harness && !o.raw {
			name += " (subtracted from the others)"
		}
		fmt.Fprintf(w, "| %s |", name)
		for _, s := range scenarios {
			t, _ := d.get(o, s, impl, unitTime)
			fmt.Fprintf(w, " %s |", micro(t))
		}
		for _, unit := range []string{unitAllocs, unitBytes} {
			for _, s := range scenarios {
				v, _ := d.get(o, s, impl, unit)
				fmt.Fprintf(w, " %s |", count(v))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// implsIn returns the implementations measured in any of scenarios.
func (d *data) implsIn(scenarios []string) []string {
	var is []string
	for _, impl := range d.impls {
		for _, s := range scenarios {
			if d.cells[cellKey{s, impl}] != nil {
				is = append(is, impl)
				break
			}
		}
	}
	return is
}

// variant reports whether impl is another configuration of ours, named
// ours-SOMETHING (sessiongen-encrypted, sessiongen-server-memory): listed
// with its ratios, but neither a peer nor the subject of the goals.
func (o options) variant(impl string) bool {
	return strings.HasPrefix(impl, o.ours+"-")
}

// peers are the implementations of scenarios other than ours, its
// variants, the bare clients, the floor and the harness.
func (d *data) peers(o options, scenarios []string) []string {
	var ps []string
	for _, impl := range d.implsIn(scenarios) {
		if impl != o.ours && impl != o.floor && impl != o.harness && !o.variant(impl) && !o.bare(impl) {
			ps = append(ps, impl)
		}
	}
	return ps
}

// variants are ours' variants measured in any of scenarios.
func (d *data) variants(o options, scenarios []string) []string {
	var vs []string
	for _, impl := range d.implsIn(scenarios) {
		if o.variant(impl) {
			vs = append(vs, impl)
		}
	}
	return vs
}

func renderRatios(w io.Writer, d *data, o options, scenarios []string) {
	peers := d.peers(o, scenarios)
	fmt.Fprintf(w, "Ratios, each the median over runs of the ratio within a run: a peer's time ÷ %s's (how many times faster %s is), and %s's ÷ the floor's.\n\n", o.ours, o.ours, o.ours)
	fmt.Fprintf(w, "| scenario | %s µs |", o.ours)
	for _, p := range peers {
		fmt.Fprintf(w, " %s ÷ %s |", p, o.ours)
	}
	fmt.Fprintf(w, " %s ÷ %s | %s allocs |\n", o.ours, o.floor, o.ours)
	fmt.Fprintln(w, "|---"+strings.Repeat("|---:", len(peers)+3)+"|")
	for _, s := range scenarios {
		ours, _ := d.get(o, s, o.ours, unitTime)
		fmt.Fprintf(w, "| %s | %s |", s, micro(ours))
		for _, p := range peers {
			fmt.Fprintf(w, " %s |", times(d.ratio(o, s, p, o.ours)))
		}
		allocs, _ := d.get(o, s, o.ours, unitAllocs)
		fmt.Fprintf(w, " %s | %s |\n", times(d.ratio(o, s, o.ours, o.floor)), count(allocs))
	}
	fmt.Fprintln(w)
}

// renderVariants gives ours' other configurations the ratios of
// renderRatios, one row per variant and scenario.
func renderVariants(w io.Writer, d *data, o options, scenarios []string) {
	vs := d.variants(o, scenarios)
	if len(vs) == 0 {
		return
	}
	peers := d.peers(o, scenarios)
	fmt.Fprintf(w, "Other %s storages, with the same ratios (a peer's time ÷ the row's, the row's ÷ the floor's, each the median over runs of the ratio within a run); the goals apply to %s alone.\n\n", o.ours, o.ours)
	fmt.Fprint(w, "| implementation | scenario | µs |")
	for _, p := range peers {
		fmt.Fprintf(w, " %s ÷ it |", p)
	}
	fmt.Fprintf(w, " it ÷ %s | it ÷ %s | allocs |\n", o.ours, o.floor)
	fmt.Fprintln(w, "|---|---"+strings.Repeat("|---:", len(peers)+4)+"|")
	for _, v := range vs {
		for _, s := range scenarios {
			t, n := d.get(o, s, v, unitTime)
			if n == 0 {
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s |", v, s, micro(t))
			for _, p := range peers {
				fmt.Fprintf(w, " %s |", times(d.ratio(o, s, p, v)))
			}
			allocs, _ := d.get(o, s, v, unitAllocs)
			fmt.Fprintf(w, " %s | %s | %s |\n", times(d.ratio(o, s, v, o.ours)), times(d.ratio(o, s, v, o.floor)), count(allocs))
		}
	}
	fmt.Fprintln(w)
}

// renderGoals states the goals against the figures. It reports;
// it asserts nothing.
func renderGoals(w io.Writer, d *data, o options) {
	s := o.goalScenario
	if _, n := d.get(o, s, o.ours, unitTime); n == 0 {
		return
	}
	fmt.Fprintf(w, "Goals for %s (%s):\n\n", s, o.ours)
	for _, g := range o.goalPeers {
		goal, err := strconv.ParseFloat(g.v, 64)
		r := d.ratio(o, s, g.k, o.ours)
		if err != nil || math.IsNaN(r) {
			continue
		}
		fmt.Fprintf(w, "- ≥ %g× faster than %s: %s (%s)\n", goal, g.k, met(r >= goal), timesFine(r))
	}
	if r := d.ratio(o, s, o.ours, o.floor); !math.IsNaN(r) {
		fmt.Fprintf(w, "- ≤ %g× the floor: %s (%s)\n", o.goalFloor, met(r <= o.goalFloor), timesFine(r))
	}
	if a, n := d.get(o, s, o.ours, unitAllocs); n > 0 {
		fmt.Fprintf(w, "- ≤ %g allocations: %s (%s)\n", o.goalAllocs, met(a <= o.goalAllocs), count(a))
	}
	fmt.Fprintln(w)
}

// met words a goal's outcome.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func renderExtra(w io.Writer, d *data, o options, scenarios []string) {
	var units []string
	for _, s := range scenarios {
		for _, u := range d.extraUnits[s] {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	for _, u := range units {
		impls := d.implsIn(scenarios)
		fmt.Fprintf(w, "Medians of %s per operation.\n\n", u)
		fmt.Fprint(w, "| benchmark |")
		for _, impl := range impls {
			fmt.Fprintf(w, " %s |", impl)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "|---"+strings.Repeat("|---:", len(impls))+"|")
		for _, s := range scenarios {
			if !slices.Contains(d.extraUnits[s], u) {
				continue
			}
			fmt.Fprintf(w, "| %s |", s)
			for _, impl := range impls {
				v, _ := d.get(o, s, impl, u)
				fmt.Fprintf(w, " %s |", count(v))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
	}
}

func renderMachine(w io.Writer, d *data) {
	if len(d.machine) == 0 && len(d.procs) == 0 {
		return
	}
	m := slices.Clone(d.machine)
	if len(d.procs) > 0 {
		m = append(m, "GOMAXPROCS: "+strings.Join(d.procs, ", "))
	}
	fmt.Fprintf(w, "Machine: %s.\n", strings.Join(m, "; "))
}

// micro formats seconds as microseconds with about three significant digits.
func micro(sec float64) string {
	if math.IsNaN(sec) {
		return "–"
	}
	us := sec * 1e6
	switch {
	case us >= 100:
		return fmt.Sprintf("%.0f", us)
	case us >= 10:
		return fmt.Sprintf("%.1f", us)
	case us >= 1:
		return fmt.Sprintf("%.2f", us)
	}
	return fmt.Sprintf("%.3f", us)
}

func count(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func times(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.1f×", r)
}

// timesFine is times with two decimals below 10, for figures compared with
// a goal near them (1.05× against 1.1×).
func timesFine(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r >= 10 {
		return times(r)
	}
	return fmt.Sprintf("%.2f×", r)
}
