#!/usr/bin/env bash
# Step time with and without aggressive cross-module optimisation (the `-cross-module-optimization`
# unsafeFlag Package.swift used to set; issue 13 removed it so SAMKit can be a versioned dependency).
#   before: swift build -c release -Xswiftc -cross-module-optimization   (into .build-cmo)
#   after:  swift build -c release                                          (into .build, the manifest as is)
# Then `samkit profile` for DAM and SAM (k-d forest) at the same sizes, ROUNDS times alternating
# before/after (so drift in machine load hits both), and prints per model and N the median step
# time (forward + backward) of each build and the ratio after/before. Within 5% means |ratio - 1| <= 0.05
# for the ratio of the medians pooled over all rounds. Also printed, so that a noisy round shows: the
# ratio of each round, their min–max, a 95% bootstrap interval over rounds, and the load of every run.
# Run on a quiet machine. Usage: scripts/compare-step-time.sh [ROUNDS] [REPORT]
#   ROUNDS (default 3); REPORT, if given, is a markdown file the table is also written to
#   (`make step-time-comparison` writes reports/step-time-comparison.md).
# What the two builds execute (callgrind): scripts/compare-step-callgrind.sh, docs/cmo-step-time.md.
# Exit 0 within 5%, 1 not within 5%, 2 bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
report="${2:-}"
case "$rounds" in ''|*[!0-9]*|0) echo "error: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2;; esac
export OPENBLAS_NUM_THREADS=1
swift build -c release -Xswiftc -cross-module-optimization --build-path .build-cmo >&2
swift build -c release >&2
out="$(mktemp -d "${TMPDIR:-/tmp}/samkit-cmo.XXXXXX")"
trap 'rm -rf "$out"' EXIT
# Both binaries run from paths of the same length ($out/b/samkit, $out/a/samkit): the path is in argv
# (and the worker's argv), so a longer path would shift the initial stack of one build only.
mkdir -p "$out/b" "$out/a"
cp .build-cmo/release/samkit "$out/b/samkit"
cp .build/release/samkit "$out/a/samkit"
args=(profile --models dam,sam-kdtree --sizes 1024,4096,16384,65536 --steps 8 --repeats 9 --warmup 2)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_build() {  # run_build before|after ROUND: one `samkit profile` of that build, its start load logged
  local kind="$1" r="$2" bin="$out/a/samkit" label="after (no unsafeFlags)"
  [ "$kind" = before ] && { bin="$out/b/samkit"; label="before (CMO)"; }
  echo "round $r/$rounds: $label, load $(cut -d' ' -f1 /proc/loadavg)" >&2
  cut -d' ' -f1 /proc/loadavg > "$out/load-$kind-$r"
  "$bin" "${args[@]}" --out "$out/$kind-$r" >/dev/null
}
for r in $(seq 1 "$rounds"); do
  # The order alternates between rounds (before first in odd rounds, after first in even ones), so
  # that whatever the first run of a pair suffers (or gains) does not always land on the same build.
  if [ $((r % 2)) = 1 ]; then run_build before "$r"; run_build after "$r"
  else run_build after "$r"; run_build before "$r"; fi
  echo "$r $(cat "$out/load-before-$r") $(cat "$out/load-after-$r")" >> "$out/loads"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
set +e
python3 - "$out" "$rounds" > "$out/table.md" <<'PY'
import json, random, statistics, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
def load(kind, r):
    """Per (model, N): the forward + backward time of every kept segment of round r."""
    times = {}
    for m in json.load(open(f"{folder}/{kind}-{r}/measurements.json"))["measurements"]:
        times[(m["model"], m["size"])] = [f + b for f, b in zip(m["forwardSeconds"], m["backwardSeconds"])]
    return times
before = [load("before", r) for r in range(1, rounds + 1)]
after = [load("after", r) for r in range(1, rounds + 1)]
loads = [line.split() for line in open(f"{folder}/loads")]
def pooled(runs, key): return [t for run in runs for t in run[key]]
def bootstrap(before_rounds, after_rounds, draws=2000):
    """95% interval of the ratio of pooled medians, resampling whole rounds (a noisy round moves together)."""
    rng, n, ratios = random.Random(13), len(before_rounds), []
    for _ in range(draws):
        pick = [rng.randrange(n) for _ in range(n)]
        b = statistics.median([t for i in pick for t in before_rounds[i]])
        a = statistics.median([t for i in pick for t in after_rounds[i]])
        ratios.append(a / b)
    ratios.sort()
    return ratios[int(0.025 * draws)], ratios[int(0.975 * draws) - 1]
print("| model | N | before (CMO) s/step | after s/step | after/before | per-round after/before | round min–max | 95% bootstrap (rounds) |")
print("|---|---|---|---|---|---|---|---|")
worst = 0.0
for key in sorted(before[0]):
    b, a = statistics.median(pooled(before, key)), statistics.median(pooled(after, key))
    per_round = [statistics.median(y[key]) / statistics.median(x[key]) for x, y in zip(before, after)]
    low, high = bootstrap([x[key] for x in before], [y[key] for y in after]) if rounds > 1 else (a / b, a / b)
    worst = max(worst, abs(a / b - 1))
    print(f"| {key[0]} | {key[1]} | {b:.3e} | {a:.3e} | {a / b:.3f} | {' '.join(f'{x:.3f}' for x in per_round)} "
          f"| {min(per_round):.3f}–{max(per_round):.3f} | {low:.3f}–{high:.3f} |")
print()
print("Load average (1 min) at the start of each run: " +
      "; ".join(f"round {r}: before {l[1]}, after {l[2]}" for r, l in enumerate(loads, 1)) + ".")
print(f"\nlargest |after/before - 1| = {worst:.3f} ({'within' if worst <= 0.05 else 'NOT within'} 5%)")
sys.exit(0 if worst <= 0.05 else 1)
PY
status=$?
set -e
cat "$out/table.md"
if [ -n "$report" ] && [ "$status" -le 1 ]; then
  {
    echo "# Step time with and without cross-module optimisation (issue 13)"
    echo
    echo "Generated by \`scripts/compare-step-time.sh $rounds $report\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (Sources/ or Package.swift modified)') on $(date -u +%Y-%m-%d)."
    echo "Before: \`swift build -c release -Xswiftc -cross-module-optimization\` (the unsafeFlag Package.swift used to set)."
    echo "After: \`swift build -c release\` with the manifest as it is (no unsafeFlags)."
    echo "\`samkit ${args[*]}\`, $rounds rounds, before first in odd rounds and after first in even ones; the median of every forward + backward step time pooled over the rounds, and each round's own ratio."
    echo
    echo "Single-threaded (OPENBLAS_NUM_THREADS=1) on a shared 2-core machine; load average $load_before at the start, $load_after at the end."
    echo "Timings are compared only as ratios within this one run."
    echo "Instruction counts and simulated cache misses of the same two builds: \`scripts/compare-step-callgrind.sh\` (docs/cmo-step-time.md)."
    echo
    cat "$out/table.md"
  } > "$report.tmp" && mv "$report.tmp" "$report"
  echo "wrote $report" >&2
fi
exit "$status"
