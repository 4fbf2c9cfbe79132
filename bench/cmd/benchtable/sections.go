package main

// The tables of the server stores against their bare clients, of the
// loopback HTTP benchmark and of parallel scaling, with their goals.

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A pair is one key=value of a list flag.
type pair struct{ k, v string }

// pairs is a flag of comma-separated key=value items, in order; setting it
// replaces the default.
type pairs []pair

func (p *pairs) String() string {
	var items []string
	for _, x := range *p {
		items = append(items, x.k+"="+x.v)
	}
	return strings.Join(items, ",")
}

func (p *pairs) Set(s string) error {
	*p = nil
	for item := range strings.SplitSeq(s, ",") {
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q: want key=value", item)
		}
		*p = append(*p, pair{k, v})
	}
	return nil
}

// get returns the value of key and whether it is there.
func (p pairs) get(key string) (string, bool) {
	for _, x := range p {
		if x.k == key {
			return x.v, true
		}
	}
	return "", false
}

// storePair is one server store, its bare client and the goal for store ÷
// bare (NaN: none).
type storePair struct {
	store, bare string
	goal        float64
}

func (o options) stores() []storePair {
	var ps []storePair
	for _, x := range o.storePairs {
		bare, g, hasGoal := strings.Cut(x.v, ":")
		goal := math.NaN()
		if hasGoal {
			if v, err := strconv.ParseFloat(g, 64); err == nil {
				goal = v
			}
		}
		ps = append(ps, storePair{x.k, bare, goal})
	}
	return ps
}

// bare reports whether impl is a bare client (no session), measured for
// the ratio of a store or of the HTTP middleware to it, and no peer.
func (o options) bare(impl string) bool {
	if impl == o.httpBase {
		return true
	}
	for _, p := range o.stores() {
		if impl == p.bare {
			return true
		}
	}
	return false
}

