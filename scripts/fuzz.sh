#!/usr/bin/env bash
# Runs every fuzz target of the module in turn, each for SECONDS (default 60), and prints a
# table: target, package, seconds run, executions, new interesting inputs, result.
#
#   scripts/fuzz.sh 600            ten minutes per target
#   scripts/fuzz.sh 180 FuzzCheck  only the targets named
#
# A target that fails leaves its input under the package's testdata/fuzz/<target>/ (go test
# writes it there); re-run it with `go test ./PKG -run <target>/<file>`, fix the bug and keep
# the file: from then on `go test ./...` runs it as a seed. CI runs only the seeds.
#
# New inputs are minimized for at most 20 executions (-fuzzminimizetime 20x): FuzzCheck reaches
# much of excelize, so nearly every input is "new coverage", and the default of a minute each
# would leave no time to fuzz. Each target's log is kept in $FUZZ_LOGS (default a temporary
# folder, printed at the end).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
only=("$@")
logs=${FUZZ_LOGS:-$(mktemp -d)}
mkdir -p "$logs"

# Every "func FuzzX(f *testing.F)" in a _test.go file, as "package-dir target".
mapfile -t targets < <(grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . |
  sed -E 's#^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort)

printf '| %-18s | %-16s | %7s | %10s | %8s | %-40s |\n' target package seconds execs "new" result
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------" "------------------" "---------" "------------" "----------" "------------------------------------------"
status=0
for t in "${targets[@]}"; do
  read -r dir name <<<"$t"
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then
    continue
  fi
  log="$logs/$name.log"
  start=$(date +%s)
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" -fuzzminimizetime 20x "./$dir" >"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -1)
  execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
  new=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
  if [ $rc -eq 0 ]; then
    result=PASS
  elif grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
    # go test reports the -fuzztime deadline passing while a worker minimizes as a failure,
    # with no input: nothing was found.
    result="PASS (deadline during minimization)"
  else
    status=1
    input=$(sed -nE 's/.*Failing input written to (.*)/\1/p' "$log" | head -1)
    result="FAIL ${input:-see $log}"
  fi
  printf '| %-18s | %-16s | %7s | %10s | %8s | %-40s |\n' "$name" "$dir" "$took" "${execs:-?}" "${new:-?}" "$result"
done
echo "logs: $logs"
exit $status
