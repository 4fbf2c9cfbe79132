# Sourced by .ci/run (which defines apt_install). Installs Debian's MariaDB,
# starts a server of its own on 127.0.0.1:3306 (data directory and socket
# under /var/lib/sessiongen-mariadb, not the package's), creates the
# sessiongen user and database and exports SESSIONGEN_MYSQL_DSN (a
# go-sql-driver DSN) for the tests. Idempotent: a running server is reused.
# Can also be run by hand as root: bash .ci/setup.d/25-mariadb.sh
if ! declare -F apt_install >/dev/null; then
  apt_install() { dpkg -s "$@" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; }
fi
apt_install mariadb-server

mariadb_dir=/var/lib/sessiongen-mariadb
mariadb_sock="$mariadb_dir/mysqld.sock"
mariadb_ping() { mariadb-admin --no-defaults --protocol=socket --socket="$mariadb_sock" -uroot ping >/dev/null 2>&1; }
if ! mariadb_ping; then
  if [ ! -d "$mariadb_dir/data/mysql" ]; then
    mkdir -p "$mariadb_dir"
    mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
      --datadir="$mariadb_dir/data" --user=root >/dev/null
  fi
  # A server of its own: --no-defaults ignores the package's my.cnf (and
  # whatever socket or port it names); loopback only. The server's charset
  # is latin1 on purpose, as on many installations: the store's DDL must
  # declare what it needs rather than inherit it.
  mariadbd --no-defaults --user=root --bind-address=127.0.0.1 --port=3306 \
    --datadir="$mariadb_dir/data" --socket="$mariadb_sock" --pid-file="$mariadb_dir/mariadbd.pid" \
    --log-error="$mariadb_dir/error.log" --skip-name-resolve \
    --character-set-server=latin1 >/dev/null 2>&1 &
  disown
  for _ in $(seq 1 120); do
    mariadb_ping && break
    sleep 0.5
  done
fi
mariadb --no-defaults --protocol=socket --socket="$mariadb_sock" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS sessiongen;
CREATE USER IF NOT EXISTS 'sessiongen'@'127.0.0.1' IDENTIFIED BY 'sessiongen';
GRANT ALL ON sessiongen.* TO 'sessiongen'@'127.0.0.1';
SQL
export SESSIONGEN_MYSQL_DSN="sessiongen:sessiongen@tcp(127.0.0.1:3306)/sessiongen?interpolateParams=true"
echo "mariadb $(mariadb --no-defaults --protocol=socket --socket="$mariadb_sock" -uroot -N -e 'select version()') at 127.0.0.1:3306"
