#!/bin/bash
# How the runs under reports/learning-s19 were made (session 19, issue 15), from the repository root with
# `swift build -c release` at 4d5d48a, two training processes at a time (each run is deterministic from its seed).
# The question: reports/learning-s8 found that at M_0 uniform in +-0.1 DAM learns copy (configuration C: 3/3
# seeds) and SAM with the k-d forest does not (0/3). Is the approximate index the cause, or SAM's sparse read
# itself? SPEC: DAM is exactly SAM with K = N and an exact index, so SAM-exact with K from 4 (the report's) up to
# N = 128 walks from SAM to DAM with the index held exact.
# Every run: the learning report's sizes (N 128, W 16, R 1, H 64, 6-bit vectors), its curriculum (threshold
# 0.05 nats per answer bit), clipping at 10, windows of 500 iterations, and s8's configuration C (Adam 1e-2,
# batch 4, 15000 iterations, M_0 uniform in +-0.1); what differs is in the name:
#   K4, K8, K16, K32, K128   SAM with the exact index and K = 4, 8, 16, 32, 128 neighbours per head
#   D                        DAM (s8's C_copy_dam, re-run at this commit)
# Part 2 asks why DAM learns nothing at SPEC's M_0 = 0 (s8's Z and ZC: 0/9). The access threshold is
# delta = 0.005 (Configuration.accessThreshold) and a dense read of an all-zero memory is uniform, 1/N per row:
# at N = 128 that is 0.0078 > delta, so every row counts as accessed at every step, the LRU ring returns to
# 0, 1, ..., N-1 and u_1 is row 0 at every step. At N = 1024, 1/N = 0.00098 < delta. So:
#   ZN1024D   DAM at N = 1024 and M_0 = 0 (else as above)
#   ZN128D    DAM at N = 128 and M_0 = 0 (s8's ZC_copy_dam, re-run at this commit)
#   N1024K4   SAM-exact, K = 4, at N = 1024 and M_0 uniform in +-0.1: does a larger memory change K4's failure?
# Part 3: everything at N = 1024 and SPEC's M_0 = 0 (where a uniform dense read stays below delta), K = 4:
#   ZN1024    copy: SAM-kdtree and SAM-exact; recall (6 items): DAM and SAM-kdtree (sort was cut for time:
#             the machine was needed quiet for the report regeneration)
set -euo pipefail
export OPENBLAS_NUM_THREADS=1
samkit=.build/release/samkit
out=reports/learning-s19
run() {  # NAME ARGS...
  local name=$1; shift
  "$samkit" train --task copy --word-size 16 --heads 1 --hidden 64 --bits 6 --memory 128 --length 10 \
    --levels curriculum --clip 10 --memory-scale 0.1 --window 500 --batch 4 --iterations 15000 \
    --optimizer adam --learning-rate 0.01 --out "$out/$name" "$@" > "$out/$name.log" 2>&1
}
part=${1:-all}
if [ "$part" = all ] || [ "$part" = 1 ]; then
for s in 1 2 3; do
  run D_copy_dam_s$s --model dam --seed $s &
  run K128_copy_exact_s$s --model sam --index exact --neighbours 128 --seed $s &
  wait
  for k in 4 8 16 32; do
    run K${k}_copy_exact_s$s --model sam --index exact --neighbours $k --seed $s &
    [ $k = 8 ] || [ $k = 32 ] && wait
  done
done
wait
fi
if [ "$part" = all ] || [ "$part" = 2 ]; then
for s in 1 2 3; do
  run ZN1024D_copy_dam_s$s --model dam --seed $s --memory 1024 --memory-scale 0 &
  run ZN128D_copy_dam_s$s --model dam --seed $s --memory-scale 0 &
  wait
done
run N1024K4_copy_exact_s1 --model sam --index exact --neighbours 4 --seed 1 --memory 1024 &
run N1024K4_copy_exact_s2 --model sam --index exact --neighbours 4 --seed 2 --memory 1024 &
wait
run N1024K4_copy_exact_s3 --model sam --index exact --neighbours 4 --seed 3 --memory 1024
fi
if [ "$part" = all ] || [ "$part" = 3 ]; then
z=(--memory 1024 --memory-scale 0)
for s in 1 2 3; do
  run ZN1024_copy_kdtree_s$s --model sam --index kdtree --seed $s "${z[@]}" &
  run ZN1024_copy_exact_s$s --model sam --index exact --seed $s "${z[@]}" &
  wait
done
for task in recall; do
  case $task in recall) len=6;; esac
  for s in 1 2; do
    run ZN1024_${task}_dam_s$s --model dam --task $task --length $len --seed $s "${z[@]}" &
    run ZN1024_${task}_kdtree_s$s --model sam --index kdtree --task $task --length $len --seed $s "${z[@]}" &
    wait
  done
done
fi
