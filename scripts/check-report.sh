#!/bin/sh
# `make check-report`: fails (exit 1) when the committed report was not generated from HEAD's
# sources, i.e. when the sources hash recorded in reports/scaling.json differs from the hash of
# Sources/ and Package.swift at HEAD (scripts/sources-hash.sh on `git archive HEAD`).
set -eu
report="${1:-reports/scaling.json}"
if [ ! -f "$report" ]; then echo "check-report: $report is missing" >&2; exit 2; fi
recorded=$(sed -n 's/.*"sourcesHash" *: *"\([0-9a-f]*\)".*/\1/p' "$report" | head -n 1)
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT INT TERM
git archive HEAD Sources Package.swift | tar -x -C "$tree"
head=$(sh scripts/sources-hash.sh "$tree")
if [ -z "$recorded" ]; then
  echo "check-report: $report records no sources hash (made before provenance was recorded); regenerate it: make report" >&2
  exit 1
fi
if [ "$recorded" != "$head" ]; then
  echo "check-report: $report was generated from sources $recorded, but HEAD's sources are $head; regenerate it from a clean tree: make report" >&2
  exit 1
fi
echo "check-report: $report matches HEAD's sources ($head)"
