#!/bin/bash
# Summarises a folder of `samkit train --out` runs named CONFIG_TASK_MODEL_sSEED (reports/learning-s8):
# per task, the per-run table of scripts/learning-runs-summary.sh --settings at the learning report's
# threshold for that task (copy 0.1, recall 0.5, sort 2.0 wrong bits per sequence), then a tally per
# configuration and model: how many seeds reached the threshold, and at which iterations.
# Usage: scripts/learning-study-summary.sh DIR
set -euo pipefail
dir=$1
here=$(dirname "$0")
echo "# Learning study: runs under $dir"
echo
echo "Made by \`$dir/commands.sh\` (which says what each configuration letter means); this file by \`scripts/learning-study-summary.sh $dir\`."
for task in copy recall sort; do
  case $task in copy) threshold=0.1;; recall) threshold=0.5;; sort) threshold=2.0;; esac
  runs=$(ls -d "$dir"/*_"$task"_*/ 2>/dev/null | sed 's:/$::' | sort -V || true)  # a study may leave a task out
  [ -n "$runs" ] || continue
  table=$("$here/learning-runs-summary.sh" --settings $threshold $runs)
  echo
  echo "## $task (threshold $threshold wrong bits per sequence at the highest level)"
  echo
  echo "Tally: seeds that reached the threshold, per configuration and model (iterations in brackets)."
  echo
  echo "| configuration | model | reached | iterations of those that did |"
  echo "|---|---|---|---|"
  echo "$table" | tail -n +3 | awk -F' [|] ' '
    { name = substr($1, 3); split(name, part, "_"); config = part[1]
      model = $2 ($3 == "-" ? "" : "-" $3); key = config " | " model
      if (!(key in total)) order[++n] = key
      total[key]++
      if ($8 != "not reached") { hit[key]++; its[key] = its[key] (its[key] == "" ? "" : ", ") $8 } }
    END { for (i = 1; i <= n; i++) { k = order[i]
            printf "| %s | %d/%d | %s |\n", k, hit[k] + 0, total[k], (its[k] == "" ? "-" : its[k]) } }'
  echo
  echo "Runs:"
  echo
  echo "$table"
done
