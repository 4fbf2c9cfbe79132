# Sourced by .ci/run after the main module's tests: redisstore is its own Go
# module (so the core stays free of a Redis client), which `go test ./...`
# at the root does not enter.
echo "== redisstore module: gofmt, go vet, go test -race"
(
  cd redisstore
  unformatted=$(gofmt -l .)
  if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
  go vet ./...
  go test -race -count=1 ./...
)
