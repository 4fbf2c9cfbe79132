# Sourced by .ci/run: headless Chromium for the example app's real-browser
# tests (examples/webapp/browser_test.go). Debian's chromium package; the
# Liberation fonts give screenshots real glyphs. Idempotent: apt_install
# installs only what is missing. Also runs on its own, as root:
#   bash .ci/setup.d/40-chromium.sh
if ! declare -F apt_install >/dev/null; then
  apt_install() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  }
fi
apt_install chromium fonts-liberation
export SESSIONGEN_CHROMIUM=/usr/bin/chromium
# The launcher script warns on stderr about /dev/shm; only the version matters.
"$SESSIONGEN_CHROMIUM" --version 2>/dev/null
