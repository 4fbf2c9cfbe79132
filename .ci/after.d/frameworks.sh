# Sourced by .ci/run after the main module's tests. The framework adapters
# and examples, and the migration example, are Go modules of their own (so
# that the core never depends on a web framework or an older session
# library), which `go test ./...` at the root does not enter; their tests
# ran in .ci/run's ./test.sh. Each test runs the framework's real server on
# loopback; none needs a service.
for mod in examples/chi examples/echo adapters/gin adapters/fiber examples/migrate; do
  [ -f "$mod/go.mod" ] || continue
  echo "== $mod module: gofmt, go mod tidy -diff, go vet"
  (
    cd "$mod"
    unformatted=$(gofmt -l .)
    if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
    go mod tidy -diff
    go vet ./...
  )
done
