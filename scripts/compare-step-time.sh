#!/usr/bin/env bash
# Step time with and without aggressive cross-module optimisation (the `-cross-module-optimization`
# unsafeFlag Package.swift used to set; issue 13 removed it so SAMKit can be a versioned dependency).
#   before: swift build -c release -Xswiftc -cross-module-optimization   (into .build-cmo)
#   after:  swift build -c release                                          (into .build, the manifest as is)
# Then `samkit profile` for DAM and SAM (k-d forest) at the same sizes, ROUNDS times, and per model
# and N the fastest step time (forward + backward) of each build pooled over the rounds, their ratio
# after/before, each round's own ratio and a 95% bootstrap interval of the ratio over rounds.
# Why the fastest segment and not the median: this shared machine runs in two speed states about
# 1.4x apart that switch every few seconds, within one process and pinned to one CPU (session 14:
# one process of 150 segments of DAM at N = 1024 ran 15-segment medians of 495 512 510 479 529 526
# 550 433 349 357 us). A segment's time is its work plus the state's slowdown, so the median measures
# which state a run happened to meet (per-round median ratios 0.67-1.53 in the 12-round run at
# a067020, and the A/A control could not judge any row), while the fastest of a build's segments
# measures its work in the fast state (7 runs of one build, 27-36 segments each: per row, the largest
# over the smallest of the runs' fastest segments was 1.02-1.15, of their medians 1.08-1.46).
# The median ratio is printed beside it, for comparison only; the verdict uses the fastest.
# An A/A control runs in every round too: a second copy of the before build ("control", the same
# bytes at a path of the same length), timed and judged exactly as "after" is. It measures what the
# method calls a difference when there is none (its false-alarm rate on this run's noise).
# The order of the three runs rotates over the rounds (before/after/control, after/control/before,
# control/before/after, ...), so drift in machine load and the first run's luck hit all three.
# The verdict, per model and N, from the bootstrap interval [lo, hi] of the ratio (never from the
# point estimate alone): within 5% when [lo, hi] lies inside [0.95, 1.05]; NOT within 5% when it lies
# wholly outside (hi < 0.95 or lo > 1.05); cannot judge when it straddles a 5% line. The same rule
# is applied to the control; if the control is judged NOT within 5% anywhere, the method cannot
# tell 5% on this run and the whole verdict is "cannot judge". Otherwise: within 5% when every row
# is within; NOT within 5% when some row is NOT within; else cannot judge.
# Run on a quiet machine. Usage: scripts/compare-step-time.sh [ROUNDS] [REPORT]
#   ROUNDS (default 3); REPORT, if given, is a markdown file the table is also written to
#   (`make step-time-comparison` writes reports/step-time-comparison.md).
# What the two builds execute (callgrind): scripts/compare-step-callgrind.sh, docs/cmo-step-time.md.
# Exit 0 within 5%; 1 NOT within 5% or cannot judge; 2 bad usage.
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
# The binaries run from paths of the same length ($out/b/samkit, $out/a/samkit, $out/c/samkit): the
# path is in argv (and the worker's argv), so a longer path would shift the initial stack of one only.
mkdir -p "$out/b" "$out/a" "$out/c"
cp .build-cmo/release/samkit "$out/b/samkit"
cp .build/release/samkit "$out/a/samkit"
cp .build-cmo/release/samkit "$out/c/samkit"
args=(profile --models dam,sam-kdtree --sizes 1024,4096,16384,65536 --steps 8 --repeats 9 --warmup 2)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_build() {  # run_build before|after|control ROUND: one `samkit profile` of that build, its start load logged
  local kind="$1" r="$2" bin label
  case "$kind" in
    before) bin="$out/b/samkit"; label="before (CMO)";;
    after) bin="$out/a/samkit"; label="after (no unsafeFlags)";;
    control) bin="$out/c/samkit"; label="control (a second copy of before: A/A)";;
  esac
  echo "round $r/$rounds: $label, load $(cut -d' ' -f1 /proc/loadavg)" >&2
  cut -d' ' -f1 /proc/loadavg > "$out/load-$kind-$r"
  "$bin" "${args[@]}" --out "$out/$kind-$r" >/dev/null
}
kinds=(before after control)
for r in $(seq 1 "$rounds"); do
  # Round r starts at kinds[(r-1) mod 3] and goes round: each build is first, second and third equally often.
  for i in 0 1 2; do run_build "${kinds[$(( (r - 1 + i) % 3 ))]}" "$r"; done
  echo "$r $(cat "$out/load-before-$r") $(cat "$out/load-after-$r") $(cat "$out/load-control-$r")" >> "$out/loads"
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
runs = {k: [load(k, r) for r in range(1, rounds + 1)] for k in ("before", "after", "control")}
loads = [line.split() for line in open(f"{folder}/loads")]
def fastest(rounds_of_key):
    """The fastest forward + backward segment of a build over the given rounds (see the header)."""
    return min(t for times in rounds_of_key for t in times)
