#!/usr/bin/env bash
# Step time with and without aggressive cross-module optimisation (the `-cross-module-optimization`
# unsafeFlag Package.swift used to set; issue 13 removed it so SAMKit can be a versioned dependency).
#   before: swift build -c release -Xswiftc -cross-module-optimization   (into .build-cmo)
#   after:  swift build -c release                                          (into .build, the manifest as is)
# Then `samkit profile` for DAM and SAM (k-d forest) at the same sizes, ROUNDS times alternating
# before/after (so drift in machine load hits both), and prints per model and N the median step
# time (forward + backward) of each build and the ratio after/before. Within 5% means |ratio - 1| <= 0.05.
# Run on a quiet machine. Usage: scripts/compare-step-time.sh [ROUNDS] (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
export OPENBLAS_NUM_THREADS=1
swift build -c release -Xswiftc -cross-module-optimization --build-path .build-cmo >&2
swift build -c release >&2
out="$(mktemp -d "${TMPDIR:-/tmp}/samkit-cmo.XXXXXX")"
trap 'rm -rf "$out"' EXIT
args=(profile --models dam,sam-kdtree --sizes 1024,4096,16384,65536 --steps 8 --repeats 9 --warmup 2)
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: before (CMO)" >&2
  .build-cmo/release/samkit "${args[@]}" --out "$out/before-$r" >/dev/null
  echo "round $r/$rounds: after (no unsafeFlags)" >&2
  .build/release/samkit "${args[@]}" --out "$out/after-$r" >/dev/null
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
def steps(kind):
    times = {}
    for r in range(1, rounds + 1):
        for m in json.load(open(f"{folder}/{kind}-{r}/measurements.json"))["measurements"]:
            times.setdefault((m["model"], m["size"]), []).extend(
                f + b for f, b in zip(m["forwardSeconds"], m["backwardSeconds"]))
    return times
before, after = steps("before"), steps("after")
print("| model | N | before (CMO) s/step | after s/step | after/before |")
print("|---|---|---|---|---|")
worst = 0.0
for key in sorted(before):
    b, a = statistics.median(before[key]), statistics.median(after[key])
    worst = max(worst, abs(a / b - 1))
    print(f"| {key[0]} | {key[1]} | {b:.3e} | {a:.3e} | {a / b:.3f} |")
print(f"\nlargest |after/before - 1| = {worst:.3f} ({'within' if worst <= 0.05 else 'NOT within'} 5%)")
sys.exit(0 if worst <= 0.05 else 1)
PY
