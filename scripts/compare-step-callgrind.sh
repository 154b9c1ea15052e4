#!/usr/bin/env bash
# The instructions and simulated cache misses of a DAM step in the two builds that
# scripts/compare-step-time.sh times (deterministic: callgrind's counts do not depend on the load).
#   before: swift build -c release -Xswiftc -cross-module-optimization   (into .build-cmo)
#   after:  swift build -c release                                          (into .build)
# For each N, one `samkit profile --worker --models dam` per build runs under
#   valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes (32 KiB 8-way D1, 32 MiB 16-way LL)
# with instrumentation from the last warm-up segment on and the counts zeroed after it (Driver,
# CValgrind), as in scripts/step-profile.sh. Printed per N and build: the forward + backward Ir per
# step (segments counted from the calls into DAM.forward), data reads and writes, D1 and LL misses
# per step, the ratio after/before; then every function whose exclusive Ir, Dr, D1mr or DLmr differs
# between the builds by more than 0.1% of the step's total (none listed: the builds execute the same).
# Findings: docs/cmo-step-time.md.
# Usage: scripts/compare-step-callgrind.sh [--sizes 16384,65536] [--steps 4] [--out DIR] [--table-only]
# Exit 0 done, 2 bad usage or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="16384,65536"; steps=4; out=".build/step-callgrind"; run=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2;;
    --steps) steps="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    --table-only) run=0; shift;;
    -h|--help) sed -n '2,16p' "$0"; exit 0;;
    *) echo "compare-step-callgrind: unknown option '$1' (see --help)" >&2; exit 2;;
  esac
done
case "$steps" in ''|*[!0-9]*|0) echo "compare-step-callgrind: --steps must be a positive integer, got '$steps'" >&2; exit 2;; esac
command -v valgrind >/dev/null || { echo "compare-step-callgrind: valgrind is not installed" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
if [ "$run" = 1 ]; then
  swift build -c release -Xswiftc -cross-module-optimization --build-path .build-cmo >&2
  swift build -c release >&2
  # Valgrind 3.19 cannot read Swift's DWARF 5: copies without debug information (symbols stay),
  # at paths of the same length.
  mkdir -p "$out/b" "$out/a"
  objcopy --strip-debug .build-cmo/release/samkit "$out/b/samkit"
  objcopy --strip-debug .build/release/samkit "$out/a/samkit"
  for n in ${sizes//,/ }; do
    for kind in b a; do
      echo "compare-step-callgrind: $kind at N = $n (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
      valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
        --callgrind-out-file="$out/$kind-$n.callgrind" --log-file="$out/$kind-$n.valgrind.log" \
        "$out/$kind/samkit" profile --worker --models dam --sizes "$n" --steps "$steps" --repeats 1 --warmup 1 \
        > "$out/$kind-$n.json"
    done
  done
fi
python3 - "$out" "$sizes" "$steps" <<'PY'
import subprocess, sys
sys.path.insert(0, "scripts")
from importlib import import_module
costs = import_module("callgrind-costs")
folder, sizes, steps = sys.argv[1], [int(n) for n in sys.argv[2].split(",")], int(sys.argv[3])
def demangle(names):
    text = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True).stdout
    return dict(zip(names, text.splitlines()))
def load(kind, n):
    events, totals, functions = costs.parse(f"{folder}/{kind}-{n}.callgrind")
    names = demangle(list(functions))
    byname = {}
    for raw, f in functions.items():
        key = names.get(raw, raw)   # by name: callgrind-costs' object of a function is not always its own
        old = byname.get(key)
        byname[key] = f if old is None else {**f, "exclusive": [a + b for a, b in zip(old["exclusive"], f["exclusive"])]}
    ir = events.index("Ir")
    def inclusive(prefix):
        return sum(f["inclusive"][ir] for k, f in byname.items() if k.startswith(prefix))
    segments = max(f["calls"] for k, f in byname.items() if k.startswith("specialized DAM.forward("))
    step = inclusive("specialized DAM.forward(") + inclusive("specialized DAM.backward(")
    return events, totals, byname, segments, step
print("| N | build | segments × T | fwd+bwd Ir/step | all Ir/step | Dr/step | Dw/step | D1 misses/step | LL misses/step |")
print("|---|---|---|---|---|---|---|---|---|")
diffs = []
for n in sizes:
    rows = {}
    for kind, label in (("b", "before (CMO)"), ("a", "after")):
        events, totals, byname, segments, step = load(kind, n)
        t = dict(zip(events, totals)); per = segments * steps
        print(f"| {n} | {label} | {segments} × {steps} | {step / per:,.0f} | {t['Ir'] / per:,.0f} | {t['Dr'] / per:,.0f} "
              f"| {t['Dw'] / per:,.0f} | {(t['D1mr'] + t['D1mw']) / per:,.0f} | {(t['DLmr'] + t['DLmw']) / per:,.0f} |")
        rows[kind] = (step / per, t, byname, events, per)
    (sb, tb, fb, events, pb), (sa, ta, fa, _, pa) = rows["b"], rows["a"]
    print(f"| {n} | after/before | | {sa / sb:.5f} | {ta['Ir'] / pa / (tb['Ir'] / pb):.5f} | {ta['Dr'] / pa / (tb['Dr'] / pb):.5f} "
          f"| {ta['Dw'] / pa / (tb['Dw'] / pb):.5f} | {(ta['D1mr'] + ta['D1mw']) / pa / ((tb['D1mr'] + tb['D1mw']) / pb):.5f} "
          f"| {(ta['DLmr'] + ta['DLmw']) / pa / ((tb['DLmr'] + tb['DLmw']) / pb):.5f} |")
    for name in sorted(set(fb) | set(fa)):
        zero = [0] * len(events)
        eb, ea = (fb.get(name) or {"exclusive": zero})["exclusive"], (fa.get(name) or {"exclusive": zero})["exclusive"]
        for event in ("Ir", "Dr", "D1mr", "DLmr"):
            i = events.index(event)
            before, after = eb[i] / pb, ea[i] / pa
            if abs(after - before) > 0.001 * tb["Ir"] / pb:
                diffs.append(f"| {n} | {name} | {event} | {before:,.0f} | {after:,.0f} |")
print()
if diffs:
    print("Functions whose exclusive count per step differs by more than 0.1% of the step's Ir:\n")
    print("| N | function | event | before/step | after/step |\n|---|---|---|---|---|")
    print("\n".join(diffs))
else:
    print("No function's exclusive Ir, Dr, D1mr or DLmr per step differs between the builds by more than 0.1% of the step's Ir.")
PY
