# Sourced by .ci/run after the tests. The bench/ module has its own go.mod
# (the peers it compares with never enter the main module), so the main
# run's go vet and go test do not reach it: this keeps it vetted, compiling
# and running. Benchmarks run 100 iterations each, a few seconds in all;
# nothing here checks a timing. Its tests (scenarios commit what they
# claim, sessiongen loses no concurrent write) ran in .ci/run's ./test.sh.
(
  cd bench
  echo "== bench: go vet"
  go vet ./...
  echo "== bench: benchmarks, briefly"
  bench_out=$(mktemp)
  go test -run '^$' -bench . -benchmem -benchtime=100x -count 1 . | tee "$bench_out"
  go run ./cmd/benchtable "$bench_out"
  rm -f "$bench_out"
)
