#!/usr/bin/env bash
# The gate's measured power from scratch (`make gate-power`; issue 12; Proofs/gate-timing.md):
#   1. a first baseline:            samkit gate --init --quick            (one process)
#   2. the between-run spread:      SPREAD_RUNS separate clean runs of samkit gate --quick --json,
#                                   then samkit gate --record-spread FILES (s_b and the run count
#                                   into the baseline; the timing rule's tolerance follows from them)
#   3. the power run:               samkit gate --power --quick against that baseline
# Writes OUT/baseline.json and OUT/gate-power.md (OUT=reports for `make gate-power`); exit 1 when the
# power run misses issue 12's targets, 2 on a usage error. Progress on stderr.
# Settings (environment): OUT, SPREAD_RUNS, SPREAD_CHECKS, REPETITIONS, SLOWDOWN_REPETITIONS, CLEAN_PASSES, SAMKIT.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
OUT=${OUT:-reports}
SPREAD_RUNS=${SPREAD_RUNS:-12}
REPETITIONS=${REPETITIONS:-20}
SLOWDOWN_REPETITIONS=${SLOWDOWN_REPETITIONS:-10}
CLEAN_PASSES=${CLEAN_PASSES:-20}
SAMKIT=${SAMKIT:-.build/release/samkit}
# Every check but the gradient and memory ones: the deterministic checks build the same instances
# before the timing checks as in a full gate (the gradient checks use their own small models, and the
# memory checks run after timing), so each run times in the heap a full gate process times in.
# SPREAD_CHECKS=all runs the whole gate but its memory checks (if the power run's clean passes sit
# above the separate runs, a process offset this choice leaves out).
SPREAD_CHECKS=${SPREAD_CHECKS:-"per-step,slope,work ,time ratio,normalised step time"}
work=.build/gate-power-work
rm -rf "$work"; mkdir -p "$work" "$OUT"
baseline="$work/baseline.json"
start=$SECONDS
say() { echo "gate-power [$((SECONDS - start)) s]: $*" >&2; }

say "1/3 first baseline (samkit gate --init --quick)"
"$SAMKIT" gate --init --quick --baseline "$baseline" > "$work/init.txt"

say "2/3 between-run spread: $SPREAD_RUNS separate clean gate runs"
files=""
for i in $(seq 1 "$SPREAD_RUNS"); do
  say "    run $i/$SPREAD_RUNS"
  # Exit 1 (a check regressed) still gives a result file: the spread needs the figures, and the
  # power run's clean passes count false alarms.
  status=0
  only=(--only "$SPREAD_CHECKS"); if [ "$SPREAD_CHECKS" = all ]; then only=(); fi
  "$SAMKIT" gate --quick --no-memory "${only[@]}" --baseline "$baseline" --json "$work/run-$i.json" > "$work/run-$i.txt" || status=$?
  if [ "$status" -gt 1 ]; then cat "$work/run-$i.txt" >&2; exit "$status"; fi
  files="$files${files:+,}$work/run-$i.json"
done
"$SAMKIT" gate --record-spread "$files" --baseline "$baseline" | tee "$work/spread.txt" >&2
cp "$baseline" "$OUT/baseline.json"

say "3/3 power run: $REPETITIONS runs per injection, $SLOWDOWN_REPETITIONS of the controller slowdown, $CLEAN_PASSES clean passes"
status=0
"$SAMKIT" gate --power --quick --baseline "$OUT/baseline.json" --repetitions "$REPETITIONS" \
  --slowdown-repetitions "$SLOWDOWN_REPETITIONS" --clean-passes "$CLEAN_PASSES" --power-report "$OUT/gate-power.md" \
  > "$work/power.txt" || status=$?
say "done: $OUT/gate-power.md and $OUT/baseline.json (power run exit $status)"
exit "$status"
