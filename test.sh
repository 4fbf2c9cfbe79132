#!/usr/bin/env bash
# Runs the tests of every Go module in the repository: the root module and
# each directory below it with a go.mod of its own (redisstore/, bench/ and
# any added later), found afresh on each run; node_modules, testdata and
# hidden directories are skipped. Arguments go to every go test, e.g.
#   ./test.sh -race -count=1
#   ./test.sh -run MySQL
# `go test ./...` alone stops at the first nested go.mod. A go.work would
# reach them too, but would build the core module's tests with the highest
# version of each dependency that any module requires (bench/ pulls in
# gorilla and scs), which is not what the core's users get, and it would
# have to list every module. Every module is run, and the exit status is
# non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")"
failed=()
while IFS= read -r mod; do
  dir=$(dirname "$mod")
  echo "== go test $* ./... (module ${dir#./})"
  (cd "$dir" && go test "$@" ./...) || failed+=("${dir#./}")
done < <(find . \( -name node_modules -o -name testdata -o -name '.?*' \) -prune -o -name go.mod -print | sort)
if [ ${#failed[@]} -gt 0 ]; then
  echo "== failed in: ${failed[*]}"
  exit 1
fi
