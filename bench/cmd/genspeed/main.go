// Command genspeed measures the sessiongen command itself: wall time and
// peak memory (max RSS) on the repository's schema.example.yaml and on
// generated schemas of 100, 300, 1,000 and 3,000 keys, with the cost per key,
// to show that generation grows linearly with the schema. It prints
// Markdown and states the goals (example schema ≤ 100 ms, 1,000 keys
// ≤ 1 s) against the figures; it asserts nothing.
//
// Usage (from bench/):
//
//	go run ./cmd/genspeed [-runs 5] [-sizes 100,300,1000,3000] [-example ../schema.example.yaml]
//
// It builds sessiongen once into a temporary directory and runs it there on
// each schema: one warm-up run, then -runs timed runs, each after deleting
// the previous output (sessiongen skips writing an unchanged file). Wall time
// is taken around the process (fork and exec included) and its median
// reported. Max RSS comes from /usr/bin/time -v where it exists, otherwise
// from the process's rusage (ru_maxrss); the median over runs is reported.
// The generated schemas use builtin types only (strings, integers, floats,
// bools, slices, maps, time.Time, time.Duration), so no Go package is loaded.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "genspeed:", err)
		os.Exit(1)
	}
}

// Goals of issue 6, reported against the figures.
const (
	goalExample = 100 * time.Millisecond
	goalKeys    = 1000
	goalKeysMax = time.Second
)

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("genspeed", flag.ContinueOnError)
	runs := fs.Int("runs", 5, "timed runs per schema (after one warm-up run)")
	sizesFlag := fs.String("sizes", "100,300,1000,3000", "key counts of the generated schemas")
	example := fs.String("example", "../schema.example.yaml", "the example schema; \"\" to skip it")
	keep := fs.Bool("keep", false, "keep the temporary directory (schemas, outputs, binary)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	var sizes []int
	for f := range strings.SplitSeq(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: bad key count %q", f)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)

	dir, err := os.MkdirTemp("", "genspeed-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintf(os.Stderr, "genspeed: keeping %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	bin := filepath.Join(dir, "sessiongen")
	build := exec.Command("go", "build", "-o", bin, "github.com/sessiongen/sessiongen/cmd/sessiongen")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building sessiongen: %w", err)
	}
	m := &meter{bin: bin, dir: dir, runs: *runs}
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		m.timeV = "/usr/bin/time"
	}

	var ex *result
	if *example != "" {
		src, err := os.ReadFile(*example)
		if err != nil {
			return err
		}
		r, err := m.measure("example.yaml", src)
		if err != nil {
			return fmt.Errorf("%s: %w", *example, err)
		}
		r.keys = countKeys(src)
		ex = &r
	}
	var series []result
	for _, n := range sizes {
		src := Schema(n)
		r, err := m.measure(fmt.Sprintf("keys%d.yaml", n), src)
		if err != nil {
			return fmt.Errorf("%d keys: %w", n, err)
		}
		r.keys = n
		series = append(series, r)
	}

	w := bufio.NewWriter(stdout)
	render(w, m, *example, ex, series)
	return w.Flush()
}

// A result is one schema's figures: medians over the timed runs.
type result struct {
	keys     int
	wall     time.Duration
	cpu      time.Duration // user + system
	maxRSSKB int64
	schemaB  int
	outB     int
}

type meter struct {
	bin, dir string
	timeV    string // /usr/bin/time, or "" to read rusage
	runs     int
}

// measure writes src to name in m.dir and runs sessiongen on it: one warm-up,
// then m.runs timed runs.
func (m *meter) measure(name string, src []byte) (result, error) {
	schema := filepath.Join(m.dir, name)
	if err := os.WriteFile(schema, src, 0o644); err != nil {
		return result{}, err
	}
	out := strings.TrimSuffix(schema, ".yaml") + "_gen.go"
	var walls, cpus []time.Duration
	var rss []int64
	for i := 0; i <= m.runs; i++ {
		os.Remove(out)
		wall, cpu, kb, err := m.once(name, filepath.Base(out))
		if err != nil {
			return result{}, err
		}
		if i == 0 {
			continue // warm-up: page cache, binary loaded
		}
		walls, cpus, rss = append(walls, wall), append(cpus, cpu), append(rss, kb)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return result{}, fmt.Errorf("no output: %w", err)
	}
	return result{wall: median(walls), cpu: median(cpus), maxRSSKB: median(rss), schemaB: len(src), outB: int(fi.Size())}, nil
}

