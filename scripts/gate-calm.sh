#!/usr/bin/env bash
# Runs `samkit gate --quick` (release build) N times on unchanged code and counts false alarms.
# Usage: scripts/gate-calm.sh [RUNS] [SAMKIT]   (defaults: 10, .build/release/samkit)
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
samkit=${2:-.build/release/samkit}
export OPENBLAS_NUM_THREADS=1
alarms=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$samkit" gate --quick > /tmp/gate-calm-$i.txt 2>/dev/null
  status=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  summary=$(grep '^gate:' /tmp/gate-calm-$i.txt)
  printf 'run %2d: exit %d, %5.1f s  %s\n' "$i" "$status" "$seconds" "$summary"
  if [ "$status" -ne 0 ]; then alarms=$((alarms + 1)); grep -A3 '^regressions:' /tmp/gate-calm-$i.txt; fi
done
echo "false alarms: $alarms of $runs clean runs"
[ "$alarms" -eq 0 ]