// renderStores gives each server store, per scenario, its time over the
// bare client's that makes the same network round trips, and the ratio
// BenchmarkStoreRatio measured alternating the two per iteration.
func renderStores(w io.Writer, d *data, o options, scenarios []string) {
	var rows [][2]string // store pair index, scenario
	ps := o.stores()
	for i, p := range ps {
		for _, s := range scenarios {
			if d.cells[cellKey{s, p.store}] != nil && d.cells[cellKey{s, p.bare}] != nil {
				rows = append(rows, [2]string{strconv.Itoa(i), s})
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "Server stores against a bare client making the same network round trips (store ÷ bare: the median over runs of the ratio within a run, what the store, the session and the driver add to the round trips; alternated: BenchmarkStoreRatio, one of each per iteration, the median over runs of the ratio of their median times).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| store | bare client | scenario | store µs | bare µs | store ÷ bare | alternated | store allocs | bare allocs |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		i, _ := strconv.Atoi(r[0])
		p, s := ps[i], r[1]
		st, _ := d.get(o, s, p.store, unitTime)
		bt, _ := d.get(o, s, p.bare, unitTime)
		sa, _ := d.get(o, s, p.store, unitAllocs)
		ba, _ := d.get(o, s, p.bare, unitAllocs)
		alt := math.NaN()
		if s == o.goalScenario {
			alt = d.alternated(o, p.store)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", p.store, p.bare, s, micro(st), micro(bt),
			timesFine(d.ratio(o, s, p.store, p.bare)), timesFine(alt), count(sa), count(ba))
	}
	fmt.Fprintln(w)
	var goals []string
	for _, p := range ps {
		if math.IsNaN(p.goal) {
			continue
		}
		if r := d.ratio(o, o.goalScenario, p.store, p.bare); !math.IsNaN(r) {
			goals = append(goals, fmt.Sprintf("- %s ≤ %g× %s: %s (%s)", p.store, p.goal, p.bare, met(r <= p.goal), timesFine(r)))
		}
		if r := d.alternated(o, p.store); !math.IsNaN(r) {
			goals = append(goals, fmt.Sprintf("- %s ≤ %g× %s, alternated: %s (%s)", p.store, p.goal, p.bare, met(r <= p.goal), timesFine(r)))
		}
	}
	renderGoalList(w, fmt.Sprintf("Goals for %s (server stores)", o.goalScenario), goals)
}

// alternated returns the median of store's store/bare over the runs of
// BenchmarkStoreRatio, NaN without it.
func (d *data) alternated(o options, store string) float64 {
	for _, s := range d.scenarios {
		if slices.Contains(d.extraUnits[s], unitStoreRatio) {
			if v, n := d.get(o, s, store, unitStoreRatio); n > 0 {
				return v
			}
		}
	}
	return math.NaN()
}

func renderGoalList(w io.Writer, title string, goals []string) {
	if len(goals) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n\n%s\n\n", title, strings.Join(goals, "\n"))
}

// renderHTTP is the loopback HTTP benchmark: each implementation's time per
// request and its overhead over the bare handler's.
func renderHTTP(w io.Writer, d *data, o options, scenarios []string) {
	if len(scenarios) == 0 {
		return
	}
	lo, hi := d.runs(scenarios)
	fmt.Fprintf(w, "Loopback HTTP, sequential (BenchmarkHTTP: a net/http server and keep-alive client, each implementation's requests one after the other), medians of %s runs: µs, allocs and B per request; overhead: the median over runs of (impl − %s) ÷ %s within a run.\n\n", runCount(lo, hi), o.httpBase, o.httpBase)
	fmt.Fprintln(w, "| benchmark | implementation | µs | allocs | B | overhead |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	var goals []string
	for _, s := range scenarios {
		handler := handlerOf(s)
		g, hasGoal := o.httpGoal(handler)
		for _, impl := range d.httpImpls(o, s) {
			t, _ := d.get(o, s, impl, unitTime)
			a, _ := d.get(o, s, impl, unitAllocs)
			b, _ := d.get(o, s, impl, unitBytes)
			over := "–"
			if impl != o.httpBase {
				r := d.ratio(o, s, impl, o.httpBase)
				over = percent(r - 1)
				if hasGoal && (impl == o.ours || o.variant(impl)) && !math.IsNaN(r) {
					goals = append(goals, httpGoalLine(impl, handler, "sequential", g, r-1))
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", s, impl, micro(t), count(a), count(b), over)
		}
	}
	fmt.Fprintln(w)
	renderGoalList(w, "Goals for the Middleware on loopback HTTP, sequential (BenchmarkHTTP: each implementation's requests one after the other)", goals)
}

// handlerOf returns the value of the handler= part of a scenario, or the
// scenario.
func handlerOf(scenario string) string {
	for part := range strings.SplitSeq(scenario, "/") {
		if v, ok := strings.CutPrefix(part, "handler="); ok {
			return v
		}
	}
	return scenario
}

// renderParallel is the parallel-scaling table: per benchmark measured at
// several GOMAXPROCS, each implementation's time per operation at each and
// the scaling, time at the fewest procs ÷ time at the most (the ratio of
// throughputs).
func renderParallel(w io.Writer, d *data, o options, scenarios []string) {
	var bases []string
	procs := map[string][]string{}
	for _, s := range scenarios {
		base := d.split[s]
		if !slices.Contains(bases, base) {
			bases = append(bases, base)
		}
		procs[base] = append(procs[base], strings.TrimPrefix(s, base+"/procs="))
	}
	var goals []string
	for _, base := range bases {
		ps := procs[base]
		slices.SortFunc(ps, func(a, b string) int { return cmp.Compare(atoi(a), atoi(b)) })
		at := func(p string) string { return base + "/procs=" + p }
		first, last := ps[0], ps[len(ps)-1]
		fmt.Fprintf(w, "Parallel scaling of Benchmark%s (b.RunParallel, go test -cpu %s): µs per operation at each GOMAXPROCS, medians; scaling: the time at GOMAXPROCS=%s ÷ the time at %s (the throughput ratio), the median over runs of the ratio within a run.\n\n", base, strings.Join(ps, ","), first, last)
		fmt.Fprint(w, "| implementation |")
		for _, p := range ps {
			fmt.Fprintf(w, " µs at %s |", p)
		}
		fmt.Fprintf(w, " scaling %s → %s | allocs |\n", first, last)
		fmt.Fprintln(w, "|---"+strings.Repeat("|---:", len(ps)+2)+"|")
		for _, impl := range d.implsIn([]string{at(first)}) {
			fmt.Fprintf(w, "| %s |", impl)
			for _, p := range ps {
				t, _ := d.get(o, at(p), impl, unitTime)
				fmt.Fprintf(w, " %s |", micro(t))
			}
			r := d.ratioOf(o, cellKey{at(first), impl}, cellKey{at(last), impl})
			a, _ := d.get(o, at(last), impl, unitAllocs)
			fmt.Fprintf(w, " %s | %s |\n", timesFine(r), count(a))
			if impl == o.scalingImpl && !math.IsNaN(r) {
				goals = append(goals, fmt.Sprintf("- %s: throughput at %s procs ≥ %g× that at %s: %s (%s)", impl, last, o.goalScaling, first, met(r >= o.goalScaling), timesFine(r)))
			}
		}
		fmt.Fprintln(w)
	}
	renderGoalList(w, "Goals for parallel scaling", goals)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// percent formats a fraction as a signed percentage.
func percent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return fmt.Sprintf("%+.1f %%", f*100)
}
