# Sourced by .ci/run (which defines apt_install). Installs Debian's Redis,
# starts a server on 127.0.0.1:6379 without persistence and exports
# SESSIONGEN_REDIS_ADDR for the tests. Idempotent: a running server is
# reused. Can also be run by hand: bash .ci/setup.d/30-redis.sh
if ! declare -F apt_install >/dev/null; then
  apt_install() { dpkg -s "$@" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; }
fi
apt_install redis-server

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
    --logfile /tmp/sessiongen-redis.log --pidfile /tmp/sessiongen-redis.pid
  for _ in $(seq 1 60); do
    redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break
    sleep 0.25
  done
fi
export SESSIONGEN_REDIS_ADDR=127.0.0.1:6379
echo "redis $(redis-cli -h 127.0.0.1 -p 6379 info server | sed -n 's/^redis_version://p' | tr -d '\r') at $SESSIONGEN_REDIS_ADDR"
