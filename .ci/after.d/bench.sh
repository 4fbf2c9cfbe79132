# Sourced by .ci/run after the tests. The bench/ module has its own go.mod
# (the peers it compares with never enter the main module), so the main
# run's go vet and go test do not reach it: this keeps it vetted, compiling
# and running. Benchmarks run 100 iterations each, a few seconds in all;
# nothing here checks a timing. The tests (scenarios commit what they claim,
# sessiongen loses no concurrent write) run last, with -race.
(
  cd bench
  # The bench module replaces the main module with ../, so a dependency
  # added there must be in bench/go.sum too. Say so, and tidy for this run
  # rather than fail the main module's change.
  if ! go mod tidy -diff >/dev/null 2>&1; then
    echo "== bench: go.mod/go.sum lag behind the main module; run 'go mod tidy' in bench/ (tidied for this run)"
    go mod tidy
  fi
  echo "== bench: go vet"
  go vet ./...
  echo "== bench: benchmarks, briefly"
  bench_out=$(mktemp)
  go test -run '^$' -bench . -benchmem -benchtime=100x -count 1 . | tee "$bench_out"
  go run ./cmd/benchtable "$bench_out"
  rm -f "$bench_out"
  echo "== bench: go test -race"
  go test -race -count=1 ./...
)
