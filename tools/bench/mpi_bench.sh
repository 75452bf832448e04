#!/usr/bin/env bash
# MPI scaling and memory figures for docs/BATCHES.md (not part of tools/check).
# Usage: tools/bench/mpi_bench.sh [BUILD_MPI_DIR] [RUNS] [REPEATS]
# Prints, for the default scenario, the batch rate (runs/s as parley reports it, which excludes
# start-up) of 1 rank x 1 thread and of 2 ranks x 1 thread, REPEATS interleaved pairs with each
# pair's ratio, then the best of each (the least disturbed by other load on the machine), the
# medians and their ratios, and the files' equality.
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
best1=0
best2=0
all1=()
all2=()
for _ in $(seq 1 "$repeats"); do
  r1=$("$bin" run "$sc" --runs "$runs" --threads 1 --out "$tmp/one" | rate)
  r2=$("${mpirun[@]}" "$bin" run "$sc" --runs "$runs" --threads 1 --out "$tmp/two" | rate)
  echo "1 rank x 1 thread: $r1 runs/s    2 ranks x 1 thread: $r2 runs/s    ratio $(echo "scale=2; $r2 / $r1" | bc)"
  all1+=("$r1")
  all2+=("$r2")
  [ "$r1" -gt "$best1" ] && best1=$r1
  [ "$r2" -gt "$best2" ] && best2=$r2
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
m1=$(median "${all1[@]}")
m2=$(median "${all2[@]}")
echo "best: 1 rank $best1 runs/s, 2 ranks $best2 runs/s, speed-up $(echo "scale=2; $best2 / $best1" | bc)x"
echo "median: 1 rank $m1 runs/s, 2 ranks $m2 runs/s, speed-up $(echo "scale=2; $m2 / $m1" | bc)x"
cmp -s "$tmp/one/runs.csv" "$tmp/two/runs.csv" && echo "runs.csv identical"
