# Sourced by .ci/run after the tests: loadtest/ is its own Go module (it
# needs a Redis client, which the core must not), so the root's go vet does
# not reach it; its test ran in .ci/run's ./test.sh.
echo "== loadtest module: go vet, go mod tidy -diff"
(
  cd loadtest
  go vet ./...
  go mod tidy -diff
)
