#!/bin/bash
# How the runs under reports/learning-s7 were made (session 7, issue 15), from the repository root with
# `swift build -c release`. The before-fix traces were made at commit c32d516 (the comparison, no fix);
# everything else at the commit that added this file. Two training processes at most at a time.
set -euo pipefail
export OPENBLAS_NUM_THREADS=1
samkit=.build/release/samkit
copy=(train --task copy --model sam --memory 128 --word-size 16 --hidden 64 --bits 6 --length 10
      --learning-rate 0.003 --memory-scale 0)
out=reports/learning-s7
# Diagnosis: every read of a SAM run also asked of an exact scan and of the k-d forests (FLANN's and the
# compact one, updated and rebuilt before each query), on the exact index's trajectory and on FLANN's.
"$samkit" "${copy[@]}" --index exact --window 500 --seed 1 --iterations 6000 --trace $out/diagnosis/trace-before-exact-s1.csv   # at c32d516
"$samkit" "${copy[@]}" --index kdtree --window 500 --seed 1 --iterations 6000 --trace $out/diagnosis/trace-before-kdtree-s1.csv # at c32d516
"$samkit" "${copy[@]}" --index exact --window 500 --seed 1 --iterations 6000 --trace $out/diagnosis/trace-after-exact-s1.csv
"$samkit" "${copy[@]}" --index kdtree --window 500 --seed 1 --iterations 6000 --trace $out/diagnosis/trace-after-kdtree-s1.csv
scripts/learning-trace-summary.sh $out/diagnosis/trace-*.csv > $out/diagnosis/summary.md
# Learning runs: SAM with the k-d forest (zero rows kept out of FLANN) where SAM-exact reached the
# threshold (M_0 = 0), SAM-exact seed 2 to the same budget, and DAM with M_0 uniform in +-0.1 (where
# DAM reached it in session 6) for seeds 2 and 3.
for seed in 1 2 3; do
  "$samkit" "${copy[@]}" --index kdtree --window 500 --seed $seed --iterations 20000 --out $out/z-samkdfix-s$seed
done
"$samkit" "${copy[@]}" --index exact --window 500 --seed 2 --iterations 20000 --out $out/z-samexact-s2
for seed in 2 3; do
  "$samkit" train --task copy --model dam --memory 128 --word-size 16 --hidden 64 --bits 6 --length 10 \
    --learning-rate 0.003 --memory-scale 0.1 --window 500 --seed $seed --iterations 20000 --out $out/u-dam-s$seed
done
rm -f $out/*/checkpoint.json $out/*/curve.png
s6=reports/learning-s6
scripts/learning-runs-summary.sh 0.1 $s6/z-samexact-s1 $out/z-samexact-s2 $s6/z-samexact-s3 $s6/z-dam-s1 $s6/z-dam-s2 \
  $s6/z-dam-s3 $s6/z-samkd-s1 $out/z-samkdfix-s* $s6/u-dam-s1 $out/u-dam-s* > $out/summary.md