def median_of(rounds_of_key): return statistics.median([t for times in rounds_of_key for t in times])
def bootstrap(base, other, draws=2000):
    """95% interval of the ratio of the fastest segments, resampling whole rounds (a noisy round moves together)."""
    rng, n, ratios = random.Random(13), len(base), []
    for _ in range(draws):
        pick = [rng.randrange(n) for _ in range(n)]
        ratios.append(fastest([other[i] for i in pick]) / fastest([base[i] for i in pick]))
    ratios.sort()
    return ratios[int(0.025 * draws)], ratios[int(0.975 * draws) - 1]
def judge(low, high):
    if 0.95 <= low and high <= 1.05: return "within"
    if high < 0.95 or low > 1.05: return "NOT within"
    return "cannot judge"
print("| model | N | before (CMO) fastest s/step | after fastest s/step | after/before | per-round after/before | 95% bootstrap (rounds) | verdict | control/before (A/A) | control 95% bootstrap | control verdict | median after/before (not judged) | before median/fastest |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
verdicts, control_verdicts, worst = [], [], 0.0
for key in sorted(runs["before"][0]):
    b, a, c = ([run[key] for run in runs[k]] for k in ("before", "after", "control"))
    ratio, control = fastest(a) / fastest(b), fastest(c) / fastest(b)
    per_round = [min(y) / min(x) for x, y in zip(b, a)]
    low, high = bootstrap(b, a) if rounds > 1 else (ratio, ratio)
    clow, chigh = bootstrap(b, c) if rounds > 1 else (control, control)
    v, cv = judge(low, high), judge(clow, chigh)
    verdicts.append((key, v)); control_verdicts.append((key, cv))
    worst = max(worst, abs(ratio - 1))
    print(f"| {key[0]} | {key[1]} | {fastest(b):.3e} | {fastest(a):.3e} | {ratio:.3f} | {' '.join(f'{x:.3f}' for x in per_round)} "
          f"| {low:.3f}–{high:.3f} | {v} | {control:.3f} | {clow:.3f}–{chigh:.3f} | {cv} "
          f"| {median_of(a) / median_of(b):.3f} | {median_of(b) / fastest(b):.2f} |")
print()
print("Load average (1 min) at the start of each run: " +
      "; ".join(f"round {r}: before {l[1]}, after {l[2]}, control {l[3]}" for r, l in enumerate(loads, 1)) + ".")
def rows(pairs, verdict): return [f"{k[0]} {k[1]}" for k, v in pairs if v == verdict]
false_alarms = rows(control_verdicts, "NOT within")
print(f"\nA/A control (the same build twice): {len(rows(control_verdicts, 'within'))} of {len(control_verdicts)} rows within 5%, "
      f"{len(rows(control_verdicts, 'cannot judge'))} cannot judge, {len(false_alarms)} NOT within (false alarms{': ' + ', '.join(false_alarms) if false_alarms else ''}).")
print(f"After (no unsafeFlags): {len(rows(verdicts, 'within'))} of {len(verdicts)} rows within 5%, "
      f"{len(rows(verdicts, 'cannot judge'))} cannot judge ({', '.join(rows(verdicts, 'cannot judge')) or 'none'}), "
      f"{len(rows(verdicts, 'NOT within'))} NOT within ({', '.join(rows(verdicts, 'NOT within')) or 'none'}); "
      f"largest |after/before - 1| of the point estimates = {worst:.3f}.")
# The rule's power on this run's noise: the after times scaled by a known slowdown (an injected
# regression of exactly that size, with this run's round-to-round noise), judged by the same rule.
power = []
for factor in (1.10, 1.20):
    caught = 0
    for key in sorted(runs["before"][0]):
        b = [run[key] for run in runs["before"]]
        a = [[t * factor for t in run[key]] for run in runs["after"]]
        low, high = bootstrap(b, a) if rounds > 1 else ((fastest(a) / fastest(b),) * 2)
        caught += judge(low, high) == "NOT within"
    power.append(f"{factor - 1:.0%} slower: {caught} of {len(verdicts)} rows NOT within")
print("Power on this run's noise (the after times multiplied by a known slowdown, judged by the same rule): " + "; ".join(power) + ".")
if false_alarms:
    overall = "cannot judge: the A/A control is NOT within 5% at " + ", ".join(false_alarms) + ", so this run's noise exceeds 5%"
elif all(v == "within" for _, v in verdicts):
    overall = "within 5%"
elif any(v == "NOT within" for _, v in verdicts):
    overall = "NOT within 5%"
else:
    overall = "cannot judge: the 95% interval straddles a 5% line at " + ", ".join(rows(verdicts, "cannot judge"))
print(f"\n**Verdict: {overall}.**")
sys.exit(0 if overall == "within 5%" else 1)
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
    echo "\`samkit ${args[*]}\`, $rounds rounds of three runs (before, after and an A/A control: a second copy of the before build), their order rotating over the rounds; per build the fastest forward + backward segment pooled over the rounds, each round's own ratio of fastest segments, and a 95% bootstrap interval over rounds."
    echo "Why the fastest segment: this machine switches every few seconds between two speed states about 1.4× apart, within one process pinned to one CPU, so a median measures which state a run met (the last column: each row's median segment over its fastest). The ratio of medians is shown beside the verdict but not judged."
    echo "Verdict per row from the interval: within 5% when it lies inside [0.95, 1.05], NOT within when it lies wholly outside, cannot judge when it straddles a 5% line. The control is judged by the same rule; a control NOT within 5% voids the run (cannot judge)."
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
