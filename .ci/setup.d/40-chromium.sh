# Sourced by .ci/run: headless Chromium for the example app's real-browser
# tests (examples/webapp/browser_test.go). Debian's chromium package; the
# Liberation fonts give screenshots real glyphs. Idempotent: apt_install
# installs only what is missing.
apt_install chromium fonts-liberation
export SESSIONGEN_CHROMIUM=/usr/bin/chromium
"$SESSIONGEN_CHROMIUM" --version 2>/dev/null || { echo "chromium did not start: $SESSIONGEN_CHROMIUM --version failed" >&2; return 1; }
