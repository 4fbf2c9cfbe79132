# Sourced by .ci/run (which defines apt_install). Starts a Redis Cluster of
# 3 masters and 3 replicas on 127.0.0.1, ports 7000-7005 (cluster bus on
# 17000-17005), without persistence, data and logs in
# /tmp/sessiongen-redis-cluster, and exports
#   SESSIONGEN_REDIS_CLUSTER_ADDRS=127.0.0.1:7000,...,127.0.0.1:7005
# (comma-separated seeds) for the tests. Idempotent: running nodes are
# reused, and the cluster is created (redis-cli --cluster create) only
# when node 7000 knows no other node. Can also be run by hand:
#   bash .ci/setup.d/35-redis-cluster.sh
# Remove it with: redis-cli -p 7000..7005 shutdown nosave, then
# rm -rf /tmp/sessiongen-redis-cluster.
if ! declare -F apt_install >/dev/null; then
  apt_install() { dpkg -s "$@" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; }
fi
apt_install redis-server

cluster_dir=/tmp/sessiongen-redis-cluster
cluster_ports=(7000 7001 7002 7003 7004 7005)
cluster_addrs=()
for p in "${cluster_ports[@]}"; do
  cluster_addrs+=("127.0.0.1:$p")
  if ! redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null | grep -q PONG; then
    mkdir -p "$cluster_dir/$p"
    redis-server --bind 127.0.0.1 --port "$p" --daemonize yes --save '' --appendonly no \
      --cluster-enabled yes --cluster-config-file "$cluster_dir/$p/nodes.conf" \
      --cluster-node-timeout 5000 --dir "$cluster_dir/$p" \
      --logfile "$cluster_dir/$p/log" --pidfile "$cluster_dir/$p/pid"
  fi
done
for p in "${cluster_ports[@]}"; do
  for _ in $(seq 1 60); do
    redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null | grep -q PONG && break
    sleep 0.25
  done
done
cluster_info() { redis-cli -h 127.0.0.1 -p 7000 cluster info 2>/dev/null | tr -d '\r'; }
if cluster_info | grep -q '^cluster_known_nodes:1$'; then
  redis-cli --cluster create "${cluster_addrs[@]}" --cluster-replicas 1 --cluster-yes >"$cluster_dir/create.log" 2>&1 ||
    { cat "$cluster_dir/create.log"; return 1 2>/dev/null || exit 1; }
fi
for _ in $(seq 1 120); do
  cluster_info | grep -q '^cluster_state:ok$' && break
  sleep 0.25
done
cluster_info | grep -q '^cluster_state:ok$' || { echo "redis cluster on ${cluster_ports[0]}: $(cluster_info | head -1)"; return 1 2>/dev/null || exit 1; }
SESSIONGEN_REDIS_CLUSTER_ADDRS=$(IFS=,; echo "${cluster_addrs[*]}")
export SESSIONGEN_REDIS_CLUSTER_ADDRS
echo "redis cluster ($(cluster_info | sed -n 's/^cluster_size://p') masters) at $SESSIONGEN_REDIS_CLUSTER_ADDRS"
