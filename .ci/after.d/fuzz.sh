# Sourced by .ci/run after the tests. Runs each fuzz target for a bounded
# time (FUZZTIME, default 20s) from its seeds and committed corpus
# (testdata/fuzz/<Target>/ of its package), and prints go test's progress
# lines with the executions count. go test -fuzz takes one target and one
# package per run. A finding fails CI: go test writes the input to
# testdata/fuzz/<Target>/ and prints it; commit it as a regression case.
(
  fuzztime="${FUZZTIME:-20s}"
  out=$(mktemp)
  for target in \
    ./runtime:FuzzSignedCookie \
    ./runtime:FuzzEncryptedCookie \
    ./generator:FuzzLoad \
    ./golden/types:FuzzTypedRoundTrip; do
    pkg="${target%%:*}" name="${target##*:}"
    echo "== fuzz: $name ($pkg, $fuzztime)"
    if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$out" 2>&1; then
      tail -n 60 "$out"
      echo "fuzz: $name failed (a finding is saved under $pkg/testdata/fuzz/$name/)"
      rm -f "$out"
      exit 1
    fi
    grep -E '^fuzz: elapsed: .*execs' "$out" | tail -n 1
    tail -n 1 "$out"
  done
  rm -f "$out"
)
