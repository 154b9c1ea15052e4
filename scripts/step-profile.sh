#!/usr/bin/env bash
# Where a step's work goes, counted by callgrind (deterministic: instruction counts and simulated
# cache misses do not depend on the machine's load). For each model and N, one worker process
# (`samkit profile --worker`, T steps per segment) runs under
#   valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes
# with a 32 KiB 8-way D1 and a 32 MiB 16-way last level (this machine's L1d and L3; lscpu). The
# worker's setup (M_0 fill, index build) runs uninstrumented; instrumentation starts before the
# last warm-up segment (so the simulated caches are warm) and the counts are zeroed after it
# (Driver, CValgrind): the counts are the timed segments' forward + backward + reset, divided by
# the steps run. LL misses are the data lines fetched from DRAM, the cost that grows with N when
# the index's nodes and rows no longer fit in the cache.
# Then, natively, the same worker with 1 and with --growth-segments timed segments: the model's
# bytes by part (its memory account) and the peak resident set (VmHWM) after each, and the growth
# of each part per step between them (byte counts: they do not depend on the load either).
# A model may name an index to read through instead of its own: sam-kdtree@kdtree-compact.
# Then the forward + backward instructions per step ÷ the bare controller's, and a cross-check with
# the measured times of reports/measurements.json (the committed report's run): the time added from
# the smallest to the largest N per LL miss added.
# Usage: scripts/step-profile.sh [--models sam-kdtree,sam-kdtree@kdtree-compact,controller]
#          [--sizes 1024,1048576] [--steps 8] [--segments 8] [--growth-segments 64] [--out DIR] [--table-only]
# Prints Markdown tables on stdout; keeps the callgrind and JSON files in DIR (default
# .build/step-profile). Needs valgrind and a release build (swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
models="sam-kdtree,sam-kdtree@kdtree-compact,controller"; sizes="1024,1048576"; steps=8; segments=8; growth=64
out=".build/step-profile"; run=1
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift 2;;
    --sizes) sizes="$2"; shift 2;;
    --steps) steps="$2"; shift 2;;
    --segments) segments="$2"; shift 2;;
    --growth-segments) growth="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    --table-only) run=0; shift;;
    -h|--help) sed -n '2,25p' "$0"; exit 0;;
    *) echo "step-profile: unknown option '$1' (see --help)" >&2; exit 2;;
  esac
done
command -v valgrind >/dev/null || { echo "step-profile: valgrind is not installed" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p "$out"
if [ "$run" = 1 ]; then
  [ -x .build/release/samkit ] || { echo "step-profile: build first: swift build -c release" >&2; exit 2; }
  # Valgrind 3.19 cannot read the DWARF 5 the Swift compiler writes: a copy without debug
  # information (the symbol table, hence the function names, stays).
  objcopy --strip-debug .build/release/samkit "$out/samkit"
  {
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (Sources modified)'); $(valgrind --version)"
    echo "- models: $models; N: $sizes; T = $steps steps per segment, $segments timed segments under callgrind, $growth natively"
    echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN) CPUs (counts do not depend on it)"
  } > "$out/run-info.md"
  for spec in ${models//,/ }; do
    model="${spec%@*}"; index=()
    [ "$spec" != "$model" ] && index=(--worker-index "${spec#*@}")
    for n in ${sizes//,/ }; do
      echo "step-profile: $spec at N = $n under callgrind (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
      echo "- $spec at N = $n: started $(date -u +%H:%M:%SZ), load average $(cut -d' ' -f1 /proc/loadavg)" >> "$out/run-info.md"
      valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
        --callgrind-out-file="$out/$spec-$n.callgrind" --log-file="$out/$spec-$n.valgrind.log" \
        "$out/samkit" profile --worker --models "$model" "${index[@]}" --sizes "$n" --steps "$steps" \
        --repeats "$segments" --warmup 1 > "$out/$spec-$n.json"
      if [ "$model" != controller ]; then
        # Bytes by part after 1 and after 1 + growth segments, natively (byte counts, not timing), by
        # the same copy of the binary, so that a rebuild during the run cannot change what is measured.
        for r in 1 "$growth"; do
          "$out/samkit" profile --worker --models "$model" "${index[@]}" --sizes "$n" --steps "$steps" \
            --repeats "$r" --warmup 0 > "$out/$spec-$n.native-$r.json"
        done
      fi
    done
  done
fi
[ "$run" = 1 ] && echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/run-info.md"
echo "# Where a step's work and bytes go at small and large N (scripts/step-profile.sh)"; echo
cat "$out/run-info.md" 2>/dev/null && echo
python3 scripts/step-profile-table.py "$out" "$models" "$sizes" "$growth" reports/measurements.json
