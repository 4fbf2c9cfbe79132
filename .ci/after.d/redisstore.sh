# Sourced by .ci/run after the main module's tests: redisstore is its own Go
# module (so the core stays free of a Redis client), which `go test ./...`
# at the root does not enter; its tests ran in .ci/run's ./test.sh. They use SESSIONGEN_REDIS_ADDR
# (30-redis.sh) and SESSIONGEN_REDIS_CLUSTER_ADDRS (35-redis-cluster.sh);
# under CI=true a missing one fails them. TestClusterOutage starts a private
# throwaway cluster of its own.
echo "== redisstore module: gofmt, go vet"
(
  cd redisstore
  unformatted=$(gofmt -l .)
  if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
  go vet ./...
)
