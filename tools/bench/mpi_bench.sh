#!/usr/bin/env bash
# MPI scaling and memory figures for docs/BATCHES.md (not part of tools/check).
# Usage: tools/bench/mpi_bench.sh [BUILD_MPI_DIR] [RUNS] [REPEATS]
# Prints, for the default scenario, REPEATS interleaved rounds of three batch rates (runs/s as
# parley reports them, which excludes start-up):
#   1 rank x 1 thread, RUNS runs;
#   2 ranks x 1 thread, RUNS runs (mpirun -np 2);
#   2 independent processes side by side, RUNS/2 runs each with different seeds: what the two
#   cores give without MPI, the ceiling for 2 ranks (RUNS divided by the slower one's seconds).
# Then the best and the median of each, their ratios, and the files' equality.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$top/build-mpi}/parley"
runs="${2:-40000}"
repeats="${3:-3}"
sc="$top/scenarios/afghanistan-2025"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mpirun=(mpirun -np 2)
[ "$(id -u)" -eq 0 ] && mpirun+=(--allow-run-as-root)
rate() { sed -n 's/.*s (\([0-9]*\) runs\/s).*/\1/p'; }
secs() { sed -n 's/.*, \([0-9.]*\) s (.*/\1/p'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
best() { printf '%s\n' "$@" | sort -n | tail -1; }
all1=()
all2=()
allp=()
half=$((runs / 2))
for _ in $(seq 1 "$repeats"); do
  r1=$("$bin" run "$sc" --runs "$runs" --threads 1 --out "$tmp/one" | rate)
  r2=$("${mpirun[@]}" "$bin" run "$sc" --runs "$runs" --threads 1 --out "$tmp/two" | rate)
  "$bin" run "$sc" --runs "$half" --threads 1 --seed 1 --out "$tmp/a" >"$tmp/a.txt" &
  "$bin" run "$sc" --runs "$half" --threads 1 --seed 2 --out "$tmp/b" >"$tmp/b.txt"
  wait
  sa=$(secs <"$tmp/a.txt")
  sb=$(secs <"$tmp/b.txt")
  rp=$(awk -v n="$runs" -v a="$sa" -v b="$sb" 'BEGIN { printf "%d", n / (a > b ? a : b) }')
  echo "1 rank: $r1 runs/s   2 ranks: $r2 runs/s (x$(ratio "$r2" "$r1"))   2 processes: $rp runs/s (x$(ratio "$rp" "$r1"))   2 ranks / 2 processes: $(ratio "$r2" "$rp")"
  all1+=("$r1")
  all2+=("$r2")
  allp+=("$rp")
done
b1=$(best "${all1[@]}")
b2=$(best "${all2[@]}")
bp=$(best "${allp[@]}")
m1=$(median "${all1[@]}")
m2=$(median "${all2[@]}")
mp=$(median "${allp[@]}")
echo "best:   1 rank $b1, 2 ranks $b2 (x$(ratio "$b2" "$b1")), 2 processes $bp (x$(ratio "$bp" "$b1")) runs/s"
echo "median: 1 rank $m1, 2 ranks $m2 (x$(ratio "$m2" "$m1")), 2 processes $mp (x$(ratio "$mp" "$m1")) runs/s"
cmp -s "$tmp/one/runs.csv" "$tmp/two/runs.csv" && echo "runs.csv identical"
