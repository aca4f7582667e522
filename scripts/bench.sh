#!/usr/bin/env bash
# Scale benchmark of the reporting cycle: for each registry size (reporting units; the shipped
# plan's 87 tasks, made-up towns added by `planreport demo --units N`), time templates,
# collect and report on 2023Q4, and an openpyxl script that reads the same returned files in
# read-only mode and writes them into one combined sheet, as a baseline for collect. Prints a table: median wall seconds and peak memory (max RSS) of each
# stage, and the whole cycle (templates + collect + report).
#
#   scripts/bench.sh                  sizes 80 and 1000
#   scripts/bench.sh 80 1000 10000
#   scripts/bench.sh 80 1000 10000:1 a size's own number of runs after a colon (here one at
#                                     10,000, where a run of every stage takes minutes)
#   OLD=921eb24 scripts/bench.sh      also the planreport of that commit, side by side: the
#                                     two binaries run in turn, each on its own copy of the
#                                     same workspace (their caches' formats may differ)
#   NEW=8225741 OLD=921eb24 ...       "new" built from a commit too, instead of this tree
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
# (each step of the clean-up may fail without failing the script: set -e holds in a trap too)
trap 'git worktree remove --force "$tmp/old-src" 2>/dev/null || true; git worktree remove --force "$tmp/new-src" 2>/dev/null || true; rm -rf "$tmp"' EXIT
declare -A bins
bins[new]="$tmp/planreport-new"
if [ -n "${NEW:-}" ]; then
  git worktree add --detach -q "$tmp/new-src" "$NEW"
  (cd "$tmp/new-src" && go build -o "${bins[new]}" ./cmd/planreport)
else
  go build -o "${bins[new]}" ./cmd/planreport
fi
names=(new)
if [ -n "${OLD:-}" ]; then
  git worktree add --detach -q "$tmp/old-src" "$OLD"
  (cd "$tmp/old-src" && go build -o "$tmp/planreport-old" ./cmd/planreport)
  bins[old]="$tmp/planreport-old"
  names=(old new)
fi

runs=${RUNS:-5}
# set_aside PATH...: moves what a stage wrote out of its way before the next run, into a folder
# removed when the script ends. Deleting thousands of files just before a run made that run
# pay for them: ext4 then passes over the inodes it has just freed one by one when it creates
# files (recently_deleted, a quarter of collect's CPU at 1,000 units), which an office that
# never deletes its archive does not pay.
set_aside() {
  local p
  for p in "$@"; do
    [ -e "$p" ] || continue
    mkdir -p "$tmp/aside"
    mv "$p" "$(mktemp -d "$tmp/aside/XXXXXX")/"
  done
}
# once WALLVAR RSSVAR CMD...: one timed run after $reset (with $WS the binary's workspace)
# and sync; appends ms and KB.
once() {
  local wv=$1 rv=$2; shift 2
  [ -n "${reset:-}" ] && eval "$reset"
  sync # each run starts with nothing left to write from the one before (collect syncs to disk)
  local start end kb
  start=$EPOCHREALTIME # bash's clock: no process to start, unlike date
  /usr/bin/time -f "%M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
  end=$EPOCHREALTIME
  read -r kb < "$tmp/t"
  eval "$wv+=(\"\$(echo \"(\$end - \$start) * 1000 / 1\" | bc)\")"
  eval "[ $kb -gt \${$rv:-0} ] && $rv=$kb || true"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
row() { printf '| %6s | %-34s | %8.3f | %7d |\n' "$1" "$2" "$(echo "$3 / 1000" | bc -l)" "$(($4 / 1024))"; }

# stage NAME ARGS...: runs planreport ARGS with each binary in turn, $runs times, @WS@ in
# ARGS standing for that binary's workspace, and prints a row per binary; leaves the medians
# in med_<binary>.
stage() {
  local name=$1; shift
  local b i
  for b in "${names[@]}"; do eval "w_$b=(); r_$b=0"; done
  for i in $(seq "$runs"); do
    local order=("${names[@]}")
    [ $((i % 2)) -eq 0 ] && [ ${#names[@]} -eq 2 ] && order=(new old) # in turn, neither always first
    for b in "${order[@]}"; do
      WS="$tmp/ws$units-$b"
      once "w_$b" "r_$b" "${bins[$b]}" "${@//@WS@/$WS}"
    done
  done
  for b in "${names[@]}"; do
    eval "local ws=(\"\${w_$b[@]}\") rss=\$r_$b"
    [ -n "${VERBOSE:-}" ] && echo "  $name $b: ${ws[*]}" >&2
    eval "med_$b=$(median "${ws[@]}")"
    eval "cycle_$b=\$(( cycle_$b + med_$b ))"
    eval "peak_$b=\$(( rss > peak_$b ? rss : peak_$b ))"
    local label=$name
    [ ${#names[@]} -eq 2 ] && label="$name ($b)"
    eval "row \"$units\" \"$label\" \$med_$b \$rss"
  done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); go $(go env GOVERSION); sizes ${sizes[*]} (size:runs, else $runs runs), medians"
printf '| %6s | %-34s | %8s | %7s |\n' units stage "wall s" "RSS MB"
printf '|%s|%s|%s|%s|\n' "--------" "------------------------------------" "----------" "---------"
notes=()
default_runs=$runs
for spec in "${sizes[@]}"; do
  units=${spec%%:*}
  runs=$default_runs
  [ "$spec" != "$units" ] && runs=${spec#*:}
  ws="$tmp/ws$units-new"
  "${bins[new]}" demo --units "$units" "$ws" >/dev/null
  [ ${#names[@]} -eq 2 ] && cp -a "$ws" "$tmp/ws$units-old"
  files=("$ws"/2023Q4/收件/*.xlsx)
  for b in "${names[@]}"; do eval "cycle_$b=0; peak_$b=0"; done
  reset='set_aside "$WS/2023Q4/模板"'
  stage templates templates -w @WS@ --period 2023Q4 --due 2024-01-08
  reset='set_aside "$WS/2023Q4/归档" "$WS/2023Q4/反馈" "$WS/2023Q4/收件记录.json" "$WS/2023Q4/检查结果.xlsx"'
  stage "collect (${#files[@]} files)" collect -w @WS@ --period 2023Q4
  collect_new=$med_new
  [ ${#names[@]} -eq 2 ] && collect_old=$med_old
  reset=""
  stage report report -w @WS@ --period 2023Q4 --date 2024-01-15
  for b in "${names[@]}"; do
    label="whole cycle"
    [ ${#names[@]} -eq 2 ] && label="whole cycle ($b)"
    eval "row \"$units\" \"$label\" \$cycle_$b \$peak_$b"
  done
  if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    saved=("${names[@]}"); names=(new); bins[py]=/usr/bin/python3
    w_py=(); r_py=0
    for _ in $(seq "$runs"); do once w_py r_py /usr/bin/python3 scripts/openpyxl_combine.py "$tmp/combined.xlsx" "${files[@]}"; done
    med_py=$(median "${w_py[@]}")
    row "$units" "openpyxl combine baseline" "$med_py" "$r_py"
    names=("${saved[@]}")
    notes+=("$units units: collect $(echo "scale=1; $med_py / $collect_new" | bc)x faster than the openpyxl combine baseline")
  fi
  [ ${#names[@]} -eq 2 ] && notes+=("$units units: collect new/old $(echo "scale=3; $collect_new / $collect_old" | bc), whole cycle new/old $(echo "scale=3; $cycle_new / $cycle_old" | bc)")
done
printf '%s\n' "${notes[@]}"
