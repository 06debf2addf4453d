#!/usr/bin/env bash
# The "Local files" benchmark of docs/benchmarks.md, in one command: generates (once) MIB of
# seed-format lines in 4 files under DIR, then on the same files, in this order:
#   1. Hinomi's local index (examples/local_bench.rs): ingest, index size, the query
#      `level:ERROR AND context.action:create_dataset` + its histogram, PSS;
#   2. optionally the same ingest with the code of BASELINE_REV (examples/ingest_bench.rs of
#      that revision, built in a git worktree);
#   3. ripgrep counting the same lines (a full scan per query);
#   4. lnav (headless) loading the files, loading them + the same query in SQL once, and
#      three times in one session (the difference: a query once loaded); its PSS.
#
#   scripts/bench-local-logs.sh [MIB=1024] [DIR=/tmp/hinomi-local-bench]
#   BASELINE_REV=<commit> RUNS=21 LNAV_RUNS=3 scripts/bench-local-logs.sh
# (BASELINE_BIN=<path>: that revision's ingest_bench, already built)
#
# Needs ripgrep, lnav and hyperfine (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

mib="${1:-1024}"
dir="${2:-/tmp/hinomi-local-bench}"
runs="${RUNS:-21}"
lnav_runs="${LNAV_RUNS:-3}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$dir"
export LC_ALL=C

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

cargo build --release -q -p hinomi-logs-local --example local_bench
echo "== Hinomi local index"
"$target/release/examples/local_bench" "$mib" "$dir" "$runs" | tee "$dir/hinomi.txt"
files=("$dir"/logs/*.log)

if [ -n "${BASELINE_REV:-}" ]; then
  echo "== baseline: ingest at $BASELINE_REV (load $(cut -d' ' -f1 /proc/loadavg))"
  baseline="${BASELINE_BIN:-$dir/baseline-target/release/examples/ingest_bench}"
  if [ -z "${BASELINE_BIN:-}" ]; then
    worktree="$dir/baseline-src"
    [ -d "$worktree" ] || git worktree add -f --detach "$worktree" "$BASELINE_REV" >/dev/null
    git -C "$worktree" checkout -q --detach "$BASELINE_REV"
    (cd "$worktree" && CARGO_TARGET_DIR="$dir/baseline-target" \
      cargo build --release -q -p hinomi-logs-local --example ingest_bench)
  fi
  # Its example reuses DIR/logs as they are and builds DIR/index.
  /usr/bin/time -f "baseline process: %e s wall, %U user + %S system CPU-s, max RSS %M KiB" \
    "$baseline" "$mib" "$dir" 2>&1 | tee "$dir/baseline.txt"
fi

echo "== ripgrep: full scan per query (median of $runs, files in the page cache)"
pattern='"level":"ERROR".*"action":"create_dataset"'
echo "rg -c: $(rg -c "$pattern" "${files[@]}" | awk -F: '{ s += $NF } END { print s }') matching lines"
hyperfine -N -w 2 -r "$runs" --export-json "$dir/rg.json" "rg -c '$pattern' ${files[*]}" >/dev/null
python3 -c '
import json, sys
median = json.load(open(sys.argv[1]))["results"][0]["median"]
print("rg -c: median %.1f ms" % (median * 1000))' "$dir/rg.json"

echo "== lnav $(lnav -V | head -1): load, load + query (SQL), load + 3 queries; median of $lnav_runs"
# lnav knows the seed's JSON lines through a format file in its own (throwaway) home.
export HOME="$dir/lnav-home"
mkdir -p "$HOME/.lnav/formats/installed"
cp crates/hinomi-logs-local/examples/lnav-hinomi-seed.json "$HOME/.lnav/formats/installed/hinomi_seed.json"
load=';SELECT count(*) FROM hinomi_seed'
search=";SELECT count(*) FROM hinomi_seed WHERE log_level = 'error' AND \"context/action\" = 'create_dataset'"
echo "lnav counts: $(lnav -n -c "$load" "${files[@]}" | tail -1 | xargs) lines," \
  "$(lnav -n -c "$search" "${files[@]}" | tail -1 | xargs) matches"
hyperfine -N -r "$lnav_runs" --export-json "$dir/lnav.json" \
  "lnav -n -c '$load' ${files[*]}" "lnav -n -c \"$search\" ${files[*]}" \
  "lnav -n -c \"$search\" -c \"$search\" -c \"$search\" ${files[*]}" >/dev/null
python3 -c '
import json, sys
load, once, thrice = (r["median"] for r in json.load(open(sys.argv[1]))["results"])
print("lnav load: median %.2f s; load + query: %.2f s; load + 3 queries: %.2f s;"
      " a query once loaded ~%.0f ms" % (load, once, thrice, (thrice - once) / 2 * 1000))' "$dir/lnav.json"
# lnav's PSS, sampled every 100 ms while it loads and queries.
lnav -n -c "$search" "${files[@]}" >/dev/null &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  [ "${kb:-0}" -gt "$peak" ] && peak=$kb
  sleep 0.1
done
wait "$pid" || true
echo "lnav PSS: peak $((peak / 1024)) MiB"
