#!/usr/bin/env bash
# The noise guard under load (issue 11, item 4 and its Done-when line):
#   1. loaded: one `yes > /dev/null` per core, then `samkit report --quick --strict`;
#      expected: rows marked noisy (claims[].noisy in scaling.json) and exit 1;
#   2. quiet: the same run with nothing else started by this script;
#      expected: 0 noisy rows, and exit 0 if every claim is confirmed, else exit 1 (--strict also
#      fails on contradicted or inconclusive claims, which are the code's verdicts, not noise).
# Prints one summary line per half and exits 0 only if both expectations hold (1 otherwise, 2 on
# bad usage). Run it on an otherwise quiet machine: the quiet half cannot be quieter than the machine.
#
# Usage: scripts/load-test.sh [--only loaded|quiet] [--keep] [-- extra samkit report options]
#   SAMKIT=path/to/samkit   the binary (default .build/release/samkit; build it with
#                           `swift build -c release` first)
#   --only loaded|quiet     run one half only
#   --keep                  keep the two report folders (printed) instead of deleting them
#   extra options           passed to both runs, e.g. a smoke test at tiny sizes:
#                           scripts/load-test.sh -- --models dam --sizes 2^6,2^7,2^8,2^9 --no-over-steps
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
samkit="${SAMKIT:-$repo/.build/release/samkit}"
only="" keep=0 extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --only) only="${2:-}"; shift 2 || { echo "load-test: --only needs loaded or quiet" >&2; exit 2; } ;;
        --keep) keep=1; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "load-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$only" in ""|loaded|quiet) ;; *) echo "load-test: --only must be loaded or quiet, got '$only'" >&2; exit 2 ;; esac
[ -x "$samkit" ] || { echo "load-test: no samkit binary at $samkit (swift build -c release, or set SAMKIT)" >&2; exit 2; }
command -v jq >/dev/null || { echo "load-test: jq is required to read scaling.json" >&2; exit 2; }

export OPENBLAS_NUM_THREADS=1
work="$(mktemp -d "${TMPDIR:-/tmp}/samkit-load-test.XXXXXX")"
burners=()
stop_burners() {
    # Only the processes this script started, by their id.
    for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    burners=()
}
cleanup() { stop_burners; [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cores="$(nproc)"
ok=1
summary=()

# run_half NAME EXPECT_NOISY(yes|no) EXPECT_EXIT
run_half() {
    local name="$1" expect_noisy="$2" expect_exit="$3" out="$work/$1" rc noisy claims unconfirmed verdict
    echo "load-test: $name: samkit report --quick --strict --out $out ${extra[*]:-}" >&2
    "$samkit" report --quick --strict --out "$out" "${extra[@]}" >"$work/$name.stdout" 2>"$work/$name.stderr"
    rc=$?
    if [ -f "$out/scaling.json" ]; then
        noisy="$(jq '[.claims[] | select(.noisy)] | length' "$out/scaling.json")"
        claims="$(jq '.claims | length' "$out/scaling.json")"
        unconfirmed="$(jq '[.claims[] | select(.verdict.outcome != "confirmed")] | length' "$out/scaling.json")"
    else
        noisy="?" claims="?" unconfirmed="?"
    fi
    # Quiet: --strict exits 1 exactly when some claim is not confirmed.
    if [ "$expect_exit" = strict ]; then
        if [ "$unconfirmed" = 0 ]; then expect_exit=0; else expect_exit=1; fi
    fi
    verdict="as expected"
    if [ "$rc" != "$expect_exit" ]; then verdict="UNEXPECTED exit (expected $expect_exit)"; ok=0; fi
    if [ "$expect_noisy" = yes ] && { [ "$noisy" = "?" ] || [ "$noisy" -eq 0 ]; }; then
        verdict="UNEXPECTED: no noisy rows"; ok=0
    fi
    if [ "$expect_noisy" = no ] && [ "$noisy" != 0 ]; then verdict="UNEXPECTED: $noisy noisy row(s)"; ok=0; fi
    summary+=("$(printf '%-7s exit %s, %s noisy row(s) of %s claims (%s not confirmed): %s' "$name" "$rc" "$noisy" "$claims" "$unconfirmed" "$verdict")")
    if [ "$rc" -ge 2 ]; then tail -n 5 "$work/$name.stderr" >&2; fi
}

if [ -z "$only" ] || [ "$only" = loaded ]; then
    echo "load-test: starting $cores × 'yes > /dev/null'" >&2
    for _ in $(seq "$cores"); do yes > /dev/null & burners+=("$!"); done
    run_half loaded yes 1
    stop_burners
fi
if [ -z "$only" ] || [ "$only" = quiet ]; then
    [ -z "$only" ] && sleep 5   # let the burners' processes leave the run queue
    run_half quiet no strict
fi

echo "load-test summary ($cores cores, $(uptime | sed 's/.*load average/load average/')):"
for line in "${summary[@]}"; do echo "  $line"; done
[ "$keep" = 1 ] && echo "  reports kept in $work"
[ "$ok" = 1 ] && exit 0 || exit 1
