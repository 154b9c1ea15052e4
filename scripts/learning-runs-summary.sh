#!/bin/bash
# Summarises `samkit train --out DIR` runs: for each DIR/curve.csv under the given folders, the
# iteration at which the curriculum first reached the highest level (--length, from DIR/run.json), the
# iterations to threshold (the first window at the highest level with at most THRESHOLD wrong bits per
# sequence; `samkit learn`'s copy rule), the last window, the mean of the curve's recall@K column (the
# index against an exact scan on the run's memory, random queries; "-" when not measured) and the
# training time per episode from run.json (wall clock). Prints a Markdown table on stdout.
# With --settings first, four more columns: the task, the optimiser, its learning rate and the batch.
# Usage: scripts/learning-runs-summary.sh [--settings] THRESHOLD RUN_DIR...
set -euo pipefail
settings=0
if [ "${1:-}" = --settings ]; then settings=1; shift; fi
threshold=$1; shift
extra=""; extraRule=""
if [ $settings = 1 ]; then extra=" task | optimiser | learning rate | batch |"; extraRule="---|---|---|---|"; fi
echo "| run | model | index | M_0 scale | seed | iterations | first at highest h | iterations to <= $threshold | last: h, wrong bits | mean recall@K | ms per episode |$extra"
echo "|---|---|---|---|---|---|---|---|---|---|---|$extraRule"
for dir in "$@"; do
  json="$dir/run.json"
  [ -f "$json" ] && [ -f "$dir/curve.csv" ] || { echo "missing $dir/run.json or curve.csv" >&2; exit 2; }
  read -r model index scale seed highest iterations perEpisode task optimiser rate batch < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); run = r["run"]; c = run["configuration"]
init = c["memoryInitialisation"]
scale = init["uniform"]["scale"] if "uniform" in init else 0
per = 1000 * r["trainingSeconds"] / max(1, r["episodesThisProcess"])
print(run["model"], c["index"] if run["model"] == "sam" else "-", scale, run["seed"], run["maxLevel"], r["iterations"], "%.1f" % per,
      run["task"], run["optimizer"], run["learningRate"], run["batch"])' "$json")
  tail=""
  if [ $settings = 1 ]; then tail=" $task | $optimiser | $rate | $batch |"; fi
  awk -F, -v top="$highest" -v t="$threshold" -v name="$(basename "$dir")" -v model="$model" -v idx="$index" \
      -v scale="$scale" -v seed="$seed" -v iterations="$iterations" -v per="$perEpisode" -v tail="$tail" '
    NR == 1 { next }
    { if (first == "" && $5 == top) first = $1
      if (reached == "" && $5 == top && $4 <= t) reached = $1
      if ($6 != "") { recall += $6; measured++ }
      last = sprintf("h %d, %.3f", $5, $4) }
    END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s\n", name, model, idx, scale, seed, iterations,
                 (first == "" ? "not reached" : first), (reached == "" ? "not reached" : reached), last,
                 (measured ? sprintf("%.3f", recall / measured) : "-"), per, tail }' "$dir/curve.csv"
done
