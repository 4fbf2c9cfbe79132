# Sourced by .ci/run (which defines apt_install). Installs Debian's
# PostgreSQL, starts its cluster on 127.0.0.1 only, creates the sessiongen
# role and database and exports SESSIONGEN_POSTGRES_URL for the tests.
# Idempotent: an installed, running server is reused. Can also be run by
# hand as root: bash .ci/setup.d/20-postgres.sh
if ! declare -F apt_install >/dev/null; then
  apt_install() { dpkg -s "$@" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; }
fi
apt_install postgresql

pg_ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_ver main"; then
  pg_createcluster "$pg_ver" main >/dev/null
fi
# Loopback only, on the usual port (a drop-in: Debian's postgresql.conf
# includes conf.d).
mkdir -p "/etc/postgresql/$pg_ver/main/conf.d"
printf "listen_addresses = '127.0.0.1'\nport = 5432\n" >"/etc/postgresql/$pg_ver/main/conf.d/sessiongen.conf"
if ! pg_lsclusters -h | awk -v v="$pg_ver" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  pg_ctlcluster "$pg_ver" main start
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.5
done
runuser -u postgres -- psql -q -p 5432 -d postgres -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE sessiongen LOGIN PASSWORD ''sessiongen'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sessiongen') \gexec
SELECT 'CREATE DATABASE sessiongen OWNER sessiongen'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'sessiongen') \gexec
SQL
export SESSIONGEN_POSTGRES_URL="postgres://sessiongen:sessiongen@127.0.0.1:5432/sessiongen?sslmode=disable"
PGPASSWORD=sessiongen psql "$SESSIONGEN_POSTGRES_URL" -tAc 'select version()'
