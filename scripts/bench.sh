#!/usr/bin/env bash
# Scale benchmark of the reporting cycle: for each registry size (reporting units; the shipped
# plan's 87 tasks, made-up towns added by `planreport demo --units N`), time templates,
# collect and report on 2023Q4, and read the same returned files with openpyxl in read-only
# mode as a baseline. Prints a table: wall seconds and peak memory (max RSS) of each stage.
#
#   scripts/bench.sh            sizes 80 and 1000
#   scripts/bench.sh 80 1000 10000
#
# RUNS=N sets the runs per stage (default 5; the median is shown); VERBOSE=1 prints every run.
# Each run starts after sync(1), so that it does not pay for writing what ran before it.
# Needs /usr/bin/time (Debian package time), bc and, for the baseline, /usr/bin/python3 with
# python3-openpyxl. Run it on an otherwise idle machine: other load inflates wall times.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(80 1000)
tmp=$(mktemp -d)
ratios=()
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/planreport"
go build -o "$bin" ./cmd/planreport

# measure NAME CMD...: runs CMD $runs times, prints the median wall time (ms resolution) and
# the largest RSS, and leaves the median in $median.
runs=${RUNS:-5}
measure() {
  local name=$1; shift
  local walls=() rss=0 start end kb
  for _ in $(seq "$runs"); do
    [ -n "${reset:-}" ] && eval "$reset"
    sync # each run starts with nothing left to write from the one before (collect syncs to disk)
    start=$EPOCHREALTIME # bash's clock: no process to start, unlike date
    /usr/bin/time -f "%M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
    end=$EPOCHREALTIME
    read -r kb < "$tmp/t"
    walls+=("$(echo "($end - $start) * 1000 / 1" | bc)"); [ "$kb" -gt "$rss" ] && rss=$kb
  done
  [ -n "${VERBOSE:-}" ] && echo "  $name: ${walls[*]}" >&2
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '| %6s | %-28s | %8.3f | %7d |\n' "$units" "$name" "$(echo "$median / 1000" | bc -l)" "$((rss / 1024))"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); go $(go env GOVERSION)"
printf '| %6s | %-28s | %8s | %7s |\n' units stage "wall s" "RSS MB"
printf '|%s|%s|%s|%s|\n' "--------" "------------------------------" "----------" "---------"
for units in "${sizes[@]}"; do
  ws="$tmp/ws$units"
  "$bin" demo --units "$units" "$ws" >/dev/null
  files=("$ws"/2023Q4/收件/*.xlsx)
  reset="rm -rf '$ws/2023Q4/模板'"
  measure templates "$bin" templates -w "$ws" --period 2023Q4 --due 2024-01-08
  reset="rm -rf '$ws/2023Q4/归档' '$ws/2023Q4/反馈' '$ws/2023Q4/收件记录.json' '$ws/2023Q4/检查结果.xlsx'"
  measure "collect (${#files[@]} files)" "$bin" collect -w "$ws" --period 2023Q4
  collect=$median
  reset=""
  measure "report" "$bin" report -w "$ws" --period 2023Q4 --date 2024-01-15
  if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    measure "openpyxl read-only baseline" /usr/bin/python3 scripts/openpyxl_read.py "${files[@]}"
    ratios+=("$units units: collect $(echo "scale=1; $median / $collect" | bc)x faster than the openpyxl baseline")
  fi
done
printf '%s\n' "${ratios[@]}"
