package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n"
	if got := parseCPUModel(info); got != "AMD EPYC 7B13" {
		t.Errorf("parseCPUModel = %q", got)
	}
	if got := parseCPUModel("processor\t: 0\n"); got != "unknown" {
		t.Errorf("parseCPUModel without a model name = %q, want unknown", got)
	}
}

func TestParseLoadAverage(t *testing.T) {
	if got := parseLoadAverage("0.55 0.77 1.48 2/345 6789\n"); got != "0.55 0.77 1.48" {
		t.Errorf("parseLoadAverage = %q", got)
	}
	if got := parseLoadAverage(""); got != "unknown" {
		t.Errorf("parseLoadAverage of nothing = %q, want unknown", got)
	}
}

// The header names the command that reproduces the run, the machine, and
// each service's rows as measured or skipped.
func TestHeader(t *testing.T) {
	var b strings.Builder
	m := machine{nproc: 2, cpu: "Test CPU", goVersion: "go1.26.8 linux/amd64", loadBefore: "0.5 0.6 0.7", loadAfter: "1.0 0.8 0.7", took: 90 * time.Second}
	writeHeader(&b, config{rounds: 3, benchtime: "100x", overheadBenchtime: "1s"}, m, []service{
		{"Redis (impl=x)", "SESSIONGEN_REDIS_ADDR", true},
		{"PostgreSQL (impl=y)", "SESSIONGEN_POSTGRES_URL", false},
	})
	got := b.String()
	for _, want := range []string{
		"`go run ./cmd/benchrun -rounds 3 -benchtime 100x -overhead-benchtime 1s`",
		"nproc 2; CPU \"Test CPU\"; go1.26.8 linux/amd64; load average (1, 5, 15 min) 0.5 0.6 0.7 before, 1.0 0.8 0.7 after",
		"in 1m30s",
		"- Redis (impl=x): measured ($SESSIONGEN_REDIS_ADDR is set).",
		"- PostgreSQL (impl=y): skipped ($SESSIONGEN_POSTGRES_URL is unset).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("header lacks %q:\n%s", want, got)
		}
	}
}

func TestBadRounds(t *testing.T) {
	if err := run([]string{"-rounds", "0"}, new(strings.Builder), new(strings.Builder)); err == nil {
		t.Error("no error for -rounds 0")
	}
}

// A round runs every benchmark the report has a table for, each in its
// process, and no other.
func TestRoundBenchmarks(t *testing.T) {
	processes := []*regexp.Regexp{regexp.MustCompile(mainBench), regexp.MustCompile(overheadBench), regexp.MustCompile(parallelBench)}
	for name, want := range map[string]int{
		"BenchmarkRead": 0, "BenchmarkWrite": 0, "BenchmarkRoundTrip": 0, "BenchmarkStoreRatio": 0,
		"BenchmarkLostWrites": 0, "BenchmarkHTTP": 0, "BenchmarkHTTPOverhead": 1, "BenchmarkParallel": 2,
		"BenchmarkHTTPS": -1,
	} {
		for i, re := range processes {
			if re.MatchString(name) != (i == want) {
				t.Errorf("%s: run in process %d: %v, want only in %d", name, i, re.MatchString(name), want)
			}
		}
	}
}
