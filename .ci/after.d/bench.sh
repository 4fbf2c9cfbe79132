# Sourced by .ci/run after the tests. The bench/ module has its own go.mod
# (the peers it compares with never enter the main module), so the main
# run's go vet and go test do not reach it: this keeps it vetted, compiling
# and running. The bench's one command (cmd/benchrun) runs one round of
# every benchmark at 100 iterations each (BenchmarkParallel at -cpu 1,2;
# the Redis and PostgreSQL rows through SESSIONGEN_REDIS_ADDR and
# SESSIONGEN_POSTGRES_URL, which .ci/setup.d exports) and pipes it through
# benchtable, so both run on real output, every table included; well under
# a minute, and nothing here checks a timing. Its tests (scenarios commit
# what they claim, sessiongen loses no concurrent write, pgx-bare sends
# sqlstore's statements) ran in .ci/run's ./test.sh.
(
  cd bench
  echo "== bench: go vet"
  go vet ./...
  echo "== bench: allocations per operation (without -race, which changes them)"
  go test -count=1 -run '^TestAllocations$' .
  echo "== bench: go run ./cmd/benchrun, one round of 100 iterations a benchmark"
  go run ./cmd/benchrun -rounds 1 -benchtime 100x -overhead-benchtime 100x -timeout 5m
)
