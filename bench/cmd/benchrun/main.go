// Command benchrun measures everything the bench module measures, in one
// command, and prints the Markdown report (through benchtable) that
// bench/README.md's figures come from.
//
// Usage (from bench/):
//
//	go run ./cmd/benchrun [-rounds 5] [-benchtime 0.2s] [-overhead-benchtime 1s] [-raw out.txt]
//
// It builds the module's test binary once, then runs -rounds interleaved
// rounds; each round runs, in one process, BenchmarkRead, BenchmarkWrite,
// BenchmarkRoundTrip, BenchmarkStoreRatio, BenchmarkLostWrites and
// BenchmarkHTTP (every implementation one after the other, -benchmem),
// then BenchmarkHTTPOverhead (the HTTP implementations interleaved per
// request, -overhead-benchtime per handler) in a second process and
// BenchmarkParallel with -cpu 1,2 in a third. A round thus measures every
// implementation within seconds of the others, and benchtable takes the
// median of the ratios within each round. The Redis rows run when
// SESSIONGEN_REDIS_ADDR is set and the PostgreSQL rows when
// SESSIONGEN_POSTGRES_URL is; the report says which were skipped. It also
// records the machine: the number of CPUs, the CPU model, the Go version
// and the load average before and after the run.
//
// The run is bounded: -benchtime per benchmark (about a minute a round at
// the default on a 2-core machine), and -timeout for the whole. Progress
// goes to standard error, the report to standard output; -raw keeps the
// benchmark output (benchstat reads it too). Nothing asserts a timing.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// The benchmarks of a round: the first process runs mainBench at the
// machine's GOMAXPROCS, the second overheadBench (with a -benchtime of its
// own), the third parallelBench at each of parallelCPU.
const (
	benchModule   = "github.com/sessiongen/sessiongen/bench"
	mainBench     = "^Benchmark(Read|Write|RoundTrip|StoreRatio|LostWrites|HTTP)$"
	overheadBench = "^BenchmarkHTTPOverhead$"
	parallelBench = "^BenchmarkParallel$"
	parallelCPU   = "1,2"
)