// once runs sessiongen on schema in m.dir and returns its wall time, CPU
// time and max RSS in KiB.
func (m *meter) once(schema, out string) (wall, cpu time.Duration, maxRSSKB int64, err error) {
	args := []string{m.bin, "-schema", schema, "-o", out}
	if m.timeV != "" {
		args = append([]string{m.timeV, "-v"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = m.dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%v: %w\n%s", args, err, stderr.String())
	}
	ps := cmd.ProcessState
	cpu = ps.UserTime() + ps.SystemTime()
	if m.timeV != "" {
		maxRSSKB, err = timeVMaxRSS(stderr.String())
		return wall, cpu, maxRSSKB, err
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return wall, cpu, -1, nil
	}
	kb := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		kb /= 1024 // bytes there, KiB on Linux
	}
	return wall, cpu, kb, nil
}

// timeVMaxRSS reads "Maximum resident set size (kbytes): N" from the output
// of /usr/bin/time -v.
func timeVMaxRSS(out string) (int64, error) {
	const label = "Maximum resident set size (kbytes):"
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %q in the output of /usr/bin/time -v:\n%s", label, out)
}

func median[T int64 | time.Duration](vs []T) T {
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// keyTypes are the builtin types the generated schemas cycle through.
var keyTypes = []string{
	"string", "int64", "bool", "float64", `"[]string"`, `"map[string]string"`,
	"time.Time", "time.Duration", "int", `"[]int64"`,
}

// defaults holds a default for the types that take one.
var defaults = map[string]string{
	"string": "x", "int64": "0", "bool": "false", "float64": "0.5", "time.Duration": "90s", "int": "3",
}

// Schema returns a schema of one cookie session with n keys: types cycle
// through keyTypes, every 4th key has a doc and every 8th a default where
// its type allows one, so that the schema exercises what real ones use.
// One session holds them all, the worst case for checks that compare keys.
func Schema(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %d keys, written by bench/cmd/genspeed.\npackage: big\nsessions:\n  Big:\n    doc: A session of %d keys.\n    cookie:\n      name: __big\n      maxAge: 24h\n    keys:\n", n, n)
	for i := range n {
		t := keyTypes[i%len(keyTypes)]
		name := fmt.Sprintf("key%05d", i)
		var attrs []string
		if i%4 == 1 {
			attrs = append(attrs, fmt.Sprintf("doc: Key number %d of the schema.", i))
		}
		if d, ok := defaults[t]; ok && i%8 == 0 {
			attrs = append(attrs, "default: "+d)
		}
		if len(attrs) == 0 {
			fmt.Fprintf(&b, "      %s: %s\n", name, t)
			continue
		}
		fmt.Fprintf(&b, "      %s: {type: %s, %s}\n", name, t, strings.Join(attrs, ", "))
	}
	b.WriteString("    flash:\n      notice: string\n")
	return b.Bytes()
}

// countKeys counts the lines of src that declare a key or flash key: the
// entries nested under a "keys:" or "flash:" line. Good enough for the
// example schema's row.
func countKeys(src []byte) int {
	n, in, indent := 0, false, 0
	for line := range strings.Lines(string(src)) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := len(line) - len(strings.TrimLeft(line, " "))
		if trimmed == "keys:" || trimmed == "flash:" {
			in, indent = true, ind
			continue
		}
		if in && ind <= indent {
			in = false
		}
		if in && ind == indent+2 {
			n++
		}
	}
	return n
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func render(w io.Writer, m *meter, examplePath string, ex *result, series []result) {
	rssFrom := "rusage ru_maxrss"
	if m.timeV != "" {
		rssFrom = "/usr/bin/time -v"
	}
	fmt.Fprintf(w, "sessiongen, medians of %d runs after a warm-up (wall time around the process; max RSS from %s).\n\n", m.runs, rssFrom)
	fmt.Fprintln(w, "| schema | keys | schema KB | output KB | wall ms | CPU ms | max RSS MB | wall µs per key | marginal µs per key |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	row := func(name string, r result, marginal string) {
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %s | %s | %.1f | %.0f | %s |\n", name, r.keys,
			float64(r.schemaB)/1024, float64(r.outB)/1024, ms(r.wall), ms(r.cpu), float64(r.maxRSSKB)/1024,
			float64(r.wall)/float64(time.Microsecond)/float64(max(r.keys, 1)), marginal)
	}
	if ex != nil {
		row(filepath.Base(examplePath), *ex, "–")
	}
	for i, r := range series {
		marginal := "–"
		if i > 0 {
			p := series[i-1]
			marginal = fmt.Sprintf("%.0f", float64(r.wall-p.wall)/float64(time.Microsecond)/float64(r.keys-p.keys))
		}
		row(fmt.Sprintf("generated, %d keys", r.keys), r, marginal)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Marginal µs per key: the extra wall time per extra key from the row above; about constant when the cost grows linearly.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Goals (reported, never asserted):")
	fmt.Fprintln(w)
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "not met"
	}
	if ex != nil {
		fmt.Fprintf(w, "- example schema ≤ %v: %s (%s ms)\n", goalExample, met(ex.wall <= goalExample), ms(ex.wall))
	}
	for _, r := range series {
		if r.keys == goalKeys {
			fmt.Fprintf(w, "- %d keys ≤ %v: %s (%s ms)\n", goalKeys, goalKeysMax, met(r.wall <= goalKeysMax), ms(r.wall))
		}
	}
}
