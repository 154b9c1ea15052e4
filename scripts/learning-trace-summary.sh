#!/bin/bash
# Summarises `samkit train --trace FILE` CSVs of SAM runs (the hidden diagnostic): for each file, the
# mean over its windows of each index's recall@K with ties, recall@K by row, the rate at which it
# returns the unique exact nearest row, and on copy the rate at which it returns the answer step's
# pattern row when that row is the exact nearest (the followers: FLANN's k-d forest and the compact
# one, each updated as SAM updates its index, and each rebuilt before every query).
# Prints a Markdown table on stdout. Usage: scripts/learning-trace-summary.sh TRACE_CSV...
set -euo pipefail
for file in "$@"; do
  [ -f "$file" ] || { echo "missing $file" >&2; exit 2; }
done
python3 - "$@" <<'PY'
import csv, sys
rows_out = []
names = ["kdtree", "kdtree_rebuilt", "compact", "compact_rebuilt"]
header = "| trace | windows | index | recall@K (ties) | recall@K (rows) | unique nearest found | copy: pattern row is nearest | copy: found when nearest |"
print(header)
print("|" + "---|" * 8)
for path in sys.argv[1:]:
    with open(path) as f:
        table = list(csv.DictReader(f))
    if not table or "kdtree_nearest" not in table[0]:
        print(f"| {path} | {len(table)} | (no index comparison) | | | | | |")
        continue
    def mean(column):
        values = [float(r[column]) for r in table if r.get(column, "") != ""]
        return f"{sum(values) / len(values):.3f}" if values else "-"
    for n in names:
        print(f"| {path} | {len(table)} | {n} | {mean(n + '_recall_ties')} | {mean(n + '_recall_rows')} | "
              f"{mean(n + '_nearest')} | {mean('target_nearest')} | {mean(n + '_target')} |")
PY