type config struct {
	rounds    int
	benchtime string
	// overheadBenchtime is BenchmarkHTTPOverhead's -benchtime: each of its
	// iterations is a request to each of five servers, and the medians of
	// each want more requests than -benchtime gives the others.
	overheadBenchtime string
	timeout           time.Duration
	raw               string
	table             string // extra benchtable flags, space-separated
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.rounds, "rounds", 5, "interleaved rounds")
	fs.StringVar(&c.benchtime, "benchtime", "0.2s", "go test -benchtime of each benchmark in a round (a duration, or Nx iterations)")
	fs.StringVar(&c.overheadBenchtime, "overhead-benchtime", "1s", "go test -benchtime of BenchmarkHTTPOverhead in a round, per handler")
	fs.DurationVar(&c.timeout, "timeout", 15*time.Minute, "stop the whole run after this long")
	fs.StringVar(&c.raw, "raw", "", "also write the benchmark output to this file")
	fs.StringVar(&c.table, "table", "", "extra flags for benchtable, space-separated (e.g. \"-raw\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.rounds < 1 {
		return errors.New("-rounds must be at least 1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "benchrun-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	if mod, err := exec.CommandContext(ctx, "go", "list", "-m").Output(); err != nil || strings.TrimSpace(string(mod)) != benchModule {
		return fmt.Errorf("run it in the bench module's directory (bench/): go list -m says %q", strings.TrimSpace(string(mod)))
	}
	m := describeMachine(ctx)
	m.loadBefore = loadAverage()
	fmt.Fprintln(stderr, "benchrun: building the test binary and benchtable")
	testBin, tableBin := filepath.Join(dir, "bench.test"), filepath.Join(dir, "benchtable")
	if err := goCmd(ctx, stderr, "test", "-c", "-o", testBin, "."); err != nil {
		return err
	}
	if err := goCmd(ctx, stderr, "build", "-o", tableBin, "./cmd/benchtable"); err != nil {
		return err
	}
	start := time.Now()
	out, err := rounds(ctx, c, testBin, stderr)
	if err != nil {
		return err
	}
	m.loadAfter = loadAverage()
	m.took = time.Since(start)
	if c.raw != "" {
		if err := os.WriteFile(c.raw, out, 0o644); err != nil {
			return err
		}
	}
	rawFile := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(rawFile, out, 0o644); err != nil {
		return err
	}
	var report bytes.Buffer
	tableArgs := append(strings.Fields(c.table), rawFile)
	table := exec.CommandContext(ctx, tableBin, tableArgs...)
	table.Stdout, table.Stderr = &report, stderr
	if err := table.Run(); err != nil {
		return fmt.Errorf("benchtable: %w", err)
	}
	writeHeader(stdout, c, m, services())
	_, err = stdout.Write(report.Bytes())
	return err
}

// goCmd runs the go command in the current directory (the bench module).
func goCmd(ctx context.Context, stderr io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// rounds runs the benchmarks c.rounds times and returns their output.
func rounds(ctx context.Context, c config, testBin string, stderr io.Writer) ([]byte, error) {
	var out bytes.Buffer
	for r := 1; r <= c.rounds; r++ {
		for _, b := range []struct{ bench, benchtime, cpu string }{
			{mainBench, c.benchtime, ""},
			{overheadBench, c.overheadBenchtime, ""},
			{parallelBench, c.benchtime, parallelCPU},
		} {
			fmt.Fprintf(stderr, "benchrun: round %d of %d: %s %s\n", r, c.rounds, b.bench, b.cpu)
			args := []string{"-test.run", "^$", "-test.bench", b.bench, "-test.benchmem",
				"-test.benchtime", b.benchtime, "-test.timeout", c.timeout.String()}
			if b.cpu != "" {
				args = append(args, "-test.cpu", b.cpu)
			}
			if err := runTest(ctx, testBin, args, &out, stderr); err != nil {
				return nil, err
			}
		}
	}
	return out.Bytes(), nil
}

// runTest runs the test binary and appends its standard output to out;
// its standard error (the lines saying which rows are skipped) goes to
// stderr once, in the first round.
func runTest(ctx context.Context, testBin string, args []string, out *bytes.Buffer, stderr io.Writer) error {
	var o bytes.Buffer
	cmd := exec.CommandContext(ctx, testBin, args...)
	cmd.Stdout, cmd.Stderr = &o, stderr
	err := cmd.Run()
	out.Write(o.Bytes())
	if err != nil {
		tail := o.Bytes()
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(testBin), strings.Join(args, " "), err, tail)
	}
	return nil
}

// A service is a server some rows need, found through its variable.
type service struct {
	rows, env string
	set       bool
}

func services() []service {
	ss := []service{
		{"Redis (impl=sessiongen-server-redis, impl=redis-bare)", "SESSIONGEN_REDIS_ADDR", false},
		{"PostgreSQL (impl=sessiongen-server-postgres, impl=pgx-bare)", "SESSIONGEN_POSTGRES_URL", false},
	}
	for i := range ss {
		ss[i].set = os.Getenv(ss[i].env) != ""
	}
	return ss
}

// A machine is what the report says of the machine and the run.
type machine struct {
	nproc                 int
	cpu, goVersion        string
	loadBefore, loadAfter string
	took                  time.Duration
}

func describeMachine(ctx context.Context) machine {
	m := machine{nproc: runtime.NumCPU(), cpu: cpuModel()}
	v, err := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOOS", "GOARCH").Output()
	if f := strings.Fields(string(v)); err == nil && len(f) == 3 {
		m.goVersion = f[0] + " " + f[1] + "/" + f[2]
	} else {
		m.goVersion = runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	}
	return m
}

// cpuModel returns the "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	return parseCPUModel(string(b))
}

func parseCPUModel(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage returns the 1-, 5- and 15-minute load averages of
// /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return parseLoadAverage(string(b))
}

func parseLoadAverage(s string) string {
	f := strings.Fields(s)
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// writeHeader says how, where and when the figures below were measured,
// and which rows were skipped.
func writeHeader(w io.Writer, c config, m machine, ss []service) {
	fmt.Fprintf(w, "Measured with `go run ./cmd/benchrun -rounds %d -benchtime %s -overhead-benchtime %s` in bench/ (interleaved rounds: %d; BenchmarkParallel with -cpu %s), %s, in %s.\n\n",
		c.rounds, c.benchtime, c.overheadBenchtime, c.rounds, parallelCPU, time.Now().UTC().Format("2006-01-02 15:04 MST"), m.took.Round(time.Second))
	fmt.Fprintf(w, "Machine: nproc %d; CPU %q; %s; load average (1, 5, 15 min) %s before, %s after.\n\n",
		m.nproc, m.cpu, m.goVersion, m.loadBefore, m.loadAfter)
	for _, s := range ss {
		if s.set {
			fmt.Fprintf(w, "- %s: measured ($%s is set).\n", s.rows, s.env)
		} else {
			fmt.Fprintf(w, "- %s: skipped ($%s is unset).\n", s.rows, s.env)
		}
	}
	fmt.Fprintln(w)
}
