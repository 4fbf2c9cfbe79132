# Sourced by .ci/run (which defines apt_install). Makes sure Node and npm
# are there and installs the pinned react-router and typescript for the live
# interop and tsc tests (interop/, from interop/package-lock.json) and for
# the pair example's Node side (examples/pair/web). Idempotent: npm ci
# replaces each node_modules with exactly the locked packages.
# Can also be run by hand as root: bash .ci/setup.d/10-node.sh
if ! declare -F apt_install >/dev/null; then
  apt_install() { dpkg -s "$@" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; }
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
echo "node $(node --version), npm $(npm --version)"
sg_root="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
for dir in interop examples/pair/web; do
  (cd "$sg_root/$dir" && npm ci --no-audit --no-fund)
done
