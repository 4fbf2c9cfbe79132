//go:build race

package bench

// raceEnabled: the race detector changes what escapes and allocates, so
// TestAllocations counts only without it (.ci/after.d/bench.sh runs it so).
const raceEnabled = true
