package main

// The table of BenchmarkHTTPOverhead: loopback HTTP, every implementation
// interleaved per request, with the Middleware's goals on it.

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// BenchmarkHTTPOverhead's units: per implementation X, X-ns/req (the median
// time of its requests; benchfmt tidies it to X-sec/req, in seconds) and
// X-overhead-% (that median over bare's, in %). They are read as the units
// below of the cell (scenario, X).
const (
	unitReq      = "sec/req"
	unitOverhead = "overhead-%"
)

// addInterleaved reads a result without impl= whose units are
// BenchmarkHTTPOverhead's; it reports whether there were any.
func (d *data) addInterleaved(scenario string, values []benchfmt.Value) bool {
	found := false
	for _, v := range values {
		for _, unit := range []string{unitReq, unitOverhead} {
			if impl, ok := strings.CutSuffix(v.Unit, "-"+unit); ok && impl != "" {
				d.add(scenario, impl, []benchfmt.Value{{Value: v.Value, Unit: unit}})
				found = true
			}
		}
	}
	return found
}

// interleaved reports whether scenario is BenchmarkHTTPOverhead's.
func (d *data) interleaved(scenario string) bool {
	return slices.Contains(d.extraUnits[scenario], unitReq)
}

// httpGoal returns the goal for handler's overhead in %, and whether there
// is one.
func (o options) httpGoal(handler string) (float64, bool) {
	v, ok := o.goalHTTP.get(handler)
	if !ok {
		return 0, false
	}
	g, err := strconv.ParseFloat(v, 64)
	return g, err == nil
}

// httpGoalLine states the goal for impl's overhead (a fraction) on
// handler, measured as mode says.
func httpGoalLine(impl, handler, mode string, goal, overhead float64) string {
	return fmt.Sprintf("- %s, handler=%s, %s: overhead ≤ %g %%: %s (%s)", impl, handler, mode, goal, met(overhead*100 <= goal), percent(overhead))
}

// middleware reports whether impl runs behind ours' Middleware: ours and
// its variants but the one that calls the session directly.
func (o options) middleware(impl string) bool {
	return impl == o.ours || (o.variant(impl) && impl != o.direct())
}

// vary and direct name the interleaved benchmark's bare handler adding a
// header and ours without the Middleware.
func (o options) vary() string   { return o.httpBase + "-vary" }
func (o options) direct() string { return o.ours + "-direct" }

// renderInterleaved is BenchmarkHTTPOverhead: per handler and
// implementation the median over runs of the median time per request and
// of the overhead over bare, then the overhead split into its parts.
func renderInterleaved(w io.Writer, d *data, o options, scenarios []string) {
	if len(scenarios) == 0 {
		return
	}
	lo, hi := d.unitRuns(scenarios, unitReq)
	fmt.Fprintf(w, "Loopback HTTP, interleaved per request (BenchmarkHTTPOverhead: each iteration sends one request to each implementation, in an order that rotates, so all see the same load), medians of %s runs: µs, the median time per request within a run; overhead: its median over %s's within a run, in %%.\n\n", runCount(lo, hi), o.httpBase)
	fmt.Fprintln(w, "| benchmark | implementation | µs per request | overhead |")
	fmt.Fprintln(w, "|---|---|---:|---:|")
	var goals []string
	for _, s := range scenarios {
		handler := handlerOf(s)
		goal, hasGoal := o.httpGoal(handler)
		for _, impl := range d.interleavedImpls(o, s) {
			t, _ := d.get(o, s, impl, unitReq)
			over, n := d.get(o, s, impl, unitOverhead)
			if n == 0 {
				over = math.NaN()
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", s, impl, micro(t), percentOrDash(impl == o.httpBase, over/100))
			if hasGoal && o.middleware(impl) && n > 0 {
				goals = append(goals, httpGoalLine(impl, handler, "interleaved", goal, over/100))
			}
		}
	}
	fmt.Fprintln(w)
	renderDecomposition(w, d, o, scenarios)
	renderGoalList(w, "Goals for the Middleware on loopback HTTP, interleaved per request (BenchmarkHTTPOverhead)", goals)
}

// renderDecomposition splits ours' interleaved overhead: net/http's cost of
// a header, the session's work without the Middleware, and the
// Middleware's own; each the median over runs of the difference within a
// run, in µs and in % of bare's time.
func renderDecomposition(w io.Writer, d *data, o options, scenarios []string) {
	parts := []struct{ label, a, b string }{
		{"adding a header", o.vary(), o.httpBase},
		{"the session's work and its header, without the Middleware", o.direct(), o.httpBase},
		{"the Middleware's own cost", o.ours, o.direct()},
	}
	fmt.Fprintf(w, "The overhead split (interleaved): each the median over runs of the difference of the two median times per request within a run, in µs and in %% of %s's.\n\n", o.httpBase)
	fmt.Fprintln(w, "| benchmark | part | difference | µs | % of "+o.httpBase+" |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|")
	for _, s := range scenarios {
		for _, p := range parts {
			us, frac := d.difference(o, s, p.a, p.b)
			if math.IsNaN(us) {
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s − %s | %+.2f | %s |\n", s, p.label, p.a, p.b, us, percent(frac))
		}
	}
	fmt.Fprintln(w)
}

// difference returns the median over runs of a's time per request − b's,
// in µs, and of that difference over bare's time; NaN without both.
func (d *data) difference(o options, s, a, b string) (us, frac float64) {
	av := d.runValues(o, cellKey{s, a}, unitReq)
	bv := d.runValues(o, cellKey{s, b}, unitReq)
	base := d.runValues(o, cellKey{s, o.httpBase}, unitReq)
	if len(av) == 0 || len(av) != len(bv) || len(av) != len(base) {
		return math.NaN(), math.NaN()
	}
	diffs, fracs := make([]float64, len(av)), make([]float64, len(av))
	for k := range av {
		diffs[k] = (av[k] - bv[k]) * 1e6
		fracs[k] = (av[k] - bv[k]) / base[k]
	}
	return median(diffs), median(fracs)
}

// httpImpls returns the implementations of scenario, the bare handler
// first.
func (d *data) httpImpls(o options, s string) []string {
	impls := d.implsIn([]string{s})
	if i := slices.Index(impls, o.httpBase); i > 0 {
		impls = slices.Insert(slices.Delete(impls, i, i+1), 0, o.httpBase)
	}
	return impls
}

// interleavedImpls returns the implementations of scenario in the order
// of the split: bare, bare-vary, ours-direct, then the others.
func (d *data) interleavedImpls(o options, s string) []string {
	impls := d.implsIn([]string{s})
	var first []string
	for _, impl := range []string{o.httpBase, o.vary(), o.direct()} {
		if slices.Contains(impls, impl) {
			first = append(first, impl)
		}
	}
	return append(first, slices.DeleteFunc(impls, func(impl string) bool { return slices.Contains(first, impl) })...)
}

// unitRuns returns the fewest and the most runs of unit of any
// implementation in scenarios.
func (d *data) unitRuns(scenarios []string, unit string) (lo, hi int) {
	lo = math.MaxInt
	for _, s := range scenarios {
		for _, impl := range d.impls {
			if c := d.cells[cellKey{s, impl}]; c != nil {
				n := len(c.values[unit])
				lo, hi = min(lo, n), max(hi, n)
			}
		}
	}
	return lo, hi
}

// percentOrDash is percent(f), or "–" for the base row.
func percentOrDash(base bool, f float64) string {
	if base {
		return "–"
	}
	return percent(f)
}
